/**
 * Generalization measures of Jiang et al. 2020 ("Fantastic Generalization Measures and
 * Where to Find Them") on any `Model`, plus sharpness in the SAM sense. Every value here is
 * a correlational diagnostic of a trained model: it may rank models by their generalization
 * gap well or badly on a given population, and it guarantees nothing about one model.
 *
 * Conventions (as Jiang et al. and their public re-implementation):
 * - "weights" are the variables of rank >= 2; biases (rank 1) enter only the vector norms,
 *   the parameter count, path-norm and the perturbation measures;
 * - a rank-4 convolution kernel [kh, kw, in, out] is reshaped to a (kh*kw*in) x out matrix;
 *   its spectral norm then APPROXIMATES the convolution operator's norm (it is the norm of
 *   the kernel as a matrix, not of the operator on images);
 * - the margin is the 10th percentile over training examples of (true logit - largest
 *   other logit), taken in absolute value as in the reference code;
 * - products are reported as logs (`log-prod-*`), d is the number of weight matrices, m the
 *   number of examples; no sqrt(./m) rescaling is applied (it does not change rankings
 *   among models trained on the same m).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../gssnn/models/model.ts';
import { Random } from '../util/random.ts';
import { accuracy, type LabelledBatch, flatGradient, lossValue, meanCrossEntropy } from './loss.ts';
import { assignFlat, dot, flattenVariables, norm2, withShiftedWeights } from './params.ts';

export const MEASURE_NAMES = [
  'params',
  'margin',
  'inverse-margin',
  'l2',
  'l2-dist',
  'param-norm',
  'fro-dist',
  'log-prod-of-fro',
  'log-prod-of-fro-over-margin',
  'log-sum-of-fro',
  'log-sum-of-fro-over-margin',
  'log-prod-of-spec',
  'log-prod-of-spec-over-margin',
  'log-sum-of-spec',
  'log-sum-of-spec-over-margin',
  'fro-over-spec',
  'dist-spec-init',
  'log-spec-init-main',
  'log-spec-orig-main',
  'path-norm',
  'path-norm-over-margin',
  'pacbayes-sigma',
  'pacbayes-init',
  'pacbayes-orig',
  'pacbayes-flatness',
  'pacbayes-mag-sigma',
  'pacbayes-mag-init',
  'pacbayes-mag-orig',
  'pacbayes-mag-flatness',
  'sharpness-rho',
  'sharpness-average',
] as const;
export type MeasureName = (typeof MEASURE_NAMES)[number];

/**
 * Measures that need the weights at initialization w0. `pacbayes-mag-orig` is one of them:
 * its magnitude-aware noise terms are |w_i - w0_i| whatever the reference norm.
 */
export const NEEDS_INITIAL_WEIGHTS: ReadonlySet<MeasureName> = new Set<MeasureName>([
  'l2-dist',
  'fro-dist',
  'dist-spec-init',
  'log-spec-init-main',
  'pacbayes-init',
  'pacbayes-mag-init',
  'pacbayes-mag-orig',
]);

const LOG = 'a log: can be negative';

/** What each measure is, in one line; measures that can be negative by construction say so. */
export const MEASURE_CAPTIONS: Readonly<Record<MeasureName, string>> = {
  params: 'number of trainable scalars',
  margin: '10th-percentile output margin over training examples (absolute value)',
  'inverse-margin': '1 / margin^2',
  l2: 'Euclidean norm of all weights',
  'l2-dist': 'Euclidean distance of all weights from initialization',
  'param-norm': 'sum of squared Frobenius norms of the weight matrices',
  'fro-dist': 'sum of squared Frobenius distances of the weight matrices from initialization',
  'log-prod-of-fro': `log of the product of squared Frobenius norms (${LOG})`,
  'log-prod-of-fro-over-margin': `log-prod-of-fro - log margin^2 (${LOG})`,
  'log-sum-of-fro': `log d + log-prod-of-fro / d (${LOG})`,
  'log-sum-of-fro-over-margin': `log d + (log-prod-of-fro - log margin^2) / d (${LOG})`,
  'log-prod-of-spec': `log of the product of squared spectral norms (${LOG})`,
  'log-prod-of-spec-over-margin': `log-prod-of-spec - log margin^2 (${LOG})`,
  'log-sum-of-spec': `log d + log-prod-of-spec / d (${LOG})`,
  'log-sum-of-spec-over-margin': `log d + (log-prod-of-spec - log margin^2) / d (${LOG})`,
  'fro-over-spec': 'sum of squared Frobenius over squared spectral norms',
  'dist-spec-init': 'sum of squared spectral norms of the weight matrices minus their initialization',
  'log-spec-init-main': `log-prod-of-spec-over-margin + log sum of squared Frobenius distances over squared spectral norms (${LOG})`,
  'log-spec-orig-main': `log-prod-of-spec-over-margin + log fro-over-spec (${LOG})`,
  'path-norm': 'network output summed over classes with every weight squared, on an all-ones input; can be negative on models that are not plain ReLU networks (GELU, layer norm, signed pixels)',
  'path-norm-over-margin': 'path-norm / margin^2; can be negative where path-norm is',
  'pacbayes-sigma': 'largest Gaussian weight noise moving training accuracy by the target',
  'pacbayes-init': 'PAC-Bayes bound with the distance from initialization',
  'pacbayes-orig': 'PAC-Bayes bound with the distance from the origin',
  'pacbayes-flatness': '1 / pacbayes-sigma^2',
  'pacbayes-mag-sigma': 'largest magnitude-aware weight noise moving training accuracy by the target',
  'pacbayes-mag-init': 'magnitude-aware PAC-Bayes bound relative to initialization; a sum of logs: can be negative',
  'pacbayes-mag-orig': 'magnitude-aware PAC-Bayes bound relative to the origin (its noise terms still use w - w0); a sum of logs: can be negative',
  'pacbayes-mag-flatness': '1 / pacbayes-mag-sigma^2',
  'sharpness-rho': 'largest loss increase in the rho-ball found by projected ascent (>= 0)',
  'sharpness-average': 'mean loss change under Gaussian weight noise of norm about rho; can be negative',
};

/** Measures whose value can be negative by construction. */
export const CAN_BE_NEGATIVE: readonly MeasureName[] = MEASURE_NAMES.filter((n) => /can be negative/.test(MEASURE_CAPTIONS[n]));

/**
 * The requested measures that cannot be computed from the inputs given, with the reason;
 * `computeMeasures` leaves exactly these out.
 */
export function missingMeasureInputs(requested: readonly MeasureName[], inputs: { initial?: readonly Float32Array[]; initialMissing?: string }): Record<string, string> {
  const out: Record<string, string> = {};
  if (inputs.initial) return out;
  const why = inputs.initialMissing ?? 'needs the weights at initialization, which were not given';
  for (const name of requested) if (NEEDS_INITIAL_WEIGHTS.has(name)) out[name] = why;
  return out;
}

export interface MeasureOptions {
  /** Training examples the measures are computed on. */
  readonly data: LabelledBatch;
  /** Shape of one input (path-norm feeds an all-ones input of this shape). */
  readonly inputShape: readonly number[];
  /** The weights at initialization, in `model.variables` order (for the `-init`/`-dist` measures). */
  readonly initial?: readonly Float32Array[];
  readonly seed?: number;
  /** PAC-Bayes search: accuracy drop aimed at (0.1), bisection depth (15), Monte Carlo draws (10). */
  readonly pacBayes?: { readonly displacement?: number; readonly depth?: number; readonly samples?: number; readonly tolerance?: number };
  /** Sharpness: radius rho (0.05), ascent steps (5), random draws for the average (10). */
  readonly sharpness?: { readonly rho?: number; readonly steps?: number; readonly samples?: number };
}

export type MeasureValues = Partial<Record<MeasureName, number>>;

function isWeight(v: tf.Variable): boolean {
  return v.rank >= 2;
}

/** Rows x cols view of a weight (conv kernels: (kh*kw*in) x out). */
function asMatrix(values: ArrayLike<number>, shape: readonly number[]): { rows: number; cols: number; data: Float64Array } {
  const cols = shape[shape.length - 1];
  const rows = values.length / cols;
  return { rows, cols, data: Float64Array.from(values) };
}

/** Largest singular value by power iteration on W^T W (float64). */
export function spectralNorm(values: ArrayLike<number>, shape: readonly number[], iterations = 100, seed = 0): number {
  const { rows, cols, data } = asMatrix(values, shape);
  const rng = new Random(seed);
  let v = Float64Array.from({ length: cols }, () => rng.normal());
  let sigma = 0;
  for (let it = 0; it < iterations; it++) {
    const u = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += data[i * cols + j] * v[j];
      u[i] = s;
    }
    const w = new Float64Array(cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) w[j] += data[i * cols + j] * u[i];
    const norm = norm2(w);
    if (norm === 0) return 0;
    const next = Math.sqrt(norm);
    v = w.map((x) => x / norm);
    if (Math.abs(next - sigma) <= 1e-10 * next) return next;
    sigma = next;
  }
  return sigma;
}

/** The 10th-percentile output margin over the examples (k = floor(m/10)-th smallest, as the reference). */
export function outputMargin(model: Model, data: LabelledBatch): number {
  const margins = tf.tidy(() => {
    const logits = model.logits(data.x, false);
    const classes = logits.shape[1];
    const mask = tf.oneHot(tf.cast(data.y, 'int32'), classes);
    const trueLogit = tf.sum(tf.mul(logits, mask), 1);
    const others = tf.max(tf.add(logits, tf.mul(mask, -1e9)), 1);
    return tf.sub(trueLogit, others).dataSync();
  });
  const sorted = Array.from(margins).sort((a, b) => a - b);
  const k = Math.max(1, Math.floor(sorted.length / 10));
  return Math.abs(sorted[k - 1]);
}

/** Sum over outputs of the network with every parameter squared, on an all-ones input. */
export function pathNorm(model: Model, inputShape: readonly number[]): number {
  const saved = model.variables.map((v) => tf.keep(v.clone()));
  try {
    tf.tidy(() => model.variables.forEach((v) => v.assign(tf.square(v))));
    return tf.tidy(() => tf.sum(model.logits(tf.ones([1, ...inputShape]), false)).dataSync()[0]);
  } finally {
    model.variables.forEach((v, k) => v.assign(saved[k]));
    tf.dispose(saved);
  }
}

/**
 * The largest sigma such that perturbing the weights with Gaussian noise moves training
 * accuracy by about `displacement`, found by bisection on [0, 2] with Monte Carlo averages.
 * Magnitude-aware: noise variance sigma^2 w_i^2 + eps^2 per weight (eps = 1e-3).
 */
export function pacBayesSigma(model: Model, data: LabelledBatch, options: { magnitudeAware: boolean; displacement?: number; depth?: number; samples?: number; tolerance?: number; seed?: number }): number {
  const displacement = options.displacement ?? 0.1;
  const depth = options.depth ?? 15;
  const samples = options.samples ?? 10;
  const tolerance = options.tolerance ?? 1e-2;
  const rng = new Random(options.seed ?? 0);
  const base = flattenVariables(model.variables);
  const baseAccuracy = accuracy(model, data);
  const eps = 1e-3;
  let lower = 0;
  let upper = 2;
  let sigma = 1;
  try {
    for (let level = 0; level < depth; level++) {
      sigma = (lower + upper) / 2;
      let total = 0;
      for (let s = 0; s < samples; s++) {
        const noisy = base.map((w) => w + rng.normal() * (options.magnitudeAware ? Math.sqrt(sigma * sigma * w * w + eps * eps) : sigma));
        assignFlat(model.variables, noisy);
        total += accuracy(model, data);
      }
      const moved = Math.abs(total / samples - baseAccuracy);
      if (Math.abs(moved - displacement) < tolerance) break;
      if (moved > displacement) upper = sigma;
      else lower = sigma;
    }
  } finally {
    assignFlat(model.variables, base);
  }
  return sigma;
}

/**
 * rho-sharpness: max over ||delta|| <= rho of L(w + delta) - L(w), approximated by
 * `steps` steps of normalised gradient ascent projected onto the ball (one step is SAM's
 * first-order solution).
 */
export function rhoSharpness(model: Model, data: LabelledBatch, rho: number, steps = 5): number {
  const lossAt = (delta: Float64Array) => withShiftedWeights(model.variables, delta, () => lossValue(model, data));
  const gradientAt = (delta: Float64Array) =>
    withShiftedWeights(model.variables, delta, () => flatGradient(model, () => meanCrossEntropy(model.logits(data.x, false), data.y)).gradient);
  const base = lossValue(model, data);
  let delta = new Float64Array(flattenVariables(model.variables).length);
  let best = 0;
  for (let s = 0; s < steps; s++) {
    const g = gradientAt(delta);
    const gn = norm2(g);
    if (gn === 0) break;
    const next = delta.map((d, i) => d + (rho * g[i]) / gn);
    const nn = norm2(next);
    delta = nn > rho ? next.map((x) => (x * rho) / nn) : next;
    best = Math.max(best, lossAt(delta) - base);
  }
  return best;
}

/** Average sharpness: E[L(w + delta)] - L(w) with delta ~ N(0, rho^2/d I), so E||delta|| ~ rho. */
export function averageSharpness(model: Model, data: LabelledBatch, rho: number, samples = 10, seed = 0): number {
  const rng = new Random(seed);
  const d = flattenVariables(model.variables).length;
  const base = lossValue(model, data);
  let total = 0;
  for (let s = 0; s < samples; s++) {
    const delta = Float64Array.from({ length: d }, () => (rng.normal() * rho) / Math.sqrt(d));
    total += withShiftedWeights(model.variables, delta, () => lossValue(model, data)) - base;
  }
  return total / samples;
}

/**
 * Computes the requested measures (all by default). Measures that need the initial
 * weights are left out (absent from the result) when `initial` is not given; ask
 * `missingMeasureInputs` for them and the reason.
 */
export function computeMeasures(model: Model, requested: readonly MeasureName[] = MEASURE_NAMES, options: MeasureOptions): MeasureValues {
  const missing = missingMeasureInputs(requested, options);
  const want = new Set(requested.filter((n) => !(n in missing)));
  const has = (...names: MeasureName[]) => names.some((n) => want.has(n));
  const out: MeasureValues = {};
  const m = options.data.y.shape[0];
  const seed = options.seed ?? 0;
  const variables = model.variables;
  const values = variables.map((v) => v.dataSync() as Float32Array);
  const initial = options.initial;
  if (initial && initial.length !== variables.length) throw new RangeError(`initial weights: ${initial.length} tensors for ${variables.length} variables`);
  const diff = initial ? values.map((w, k) => w.map((x, i) => x - initial[k][i])) : null;
  const weightIdx = variables.map((v, k) => (isWeight(v) ? k : -1)).filter((k) => k >= 0);
  const d = weightIdx.length;
  const sq = (a: ArrayLike<number>) => dot(a, a);

  if (want.has('params')) out.params = model.parameterCount();
  const margin = has('margin', 'inverse-margin', 'log-prod-of-fro-over-margin', 'log-sum-of-fro-over-margin', 'log-prod-of-spec-over-margin', 'log-sum-of-spec-over-margin', 'log-spec-init-main', 'log-spec-orig-main', 'path-norm-over-margin')
    ? outputMargin(model, options.data)
    : Number.NaN;
  if (want.has('margin')) out.margin = margin;
  if (want.has('inverse-margin')) out['inverse-margin'] = 1 / margin ** 2;

  const all = values.flatMap((w) => Array.from(w));
  if (want.has('l2')) out.l2 = Math.sqrt(sq(all));
  if (want.has('l2-dist') && diff) out['l2-dist'] = Math.sqrt(diff.reduce((s, w) => s + sq(w), 0));

  const fro = weightIdx.map((k) => sq(values[k]));
  const needsSpec = has('log-prod-of-spec', 'log-prod-of-spec-over-margin', 'log-sum-of-spec', 'log-sum-of-spec-over-margin', 'fro-over-spec', 'log-spec-init-main', 'log-spec-orig-main');
  const spec = needsSpec ? weightIdx.map((k) => spectralNorm(values[k], variables[k].shape, 100, seed) ** 2) : [];
  const logProdFro = fro.reduce((s, x) => s + Math.log(x), 0);
  const logProdSpec = spec.reduce((s, x) => s + Math.log(x), 0);
  const logMargin2 = 2 * Math.log(margin);
  if (want.has('param-norm')) out['param-norm'] = fro.reduce((a, b) => a + b, 0);
  if (want.has('fro-dist') && diff) out['fro-dist'] = weightIdx.reduce((s, k) => s + sq(diff[k]), 0);
  if (want.has('log-prod-of-fro')) out['log-prod-of-fro'] = logProdFro;
  if (want.has('log-prod-of-fro-over-margin')) out['log-prod-of-fro-over-margin'] = logProdFro - logMargin2;
  if (want.has('log-sum-of-fro')) out['log-sum-of-fro'] = Math.log(d) + logProdFro / d;
  if (want.has('log-sum-of-fro-over-margin')) out['log-sum-of-fro-over-margin'] = Math.log(d) + (logProdFro - logMargin2) / d;
  if (want.has('log-prod-of-spec')) out['log-prod-of-spec'] = logProdSpec;
  if (want.has('log-prod-of-spec-over-margin')) out['log-prod-of-spec-over-margin'] = logProdSpec - logMargin2;
  if (want.has('log-sum-of-spec')) out['log-sum-of-spec'] = Math.log(d) + logProdSpec / d;
  if (want.has('log-sum-of-spec-over-margin')) out['log-sum-of-spec-over-margin'] = Math.log(d) + (logProdSpec - logMargin2) / d;
  const froOverSpec = fro.reduce((s, f, i) => s + f / spec[i], 0);
  if (want.has('fro-over-spec')) out['fro-over-spec'] = froOverSpec;
  if (want.has('log-spec-orig-main')) out['log-spec-orig-main'] = logProdSpec - logMargin2 + Math.log(froOverSpec);
  if (diff && has('dist-spec-init', 'log-spec-init-main')) {
    const distSpec = weightIdx.map((k) => spectralNorm(diff[k], variables[k].shape, 100, seed) ** 2);
    if (want.has('dist-spec-init')) out['dist-spec-init'] = distSpec.reduce((a, b) => a + b, 0);
    if (want.has('log-spec-init-main')) {
      const distFroOverSpec = weightIdx.reduce((s, k, i) => s + sq(diff[k]) / spec[i], 0);
      out['log-spec-init-main'] = logProdSpec - logMargin2 + Math.log(distFroOverSpec);
    }
  }
  if (has('path-norm', 'path-norm-over-margin')) {
    const pn = pathNorm(model, options.inputShape);
    if (want.has('path-norm')) out['path-norm'] = pn;
    if (want.has('path-norm-over-margin')) out['path-norm-over-margin'] = pn / margin ** 2;
  }

  const pb = options.pacBayes ?? {};
  const wNorm2 = sq(all);
  const distNorm2 = diff ? diff.reduce((s, w) => s + sq(w), 0) : Number.NaN;
  const bound = (refNorm2: number, sigma: number) => refNorm2 / (4 * sigma * sigma) + Math.log(m / sigma) + 10;
  if (has('pacbayes-sigma', 'pacbayes-init', 'pacbayes-orig', 'pacbayes-flatness')) {
    const sigma = pacBayesSigma(model, options.data, { ...pb, magnitudeAware: false, seed });
    if (want.has('pacbayes-sigma')) out['pacbayes-sigma'] = sigma;
    if (want.has('pacbayes-init')) out['pacbayes-init'] = bound(distNorm2, sigma);
    if (want.has('pacbayes-orig')) out['pacbayes-orig'] = bound(wNorm2, sigma);
    if (want.has('pacbayes-flatness')) out['pacbayes-flatness'] = 1 / sigma ** 2;
  }
  if (has('pacbayes-mag-sigma', 'pacbayes-mag-init', 'pacbayes-mag-orig', 'pacbayes-mag-flatness')) {
    const sigma = pacBayesSigma(model, options.data, { ...pb, magnitudeAware: true, seed: seed + 1 });
    const eps = 1e-3;
    const omega = all.length;
    const distAll = diff ? diff.flatMap((w) => Array.from(w)) : [];
    // Jiang et al. eq. for the magnitude-aware bound: 1/4 sum_i log((eps^2 + (s^2+1)||ref||^2/omega) / (eps^2 + s^2 |w_i - w0_i|^2)).
    const magBound = (refNorm2: number) =>
      0.25 * distAll.reduce((s, x) => s + Math.log((eps * eps + ((sigma * sigma + 1) * refNorm2) / omega) / (eps * eps + sigma * sigma * x * x)), 0) +
      Math.log(m / sigma) +
      10;
    if (want.has('pacbayes-mag-sigma')) out['pacbayes-mag-sigma'] = sigma;
    if (want.has('pacbayes-mag-init') && diff) out['pacbayes-mag-init'] = magBound(distNorm2);
    if (want.has('pacbayes-mag-orig') && diff) out['pacbayes-mag-orig'] = magBound(wNorm2);
    if (want.has('pacbayes-mag-flatness')) out['pacbayes-mag-flatness'] = 1 / sigma ** 2;
  }
  const sh = options.sharpness ?? {};
  if (want.has('sharpness-rho')) out['sharpness-rho'] = rhoSharpness(model, options.data, sh.rho ?? 0.05, sh.steps ?? 5);
  if (want.has('sharpness-average')) out['sharpness-average'] = averageSharpness(model, options.data, sh.rho ?? 0.05, sh.samples ?? 10, seed);
  return out;
}

/** Parses a comma-separated list of measure names; unknown names are reported with the valid list. */
export function parseMeasureList(text: string): { names: MeasureName[]; unknown: string[] } {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  const valid = new Set<string>(MEASURE_NAMES);
  return { names: parts.filter((p) => valid.has(p)) as MeasureName[], unknown: parts.filter((p) => !valid.has(p)) };
}
