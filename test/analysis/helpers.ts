/** Small models and batches for the analysis tests. */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/gssnn/backend.ts';
import { DenseStack } from '../../src/analysis/denseStack.ts';
import type { LabelledBatch } from '../../src/analysis/loss.ts';
import { Random } from '../../src/util/random.ts';

export async function useCpu(): Promise<void> {
  // cpu: exact float32 arithmetic and deterministic results for the comparisons here.
  await initBackend('cpu');
}

export function tinyMlp(seed: number, inputSize = 5, hidden: number[] = [4], numClasses = 3): DenseStack {
  return new DenseStack({ inputSize, hidden, numClasses, seed });
}

export function randomBatch(seed: number, n: number, inputSize: number, numClasses: number): LabelledBatch {
  const rng = new Random(seed);
  const x = Float32Array.from({ length: n * inputSize }, () => rng.normal());
  const y = Int32Array.from({ length: n }, () => rng.int(numClasses));
  return { x: tf.tensor2d(x, [n, inputSize]), y: tf.tensor1d(y, 'int32') };
}
