/**
 * Per-sample geometry at the last layer ("Understanding Robustness Lottery"): every model
 * here ends in a linear head, logit_c = h . w_c + b_c = |h| |w_c| cos(theta_c) + b_c, so
 * a sample is described by its penultimate feature norm |h|, its angle to each class
 * weight, and its margin (label logit minus the best other logit).
 *
 * The `Model` contract hides h. We read it through the head itself: with the head kernel
 * set to columns of the identity and the bias to zero, the logits are coordinates of h,
 * `classes` coordinates per forward pass. The weights are restored afterwards, and the
 * decomposition is checked against the model's real logits.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../gssnn/models/model.ts';
import type { LabelledBatch } from './loss.ts';
import { UserFacingError } from '../util/errors.ts';

export class HeadNotFoundError extends UserFacingError {
  constructor(message: string) {
    super(message, { kind: 'usage', hint: 'geometry needs a model that ends in a linear head (a [features, classes] kernel then a [classes] bias as its last variables)' });
  }
}

export interface LinearHead {
  readonly kernel: tf.Variable; // [features, classes]
  readonly bias: tf.Variable; // [classes]
}

/** The last two variables, when they are a [d, C] kernel and a [C] bias. */
export function linearHead(model: Model): LinearHead {
  const vars = model.variables;
  const kernel = vars[vars.length - 2];
  const bias = vars[vars.length - 1];
  if (!kernel || !bias || kernel.rank !== 2 || bias.rank !== 1 || kernel.shape[1] !== bias.shape[0]) {
    throw new HeadNotFoundError(`model ${model.kind}: its last variables are not a linear head`);
  }
  return { kernel, bias };
}

/** Penultimate features `[n, d]` (inference mode) read through the head. */
export function penultimateFeatures(model: Model, x: tf.Tensor): Float32Array {
  const { kernel, bias } = linearHead(model);
  const [features, classes] = kernel.shape as [number, number];
  const n = x.shape[0];
  const savedKernel = tf.keep(kernel.clone());
  const savedBias = tf.keep(bias.clone());
  const out = new Float32Array(n * features);
  try {
    tf.tidy(() => bias.assign(tf.zeros(bias.shape)));
    for (let start = 0; start < features; start += classes) {
      const probe = new Float32Array(features * classes);
      for (let c = 0; c < classes && start + c < features; c++) probe[(start + c) * classes + c] = 1;
      tf.tidy(() => kernel.assign(tf.tensor2d(probe, [features, classes])));
      const read = tf.tidy(() => model.logits(x, false).dataSync() as Float32Array);
      for (let i = 0; i < n; i++) for (let c = 0; c < classes && start + c < features; c++) out[i * features + start + c] = read[i * classes + c];
    }
  } finally {
    kernel.assign(savedKernel);
    bias.assign(savedBias);
    savedKernel.dispose();
    savedBias.dispose();
  }
  return out;
}

export interface SampleGeometry {
  readonly label: number;
  readonly predicted: number;
  readonly correct: boolean;
  /** |h|. */
  readonly featureNorm: number;
  /** Angle (radians) between h and each class weight w_c. */
  readonly angles: number[];
  /** Label logit minus the largest other logit (negative when misclassified). */
  readonly margin: number;
  /** The runner-up class (largest logit other than the label). */
  readonly runnerUp: number;
  readonly logits: number[];
}

export interface GeometryReport {
  readonly samples: SampleGeometry[];
  /** |w_c| per class. */
  readonly classWeightNorms: number[];
  /** Largest |logit - (|h||w_c|cos + b_c)| / max(1, |logit|) over samples and classes: the decomposition's check. */
  readonly reconstructionError: number;
}

/** Logits rebuilt from the decomposition |h| |w_c| cos(theta_c) + b_c. */
export function reconstructLogit(featureNorm: number, weightNorm: number, angle: number, bias: number): number {
  return featureNorm * weightNorm * Math.cos(angle) + bias;
}

export function lastLayerGeometry(model: Model, batch: LabelledBatch): GeometryReport {
  const { kernel, bias } = linearHead(model);
  const [d, classes] = kernel.shape as [number, number];
  const n = batch.y.shape[0];
  const h = penultimateFeatures(model, batch.x);
  const w = kernel.dataSync() as Float32Array;
  const b = bias.dataSync() as Float32Array;
  const logits = tf.tidy(() => model.logits(batch.x, false).dataSync() as Float32Array);
  const labels = batch.y.dataSync();
  const weightNorms = Array.from({ length: classes }, (_, c) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += w[k * classes + c] ** 2;
    return Math.sqrt(s);
  });
  let reconstructionError = 0;
  const samples: SampleGeometry[] = [];
  for (let i = 0; i < n; i++) {
    const hi = h.subarray(i * d, (i + 1) * d);
    const featureNorm = Math.sqrt(hi.reduce((s, v) => s + v * v, 0));
    const row = Array.from(logits.subarray(i * classes, (i + 1) * classes));
    const angles = weightNorms.map((wn, c) => {
      let dot = 0;
      for (let k = 0; k < d; k++) dot += hi[k] * w[k * classes + c];
      const denom = featureNorm * wn;
      const cos = denom === 0 ? 0 : Math.max(-1, Math.min(1, dot / denom));
      return Math.acos(cos);
    });
    angles.forEach((angle, c) => {
      const err = Math.abs(row[c] - reconstructLogit(featureNorm, weightNorms[c], angle, b[c]));
      reconstructionError = Math.max(reconstructionError, err / Math.max(1, Math.abs(row[c])));
    });
    const label = labels[i];
    let runnerUp = -1;
    row.forEach((z, c) => {
      if (c !== label && (runnerUp < 0 || z > row[runnerUp])) runnerUp = c;
    });
    const predicted = row.reduce((best, z, c) => (z > row[best] ? c : best), 0);
    samples.push({ label, predicted, correct: predicted === label, featureNorm, angles, margin: row[label] - row[runnerUp], runnerUp, logits: row });
  }
  return { samples, classWeightNorms: weightNorms, reconstructionError };
}

export interface GeometrySummary {
  readonly count: number;
  readonly accuracy: number;
  readonly meanFeatureNorm: number;
  /** Mean angle (degrees) to the label's class weight. */
  readonly meanLabelAngle: number;
  /** Mean angle (degrees) to the runner-up class weight. */
  readonly meanRunnerUpAngle: number;
  readonly meanMargin: number;
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
const degrees = (r: number) => (r * 180) / Math.PI;

export function summarizeGeometry(samples: readonly SampleGeometry[]): GeometrySummary {
  return {
    count: samples.length,
    accuracy: mean(samples.map((s) => (s.correct ? 1 : 0))),
    meanFeatureNorm: mean(samples.map((s) => s.featureNorm)),
    meanLabelAngle: degrees(mean(samples.map((s) => s.angles[s.label]))),
    meanRunnerUpAngle: degrees(mean(samples.map((s) => s.angles[s.runnerUp]))),
    meanMargin: mean(samples.map((s) => s.margin)),
  };
}

export type PruningFate = 'robust' | 'fragile' | 'recovered' | 'hard';

/**
 * What pruning does to each sample: `robust` (right before and after), `fragile` (right
 * dense, wrong pruned), `recovered` (wrong dense, right pruned), `hard` (wrong in both).
 */
export function pruningFates(dense: readonly SampleGeometry[], pruned: readonly SampleGeometry[]): PruningFate[] {
  if (dense.length !== pruned.length) throw new RangeError(`pruningFates: ${dense.length} dense samples vs ${pruned.length} pruned`);
  return dense.map((s, i) => (s.correct ? (pruned[i].correct ? 'robust' : 'fragile') : pruned[i].correct ? 'recovered' : 'hard'));
}
