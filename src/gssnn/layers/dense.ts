/**
 * Dense building blocks for message-passing layers. A `Linear` maps the last axis
 * (`[..., in] -> [..., out]`) of a tensor of any rank >= 2 with one GEMM over all leading
 * rows. Weights are tf.Variables initialised from a seeded `Random` (Glorot uniform; bias 0);
 * each block owns its variables and disposes them.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../../util/random.ts';

export type Activation = 'linear' | 'relu';

/** A `[rows, cols]` variable with Glorot-uniform entries drawn from `rng`. */
export function glorotVariable(rng: Random, rows: number, cols: number): tf.Variable {
  const limit = Math.sqrt(6 / (rows + cols));
  const values = new Float32Array(rows * cols);
  for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-limit, limit);
  return tf.variable(tf.tensor2d(values, [rows, cols]), true);
}

export class Linear {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(rng: Random, readonly inFeatures: number, readonly outFeatures: number, withBias = true) {
    if (!(inFeatures > 0 && outFeatures > 0)) throw new RangeError(`Linear: sizes must be positive, got ${inFeatures} -> ${outFeatures}`);
    this.weight = glorotVariable(rng, inFeatures, outFeatures);
    this.bias = withBias ? tf.variable(tf.zeros([outFeatures]), true) : null;
  }

  get variables(): tf.Variable[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  /** `[..., in] -> [..., out]`, optionally followed by ReLU (fused into the matmul). */
  apply(x: tf.Tensor, activation: Activation = 'linear'): tf.Tensor {
    const inner = x.shape[x.rank - 1];
    if (inner !== this.inFeatures) {
      throw new RangeError(`Linear: expected last axis ${this.inFeatures}, got input shape [${x.shape}]`);
    }
    return tf.tidy(() => {
      const rows = tf.reshape(x, [-1, this.inFeatures]) as tf.Tensor2D;
      const out = tf.fused.matMul({ a: rows, b: this.weight as tf.Tensor2D, bias: this.bias ?? undefined, activation });
      return tf.reshape(out, [...x.shape.slice(0, -1), this.outFeatures]);
    });
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}

/** Linear -> ReLU -> Linear, the usual update network of GIN / GINE. */
export class MLP {
  readonly first: Linear;
  readonly second: Linear;

  constructor(rng: Random, inFeatures: number, hidden: number, outFeatures: number) {
    this.first = new Linear(rng, inFeatures, hidden);
    this.second = new Linear(rng, hidden, outFeatures);
  }

  get variables(): tf.Variable[] {
    return [...this.first.variables, ...this.second.variables];
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.second.apply(this.first.apply(x, 'relu')));
  }

  dispose(): void {
    this.first.dispose();
    this.second.dispose();
  }
}
