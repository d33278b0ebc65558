/** Turning rows of a data split into batch tensors, and seeded epoch orders. */
import * as tf from '@tensorflow/tfjs-core';
import type { Split } from '../../data/dataset.ts';
import type { Random } from '../../util/random.ts';
import { exampleSize } from '../../data/pool.ts';

export interface TrainingBatch {
  /** `[batch, ...inputShape]` */
  readonly x: tf.Tensor;
  /** `[batch]` int32 class indices. */
  readonly y: tf.Tensor1D;
  /** Row numbers in the split. */
  readonly indices: Int32Array;
}

/** The rows `indices` of `split` as tensors (the caller disposes them). */
export function makeBatch(split: Split, inputShape: readonly number[], indices: Int32Array): TrainingBatch {
  const size = exampleSize(inputShape);
  const x = new Float32Array(indices.length * size);
  const y = new Int32Array(indices.length);
  indices.forEach((row, i) => {
    x.set(split.x.subarray(row * size, (row + 1) * size), i * size);
    y[i] = split.y[row];
  });
  return { x: tf.tensor(x, [indices.length, ...inputShape]), y: tf.tensor1d(y, 'int32'), indices };
}

/** Row numbers of one epoch cut into batches (the last may be short), shuffled if `rng` is given. */
export function epochBatches(count: number, batchSize: number, rng?: Random): Int32Array[] {
  const order = Array.from({ length: count }, (_, i) => i);
  const rows = rng ? rng.shuffled(order) : order;
  const out: Int32Array[] = [];
  for (let start = 0; start < count; start += batchSize) out.push(Int32Array.from(rows.slice(start, start + batchSize)));
  return out;
}
