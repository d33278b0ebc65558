/**
 * Optimizers with a mutable learning rate (the plateau scheduler lowers it) and state owned
 * as tensors that `dispose()` frees. Adam follows PyTorch's `torch.optim.Adam` (bias-corrected
 * moments, eps outside the square root); SGD has optional heavy-ball momentum as PyTorch's.
 */
import * as tf from '@tensorflow/tfjs-core';
import { PopulationAdam } from '../population/adam.ts';

export type OptimizerConfig =
  | { readonly kind: 'adam'; readonly lr: number; readonly beta1?: number; readonly beta2?: number; readonly eps?: number }
  | { readonly kind: 'sgd'; readonly lr: number; readonly momentum?: number };

export interface Optimizer {
  lr: number;
  /** Applies one update of every variable from its gradient (same order). */
  apply(variables: readonly tf.Variable[], grads: readonly tf.Tensor[]): void;
  dispose(): void;
}

export function createOptimizer(config: OptimizerConfig): Optimizer {
  if (!(config.lr > 0) || !Number.isFinite(config.lr)) throw new RangeError(`learning rate must be a positive number, got ${config.lr}`);
  return config.kind === 'adam' ? new Adam(config) : new Sgd(config);
}

/**
 * PyTorch's Adam: m = m b1 + g (1 - b1), v = v b2 + g^2 (1 - b2), then
 * w -= (m / (sqrt(v) / sqrt(1 - b2^t) + eps)) lr / (1 - b1^t), each operation rounded to
 * float32 in that order. It runs as the population's Adam kernel with one member (one kernel
 * per weight instead of a dozen; population/adam.ts computes exactly these operations).
 */
class Adam implements Optimizer {
  lr: number;
  private readonly population: PopulationAdam;

  constructor(config: Extract<OptimizerConfig, { kind: 'adam' }>) {
    this.lr = config.lr;
    this.population = new PopulationAdam(config, 1);
  }

  apply(variables: readonly tf.Variable[], grads: readonly tf.Tensor[]): void {
    this.population.lr[0] = this.lr;
    this.population.apply(variables, grads, [true]);
  }

  dispose(): void {
    this.population.dispose();
  }
}

class Sgd implements Optimizer {
  lr: number;
  private readonly momentum: number;
  private buffers: tf.Variable[] | null = null;

  constructor(config: Extract<OptimizerConfig, { kind: 'sgd' }>) {
    this.lr = config.lr;
    this.momentum = config.momentum ?? 0;
  }

  apply(variables: readonly tf.Variable[], grads: readonly tf.Tensor[]): void {
    tf.tidy(() => {
      if (this.momentum > 0) {
        const first = this.buffers === null;
        this.buffers ??= variables.map((v) => tf.variable(tf.zerosLike(v), false));
        variables.forEach((variable, i) => {
          const buffer = this.buffers![i];
          // PyTorch starts the buffer at the first gradient.
          buffer.assign(first ? grads[i] : tf.add(tf.mul(buffer, this.momentum), grads[i]));
          variable.assign(tf.sub(variable, tf.mul(buffer, this.lr)));
        });
      } else {
        variables.forEach((variable, i) => variable.assign(tf.sub(variable, tf.mul(grads[i], this.lr))));
      }
    });
  }

  dispose(): void {
    for (const b of this.buffers ?? []) b.dispose();
    this.buffers = null;
  }
}
