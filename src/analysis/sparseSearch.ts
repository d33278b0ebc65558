/**
 * Sparse architecture search over node masks, with random search as the baseline
 * ("Random Search as a Baseline for Sparse Neural Network Architecture Search"): at each
 * sparsity level, hidden units are removed by masks; candidate masks are scored at
 * initialization without training, and the best-scored masks are trained and compared
 * with masks drawn at random at the same sparsity.
 *
 * The score at init is the log-determinant of the activation-pattern kernel (Mellor et al.,
 * "Neural Architecture Search without Training"): K[i,j] = units on which examples i and j
 * agree in being active or not; distinct patterns give a larger log|K|.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../util/random.ts';
import type { DenseStack } from './denseStack.ts';
import type { LabelledBatch } from './loss.ts';

/** One 0/1 mask per hidden layer keeping round((1 - sparsity) * units) units (at least 1). */
export function randomNodeMasks(hidden: readonly number[], sparsityLevel: number, rng: Random): Float32Array[] {
  if (!(sparsityLevel >= 0 && sparsityLevel < 1)) throw new RangeError(`sparsity must be in [0, 1), got ${sparsityLevel}`);
  return hidden.map((units) => {
    const keep = Math.max(1, Math.round((1 - sparsityLevel) * units));
    const mask = new Float32Array(units);
    rng.shuffled(Array.from({ length: units }, (_, i) => i)).slice(0, keep).forEach((i) => (mask[i] = 1));
    return mask;
  });
}

/** log|det| of a square matrix by Gaussian elimination with partial pivoting (-Infinity if singular). */
export function logAbsDeterminant(n: number, matrix: Float64Array): number {
  const a = Float64Array.from(matrix);
  let logDet = 0;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]) > Math.abs(a[pivot * n + col])) pivot = r;
    const p = a[pivot * n + col];
    if (Math.abs(p) < 1e-12) return -Infinity;
    if (pivot !== col) for (let k = 0; k < n; k++) [a[col * n + k], a[pivot * n + k]] = [a[pivot * n + k], a[col * n + k]];
    logDet += Math.log(Math.abs(p));
    for (let r = col + 1; r < n; r++) {
      const f = a[r * n + col] / p;
      if (f === 0) continue;
      for (let k = col; k < n; k++) a[r * n + k] -= f * a[col * n + k];
    }
  }
  return logDet;
}

/** The activation-pattern score of the stack with its current unit masks on a batch. */
export function activationPatternScore(stack: DenseStack, batch: LabelledBatch): number {
  const codes = tf.tidy(() => {
    const trace = stack.trace(batch.x);
    const hidden = trace.preActivations.filter((_, l) => stack.layers[l].activation === 'relu');
    // Masked units count as inactive: multiply the activity code by the post-mask output sign.
    return tf.concat(hidden.map((z, i) => tf.cast(tf.greater(tf.mul(z, maskOf(stack, i, z.shape[1])), 0), 'float32')), 1);
  });
  const n = codes.shape[0];
  const agreeOn = tf.tidy(() => {
    const c = codes as tf.Tensor2D;
    return tf.add(tf.matMul(c, c, false, true), tf.matMul(tf.sub(1, c), tf.sub(1, c), false, true));
  });
  const k = Float64Array.from(agreeOn.dataSync());
  tf.dispose([codes, agreeOn]);
  return logAbsDeterminant(n, k);
}

function maskOf(stack: DenseStack, layer: number, units: number): tf.Tensor {
  const masks = stack.currentUnitMasks();
  return masks[layer] ?? tf.ones([units]);
}

export interface ScoredMasks {
  readonly masks: Float32Array[];
  readonly score: number;
}

/** Draws `candidates` random masks at a sparsity and scores each at initialization, best first. */
export function scoreRandomMasks(stack: DenseStack, batch: LabelledBatch, sparsityLevel: number, candidates: number, seed: number): ScoredMasks[] {
  const rng = new Random(seed);
  const scored: ScoredMasks[] = [];
  try {
    for (let c = 0; c < candidates; c++) {
      const masks = randomNodeMasks(stack.config.hidden, sparsityLevel, rng);
      stack.setUnitMasks(masks);
      scored.push({ masks, score: activationPatternScore(stack, batch) });
    }
  } finally {
    stack.setUnitMasks(stack.config.hidden.map(() => null));
  }
  return scored.sort((a, b) => b.score - a.score);
}

export interface SparseSearchComparison {
  readonly sparsity: number;
  /** Scores (after training) of the top-`k` masks chosen by the init score. */
  readonly searched: { initScore: number; trainedScore: number }[];
  /** Scores of `k` masks drawn at random (the baseline). */
  readonly random: { initScore: number; trainedScore: number }[];
}

/**
 * At one sparsity: picks the `k` best of `candidates` masks by init score and `k` masks at
 * random, trains each from the same initial weights (`train` must reset them) and scores it.
 */
export function searchVersusRandom(
  stack: DenseStack,
  batch: LabelledBatch,
  options: { sparsity: number; candidates: number; k: number; seed: number; trainAndScore: (masks: Float32Array[]) => number },
): SparseSearchComparison {
  const scored = scoreRandomMasks(stack, batch, options.sparsity, options.candidates, options.seed);
  const rng = new Random(options.seed + 1);
  const randomPicks = rng.shuffled(scored).slice(0, options.k);
  const run = (s: ScoredMasks) => ({ initScore: s.score, trainedScore: options.trainAndScore(s.masks) });
  return { sparsity: options.sparsity, searched: scored.slice(0, options.k).map(run), random: randomPicks.map(run) };
}
