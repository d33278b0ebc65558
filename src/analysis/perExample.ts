/**
 * Per-example gradients. The general path loops over examples (any `Model`); for a
 * `DenseStack` one batched backward pass gives every example's output gradient delta_i at
 * each layer, and the kernel gradient of example i is the outer product a_i delta_i^T.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../gssnn/models/model.ts';
import { DenseStack } from './denseStack.ts';
import { type LabelledBatch, perExampleCrossEntropy } from './loss.ts';

/** Calls `visit(i, grads)` with example i's per-variable gradient of its own loss. */
export function forEachExampleGradient(model: Model, batch: LabelledBatch, visit: (index: number, grads: Float32Array[]) => void): void {
  const n = batch.y.shape[0];
  const variables = model.variables as tf.Variable[];
  for (let i = 0; i < n; i++) {
    const grads = tf.tidy(() => {
      const x = tf.slice(batch.x, i, 1);
      const y = tf.slice(batch.y, i, 1);
      const { grads } = tf.variableGrads(() => tf.sum(perExampleCrossEntropy(model.logits(x, false), y)) as tf.Scalar, variables);
      return variables.map((v) => (grads[v.name] ? (grads[v.name].dataSync() as Float32Array).slice() : new Float32Array(v.size)));
    });
    visit(i, grads);
  }
}

/** Inputs and output gradients of every dense layer, per example, from one backward pass. */
export interface DenseLayerSignals {
  /** Layer inputs a `[n, in]`. */
  readonly inputs: tf.Tensor2D[];
  /** d(loss_i)/d(pre-activation_i) `[n, out]`. */
  readonly deltas: tf.Tensor2D[];
}

/** Caller disposes the returned tensors (or calls this inside `tf.tidy`). */
export function denseLayerSignals(stack: DenseStack, batch: LabelledBatch): DenseLayerSignals {
  const n = batch.y.shape[0];
  const shifts = stack.layers.map((layer) => tf.zeros([n, layer.bias.shape[0]]) as tf.Tensor2D);
  // Sum (not mean) of per-example losses: its gradient w.r.t. row i of a shift is delta_i.
  const lossOfShifts = (...shift: tf.Tensor[]) => tf.sum(perExampleCrossEntropy(stack.trace(batch.x, shift as tf.Tensor2D[]).logits, batch.y)) as tf.Scalar;
  const deltas = tf.grads(lossOfShifts)(shifts) as tf.Tensor2D[];
  shifts.forEach((s) => s.dispose());
  // A second forward pass for the inputs: tensors made inside tf.grads do not outlive it.
  const inputs = tf.tidy(() => stack.trace(batch.x).inputs);
  return { inputs, deltas };
}

/**
 * Stacked per-example gradients `[n, size]`, one tensor per variable in `model.variables`
 * order: the batched outer-product path for a `DenseStack`, the loop otherwise.
 */
export function stackedExampleGradients(model: Model, batch: LabelledBatch): tf.Tensor2D[] {
  if (model instanceof DenseStack) {
    return tf.tidy(() => {
      const { inputs, deltas } = denseLayerSignals(model, batch);
      const n = batch.y.shape[0];
      return model.layers.flatMap((_, l) => {
        const a = inputs[l];
        const d = deltas[l];
        const outer = tf.mul(tf.expandDims(a, 2), tf.expandDims(d, 1)); // [n, in, out]
        return [tf.reshape(outer, [n, -1]) as tf.Tensor2D, d];
      });
    });
  }
  const n = batch.y.shape[0];
  const rows: Float32Array[][] = model.variables.map(() => []);
  forEachExampleGradient(model, batch, (_, grads) => grads.forEach((g, v) => rows[v].push(g)));
  return model.variables.map((v, k) => {
    const flat = new Float32Array(n * v.size);
    rows[k].forEach((g, i) => flat.set(g, i * v.size));
    return tf.tensor2d(flat, [n, v.size]);
  });
}
