/**
 * Optimizers with a mutable learning rate (the plateau scheduler lowers it) and state owned
 * as tensors that `dispose()` frees. Adam follows PyTorch's `torch.optim.Adam` (bias-corrected
 * moments, eps outside the square root); SGD has optional heavy-ball momentum as PyTorch's.
 */
import * as tf from '@tensorflow/tfjs-core';

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

class Adam implements Optimizer {
  lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private step = 0;
  private moments: { m: tf.Variable; v: tf.Variable }[] | null = null;

  constructor(config: Extract<OptimizerConfig, { kind: 'adam' }>) {
    this.lr = config.lr;
    this.beta1 = config.beta1 ?? 0.9;
    this.beta2 = config.beta2 ?? 0.999;
    this.eps = config.eps ?? 1e-8;
  }

  apply(variables: readonly tf.Variable[], grads: readonly tf.Tensor[]): void {
    this.moments ??= variables.map((v) => ({ m: tf.variable(tf.zerosLike(v), false), v: tf.variable(tf.zerosLike(v), false) }));
    this.step += 1;
    const correction1 = 1 - this.beta1 ** this.step;
    const correction2 = 1 - this.beta2 ** this.step;
    tf.tidy(() => {
      variables.forEach((variable, i) => {
        const g = grads[i];
        const { m, v } = this.moments![i];
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const denominator = tf.add(tf.div(tf.sqrt(v), Math.sqrt(correction2)), this.eps);
        variable.assign(tf.sub(variable, tf.mul(tf.div(m, denominator), this.lr / correction1)));
      });
    });
  }

  dispose(): void {
    for (const { m, v } of this.moments ?? []) {
      m.dispose();
      v.dispose();
    }
    this.moments = null;
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
