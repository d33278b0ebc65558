/**
 * Losses and gradients on the `Model` contract: mean softmax cross-entropy, accuracy and
 * the flat gradient of the loss with respect to every trainable weight.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../gssnn/models/model.ts';
import { totalSize } from './params.ts';

/** A labelled batch: inputs `[n, ...inputShape]` and class indices `[n]` (int32). */
export interface LabelledBatch {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor1D;
}

/** Per-example cross-entropy `[n]` from logits `[n, classes]`. */
export function perExampleCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const classes = logits.shape[1];
    const picked = tf.sum(tf.mul(logits, tf.oneHot(tf.cast(labels, 'int32'), classes)), 1);
    return tf.sub(tf.logSumExp(logits, 1), picked) as tf.Tensor1D;
  });
}

export function meanCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean(perExampleCrossEntropy(logits, labels)) as tf.Scalar);
}

/** Mean loss of the model on a batch (inference mode). */
export function lossValue(model: Model, batch: LabelledBatch): number {
  return tf.tidy(() => meanCrossEntropy(model.logits(batch.x, false), batch.y).dataSync()[0]);
}

/** Fraction of examples whose arg-max logit is the label. */
export function accuracy(model: Model, batch: LabelledBatch, chunk = 1024): number {
  const n = batch.y.shape[0];
  if (n === 0) return Number.NaN;
  let correct = 0;
  for (let start = 0; start < n; start += chunk) {
    const size = Math.min(chunk, n - start);
    correct += tf.tidy(() => {
      const x = tf.slice(batch.x, start, size);
      const y = tf.slice(batch.y, start, size);
      const pred = tf.argMax(model.logits(x, false), 1);
      return tf.sum(tf.cast(tf.equal(pred, tf.cast(y, 'int32')), 'float32')).dataSync()[0];
    });
  }
  return correct / n;
}

/**
 * Gradient of `lossFn` with respect to the model's variables, flattened in variable order.
 * Variables that do not influence the loss get zeros.
 */
export function flatGradient(model: Model, lossFn: () => tf.Scalar): { loss: number; gradient: Float64Array } {
  const variables = model.variables;
  const out = new Float64Array(totalSize(variables));
  const loss = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(lossFn, variables as tf.Variable[]);
    let offset = 0;
    for (const v of variables) {
      const g = grads[v.name];
      if (g) out.set(g.dataSync() as Float32Array, offset);
      offset += v.size;
    }
    return value.dataSync()[0];
  });
  return { loss, gradient: out };
}

/** Per-variable gradients of the mean loss on a batch (tensors owned by the caller). */
export function variableGradients(model: Model, batch: LabelledBatch, training = false): { loss: number; grads: tf.Tensor[] } {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(
      () => meanCrossEntropy(model.logits(batch.x, training), batch.y),
      model.variables as tf.Variable[],
    );
    const ordered = model.variables.map((v) => grads[v.name] ?? tf.zerosLike(v));
    return { loss: value.dataSync()[0], grads: ordered };
  });
}

/** The flat gradient of the mean cross-entropy on a batch. */
export function batchGradient(model: Model, batch: LabelledBatch, training = false): { loss: number; gradient: Float64Array } {
  return flatGradient(model, () => meanCrossEntropy(model.logits(batch.x, training), batch.y));
}

/** A batch made from plain arrays (as stored in a `Split`). */
export function batchFromArrays(x: Float32Array, y: Int32Array, inputShape: readonly number[], indices?: readonly number[]): LabelledBatch {
  const width = inputShape.reduce((a, b) => a * b, 1);
  const rows = indices ?? Array.from({ length: y.length }, (_, i) => i);
  const xs = new Float32Array(rows.length * width);
  const ys = new Int32Array(rows.length);
  rows.forEach((row, i) => {
    xs.set(x.subarray(row * width, (row + 1) * width), i * width);
    ys[i] = y[row];
  });
  return { x: tf.tensor(xs, [rows.length, ...inputShape]), y: tf.tensor1d(ys, 'int32') };
}

export function disposeBatch(batch: LabelledBatch): void {
  batch.x.dispose();
  batch.y.dispose();
}
