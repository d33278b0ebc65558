/**
 * Flat views of a model's weights and gradients. The analysis algorithms (coherence,
 * Hessian, sharpness, perturbation bounds) work on one vector of all trainable scalars,
 * taken in the fixed order of `Model.variables`.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Number of scalars in each variable, in order. */
export function variableSizes(variables: readonly tf.Variable[]): number[] {
  return variables.map((v) => v.size);
}

export function totalSize(variables: readonly tf.Variable[]): number {
  return variables.reduce((n, v) => n + v.size, 0);
}

/** All weights as one float64 vector (a copy). */
export function flattenVariables(variables: readonly tf.Variable[]): Float64Array {
  const out = new Float64Array(totalSize(variables));
  let offset = 0;
  for (const v of variables) {
    out.set(v.dataSync() as Float32Array, offset);
    offset += v.size;
  }
  return out;
}

/** Writes a flat vector back into the variables (inverse of `flattenVariables`). */
export function assignFlat(variables: readonly tf.Variable[], flat: ArrayLike<number>): void {
  const total = totalSize(variables);
  if (flat.length !== total) throw new RangeError(`assignFlat: vector has ${flat.length} entries, the model ${total}`);
  let offset = 0;
  for (const v of variables) {
    const part = Float32Array.from({ length: v.size }, (_, i) => flat[offset + i]);
    tf.tidy(() => v.assign(tf.tensor(part, v.shape, 'float32')));
    offset += v.size;
  }
}

/** Runs `body` with the weights moved to `w + delta`, then restores them exactly. */
export function withShiftedWeights<T>(variables: readonly tf.Variable[], delta: ArrayLike<number>, body: () => T): T {
  const saved = variables.map((v) => tf.keep(v.clone()));
  try {
    const base = flattenVariables(variables);
    const shifted = new Float64Array(base.length);
    for (let i = 0; i < base.length; i++) shifted[i] = base[i] + delta[i];
    assignFlat(variables, shifted);
    return body();
  } finally {
    variables.forEach((v, i) => v.assign(saved[i]));
    saved.forEach((t) => t.dispose());
  }
}

/** Splits a flat vector into per-variable slices (views, no copy). */
export function splitFlat(flat: Float64Array, sizes: readonly number[]): Float64Array[] {
  const parts: Float64Array[] = [];
  let offset = 0;
  for (const size of sizes) {
    parts.push(flat.subarray(offset, offset + size));
    offset += size;
  }
  return parts;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function norm2(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}
