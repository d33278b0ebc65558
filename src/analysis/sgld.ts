/**
 * Stochastic-gradient Langevin dynamics (Welling & Teh 2011) and ensembles of its samples
 * ("The Universality Lens"). With potential U(theta) = -log posterior, each step is
 *   theta <- theta - eta * grad U(theta) + sqrt(2 eta T) * N(0, I),
 * whose stationary law (for small eta) is proportional to exp(-U / T): T = 1 is the
 * Bayesian posterior, T < 1 a "cold" one. After `burnIn` steps every `thin`-th state is a
 * sample. For a model, U = N * mean cross-entropy on a minibatch + |theta|^2 / (2 s^2)
 * (a Gaussian prior of scale s), N the training-set size.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Split } from '../data/dataset.ts';
import type { Model } from '../gssnn/models/model.ts';
import { Random } from '../util/random.ts';
import { indexedBatch } from './fit.ts';
import { type LabelledBatch, variableGradients } from './loss.ts';

export interface SgldOptions {
  /** eta. */
  readonly stepSize: number;
  readonly burnIn: number;
  /** Keep every `thin`-th state after burn-in. */
  readonly thin: number;
  readonly samples: number;
  /** T (1: the posterior). */
  readonly temperature: number;
  readonly seed: number;
}

function checkOptions(o: SgldOptions): void {
  const bad = (what: string) => {
    throw new RangeError(`SGLD: ${what}`);
  };
  if (!(o.stepSize > 0)) bad(`step size must be > 0, got ${o.stepSize}`);
  if (!(o.temperature >= 0)) bad(`temperature must be >= 0, got ${o.temperature}`);
  if (!Number.isInteger(o.burnIn) || o.burnIn < 0) bad(`burn-in must be an integer >= 0, got ${o.burnIn}`);
  if (!Number.isInteger(o.thin) || o.thin < 1) bad(`thinning must be an integer >= 1, got ${o.thin}`);
  if (!Number.isInteger(o.samples) || o.samples < 1) bad(`samples must be an integer >= 1, got ${o.samples}`);
}

/** Total steps a chain takes: burn-in, then `thin` steps per sample. */
export function chainLength(o: SgldOptions): number {
  return o.burnIn + o.thin * o.samples;
}

/**
 * SGLD on a flat parameter vector with a caller's gradient of U. Returns the samples
 * (copies). Used directly for small targets and as the reference for the model sampler.
 */
export function sgldSamples(gradU: (theta: Float64Array) => ArrayLike<number>, init: ArrayLike<number>, options: SgldOptions): Float64Array[] {
  checkOptions(options);
  const rng = new Random(options.seed);
  const theta = Float64Array.from(init);
  const noise = Math.sqrt(2 * options.stepSize * options.temperature);
  const samples: Float64Array[] = [];
  for (let step = 1; step <= chainLength(options); step++) {
    const g = gradU(theta);
    for (let i = 0; i < theta.length; i++) theta[i] += -options.stepSize * g[i] + noise * rng.normal();
    if (step > options.burnIn && (step - options.burnIn) % options.thin === 0) samples.push(theta.slice());
  }
  return samples;
}

export interface ModelSgldOptions extends SgldOptions {
  readonly batchSize: number;
  /** Prior scale s of the Gaussian prior N(0, s^2 I); Infinity for a flat prior. */
  readonly priorScale: number;
}

export interface PredictiveRecord {
  /** Softmax outputs `[n, classes]` of each kept sample on the evaluation batch. */
  readonly probabilities: Float32Array[];
  /** Mean minibatch loss over each thinning interval (burn-in included), for diagnostics. */
  readonly trace: number[];
}

/**
 * Runs SGLD on the model's weights (starting from the current ones) and records each kept
 * sample's softmax on `evaluation`. The model is restored to its starting weights after.
 */
export function sgldEnsemble(model: Model, train: Split, inputShape: readonly number[], evaluation: LabelledBatch, options: ModelSgldOptions): PredictiveRecord {
  checkOptions(options);
  if (train.count === 0) throw new RangeError('SGLD: the training split is empty');
  const rng = new Random(options.seed);
  const start = model.variables.map((v) => tf.keep(v.clone()));
  const probabilities: Float32Array[] = [];
  const trace: number[] = [];
  const noiseStd = Math.sqrt(2 * options.stepSize * options.temperature);
  const priorPrecision = Number.isFinite(options.priorScale) ? 1 / options.priorScale ** 2 : 0;
  let order: number[] = [];
  let lossSum = 0;
  try {
    for (let step = 1; step <= chainLength(options); step++) {
      if (order.length < options.batchSize) order = order.concat(rng.shuffled(Array.from({ length: train.count }, (_, i) => i)));
      const batch = indexedBatch(train, inputShape, order.splice(0, Math.min(options.batchSize, train.count)));
      const { loss, grads } = variableGradients(model, batch);
      batch.x.dispose();
      batch.y.dispose();
      lossSum += loss;
      tf.tidy(() => {
        model.variables.forEach((v, k) => {
          const noise = Float32Array.from({ length: v.size }, () => rng.normal(0, noiseStd));
          // grad U = N * grad(mean loss) + theta / s^2.
          const gradU = tf.add(tf.mul(grads[k], train.count), tf.mul(v, priorPrecision));
          v.assign(tf.add(tf.sub(v, tf.mul(gradU, options.stepSize)), tf.tensor(noise, v.shape)));
        });
      });
      tf.dispose(grads);
      const kept = step > options.burnIn && (step - options.burnIn) % options.thin === 0;
      if (step % options.thin === 0) {
        trace.push(lossSum / options.thin);
        lossSum = 0;
      }
      if (kept) probabilities.push(tf.tidy(() => tf.softmax(model.logits(evaluation.x, false)).dataSync() as Float32Array));
    }
  } finally {
    model.variables.forEach((v, k) => v.assign(start[k]));
    start.forEach((t) => t.dispose());
  }
  return { probabilities, trace };
}

export interface PredictiveScore {
  /** Mean -log p(y | x). */
  readonly logLoss: number;
  readonly accuracy: number;
}

/** Log-loss and accuracy of a predictive distribution `[n, classes]`. */
export function scorePredictive(probabilities: ArrayLike<number>, labels: ArrayLike<number>, classes: number): PredictiveScore {
  const n = labels.length;
  let logLoss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probabilities[i * classes + c] > probabilities[i * classes + best]) best = c;
    if (best === labels[i]) correct++;
    logLoss -= Math.log(Math.max(1e-12, probabilities[i * classes + labels[i]]));
  }
  return { logLoss: logLoss / n, accuracy: correct / n };
}

/** The ensemble's predictive (mean of the samples' softmax outputs) after 1, 2, ... samples. */
export function ensembleCurve(record: PredictiveRecord, labels: ArrayLike<number>, classes: number): (PredictiveScore & { members: number })[] {
  if (record.probabilities.length === 0) return [];
  const sum = new Float64Array(record.probabilities[0].length);
  return record.probabilities.map((p, k) => {
    for (let i = 0; i < sum.length; i++) sum[i] += p[i];
    const meanP = sum.map((s) => s / (k + 1));
    return { members: k + 1, ...scorePredictive(meanP, labels, classes) };
  });
}

/** Softmax outputs of one model on a batch, as a flat array. */
export function modelPredictive(model: Model, batch: LabelledBatch): Float32Array {
  return tf.tidy(() => tf.softmax(model.logits(batch.x, false)).dataSync() as Float32Array);
}
