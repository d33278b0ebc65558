/**
 * A minimal epoch loop for the analysis experiments: shuffled minibatches (seeded) of a
 * split, one `UpdateRule` step per batch, a callback after each epoch. The full trainer
 * lives in gssnn/train; this loop exists because the rules here change the gradient itself.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Split } from '../data/dataset.ts';
import type { Model } from '../gssnn/models/model.ts';
import { Random } from '../util/random.ts';
import type { IndexedBatch, UpdateRule } from './optimizers.ts';

export interface FitOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly onEpoch?: (epoch: number, meanLoss: number) => void;
  /** Called after every step with the 1-based step count. */
  readonly onStep?: (step: number, epoch: number) => void;
}

export function indexedBatch(split: Split, inputShape: readonly number[], indices: readonly number[]): IndexedBatch {
  const width = inputShape.reduce((a, b) => a * b, 1);
  const xs = new Float32Array(indices.length * width);
  const ys = new Int32Array(indices.length);
  indices.forEach((row, i) => {
    xs.set(split.x.subarray(row * width, (row + 1) * width), i * width);
    ys[i] = split.y[row];
  });
  return { x: tf.tensor(xs, [indices.length, ...inputShape]), y: tf.tensor1d(ys, 'int32'), indices: Int32Array.from(indices) };
}

/** Trains in place; returns the mean training loss of each epoch. */
export function fit(model: Model, split: Split, inputShape: readonly number[], rule: UpdateRule, options: FitOptions): number[] {
  if (split.count === 0) throw new RangeError('fit: the training split is empty');
  const rng = new Random(options.seed);
  const losses: number[] = [];
  let step = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = rng.shuffled(Array.from({ length: split.count }, (_, i) => i));
    let total = 0;
    let batches = 0;
    for (let start = 0; start < order.length; start += options.batchSize) {
      const batch = indexedBatch(split, inputShape, order.slice(start, start + options.batchSize));
      try {
        total += rule.step(model, batch, epoch);
      } finally {
        batch.x.dispose();
        batch.y.dispose();
      }
      batches++;
      options.onStep?.(++step, epoch);
    }
    losses.push(total / batches);
    options.onEpoch?.(epoch, total / batches);
  }
  return losses;
}
