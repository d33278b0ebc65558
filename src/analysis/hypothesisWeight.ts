/**
 * A proxy for the prior weight of the hypothesis a trained model computes ("The
 * Universality Lens"): how much of the weight space around it computes (nearly) the same
 * function. Two readings, both over isotropic Gaussian perturbations delta ~ N(0, s^2 I):
 * - the largest scale s whose perturbations keep the mean output KL(p_w || p_{w+delta})
 *   below epsilon (bisection in log s);
 * - at given scales, the fraction of random perturbations that keep the KL below epsilon.
 * Larger values mean a heavier (flatter, simpler) hypothesis. A diagnostic, not a bound.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../gssnn/models/model.ts';
import { Random } from '../util/random.ts';
import type { LabelledBatch } from './loss.ts';
import { totalSize, withShiftedWeights } from './params.ts';

export interface HypothesisWeightOptions {
  /** KL threshold (nats, averaged over the batch). */
  readonly epsilon: number;
  /** Perturbations drawn per scale. */
  readonly draws: number;
  readonly seed: number;
  /** Bisection steps over log s in [minScale, maxScale]. */
  readonly steps?: number;
  readonly minScale?: number;
  readonly maxScale?: number;
}

/** Mean over the batch of KL(softmax(a) || softmax(b)) for logits `[n, C]`. */
export function meanOutputKl(reference: tf.Tensor2D, perturbed: tf.Tensor2D): number {
  return tf.tidy(() => {
    const logP = tf.logSoftmax(reference);
    const logQ = tf.logSoftmax(perturbed);
    return tf.mean(tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), 1)).dataSync()[0];
  });
}

function perturbationKls(model: Model, batch: LabelledBatch, scale: number, draws: number, rng: Random): number[] {
  const size = totalSize(model.variables);
  const reference = tf.tidy(() => model.logits(batch.x, false));
  try {
    return Array.from({ length: draws }, () => {
      const delta = Float64Array.from({ length: size }, () => rng.normal(0, scale));
      return withShiftedWeights(model.variables, delta, () => {
        const logits = model.logits(batch.x, false);
        try {
          return meanOutputKl(reference, logits);
        } finally {
          logits.dispose();
        }
      });
    });
  } finally {
    reference.dispose();
  }
}

/** Fraction of `draws` perturbations at each scale whose mean output KL stays below epsilon. */
export function keptFraction(model: Model, batch: LabelledBatch, scales: readonly number[], options: HypothesisWeightOptions): { scale: number; fraction: number; meanKl: number }[] {
  const rng = new Random(options.seed);
  return scales.map((scale) => {
    const kls = perturbationKls(model, batch, scale, options.draws, rng.fork(scale));
    return { scale, fraction: kls.filter((k) => k < options.epsilon).length / kls.length, meanKl: kls.reduce((a, b) => a + b, 0) / kls.length };
  });
}

/**
 * The largest s in [minScale, maxScale] whose perturbations keep the mean (over draws) KL
 * below epsilon. Each probed scale reuses the same seed, so the search is monotone in
 * practice (the same directions, rescaled).
 */
export function largestPriorScale(model: Model, batch: LabelledBatch, options: HypothesisWeightOptions): { scale: number; meanKl: number } {
  const lo0 = Math.log(options.minScale ?? 1e-5);
  const hi0 = Math.log(options.maxScale ?? 10);
  const meanKlAt = (logScale: number) => {
    const kls = perturbationKls(model, batch, Math.exp(logScale), options.draws, new Random(options.seed));
    return kls.reduce((a, b) => a + b, 0) / kls.length;
  };
  let lo = lo0;
  let hi = hi0;
  let klLo = meanKlAt(lo);
  if (klLo >= options.epsilon) return { scale: 0, meanKl: klLo };
  const klHi = meanKlAt(hi);
  if (klHi < options.epsilon) return { scale: Math.exp(hi), meanKl: klHi };
  for (let s = 0; s < (options.steps ?? 14); s++) {
    const mid = (lo + hi) / 2;
    const kl = meanKlAt(mid);
    if (kl < options.epsilon) {
      lo = mid;
      klLo = kl;
    } else hi = mid;
  }
  return { scale: Math.exp(lo), meanKl: klLo };
}
