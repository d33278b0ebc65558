/**
 * Small differentiable building blocks shared by encoders and models: layer norm, GELU, and
 * seeded dropout (the dense layer is `Linear`, layers/dense.ts). All are plain functions of
 * tensors and weights so that a model's forward pass reads as the architecture it implements.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../../util/random.ts';
import type { ParamStore } from './params.ts';

export interface LayerNorm {
  readonly gain: tf.Variable;
  readonly shift: tf.Variable;
  /** How many trailing axes are normalized together. */
  readonly axes: number;
}

/** Layer norm over the trailing `normShape` (PyTorch `nn.LayerNorm(normShape)`, eps 1e-5). */
export function createLayerNorm(store: ParamStore, name: string, normShape: readonly number[]): LayerNorm {
  return {
    gain: store.create(`${name}.gain`, normShape, { kind: 'ones' }),
    shift: store.create(`${name}.shift`, normShape, { kind: 'zeros' }),
    axes: normShape.length,
  };
}

export function layerNorm(norm: LayerNorm, x: tf.Tensor): tf.Tensor {
  const axes = Array.from({ length: norm.axes }, (_, i) => x.rank - norm.axes + i);
  const { mean, variance } = tf.moments(x, axes, true);
  const normalized = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5)));
  return tf.add(tf.mul(normalized, norm.gain), norm.shift);
}

/** Exact GELU, `x * Phi(x)`, as PyTorch's `nn.GELU()` default. */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

/**
 * Inverted dropout whose mask is drawn from the model's own seeded stream (one seed per
 * call), so the same model seed replays the same masks.
 */
export function dropout(x: tf.Tensor, rate: number, rng: Random): tf.Tensor {
  if (rate <= 0) return x;
  const keep = 1 - rate;
  const mask = tf.step(tf.sub(keep, tf.randomUniform(x.shape, 0, 1, 'float32', rng.nextUint32())));
  return tf.mul(x, tf.div(mask, keep));
}
