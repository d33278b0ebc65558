/**
 * The loss Hessian seen through exact Hessian-vector products (gssnn/hvp.ts): top
 * eigenvalues by Lanczos (full reorthogonalisation) and by power iteration with deflation,
 * the trace by Hutchinson's estimator (optionally with the top eigenvectors deflated out,
 * which removes most of its variance), and the spectral density by stochastic Lanczos
 * quadrature, which shows the bulk near zero and the few outliers (Sagun et al.).
 */
import * as tf from '@tensorflow/tfjs-core';
import { hessianVectorProduct } from '../gssnn/hvp.ts';
import type { Model } from '../gssnn/models/model.ts';
import { Random } from '../util/random.ts';
import { jacobiEigen, tridiagonal } from './linalg.ts';
import { type LabelledBatch, meanCrossEntropy } from './loss.ts';
import { dot, norm2, totalSize } from './params.ts';
import { studentTQuantile } from './stats.ts';

/** v -> H v for a symmetric operator of dimension `dimension`. */
export interface LinearOperator {
  readonly dimension: number;
  apply(v: Float64Array): Float64Array;
}

/**
 * H v of the mean cross-entropy on a batch (inference mode), exact up to float32 rounding.
 * A batch larger than `chunk` examples is processed in chunks whose products are averaged
 * with their sizes as weights, which bounds the memory of double backprop.
 */
export function lossHessianOperator(model: Model, batch: LabelledBatch, options: { chunk?: number } = {}): LinearOperator {
  const variables = model.variables as tf.Variable[];
  const dimension = totalSize(variables);
  const n = batch.y.shape[0];
  if (n === 0) throw new RangeError('lossHessianOperator: the batch is empty');
  const chunk = Math.max(1, options.chunk ?? 256);
  const starts = Array.from({ length: Math.ceil(n / chunk) }, (_, k) => k * chunk);
  return {
    dimension,
    apply(v: Float64Array): Float64Array {
      const direction: tf.Tensor[] = [];
      let offset = 0;
      for (const variable of variables) {
        direction.push(tf.tensor(Float32Array.from(v.subarray(offset, offset + variable.size)), variable.shape));
        offset += variable.size;
      }
      const out = new Float64Array(dimension);
      for (const start of starts) {
        const size = Math.min(chunk, n - start);
        const [x, y] = size === n ? [batch.x, batch.y] : [tf.slice(batch.x, start, size), tf.slice(batch.y, start, size)];
        const product = hessianVectorProduct(() => meanCrossEntropy(model.logits(x, false), y as tf.Tensor1D), variables, direction);
        offset = 0;
        for (const t of product) {
          const values = t.dataSync();
          for (let i = 0; i < values.length; i++) out[offset + i] += (values[i] * size) / n;
          offset += t.size;
        }
        tf.dispose(product);
        if (size !== n) tf.dispose([x, y]);
      }
      tf.dispose(direction);
      return out;
    },
  };
}

/** Operator of an explicit symmetric matrix (row-major n x n). */
export function matrixOperator(n: number, data: Float64Array): LinearOperator {
  return {
    dimension: n,
    apply(v) {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += data[i * n + j] * v[j];
        out[i] = s;
      }
      return out;
    },
  };
}

/** The dense matrix of an operator, column by column (small models only). */
export function denseMatrix(op: LinearOperator): Float64Array {
  const n = op.dimension;
  const data = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const e = new Float64Array(n);
    e[j] = 1;
    const col = op.apply(e);
    for (let i = 0; i < n; i++) data[i * n + j] = col[i];
  }
  // Symmetrise: float32 rounding leaves tiny asymmetries.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m = (data[i * n + j] + data[j * n + i]) / 2;
      data[i * n + j] = m;
      data[j * n + i] = m;
    }
  }
  return data;
}

function randomUnit(n: number, rng: Random): Float64Array {
  const v = Float64Array.from({ length: n }, () => rng.normal());
  const s = norm2(v);
  return v.map((x) => x / s);
}

export interface LanczosRun {
  readonly alpha: number[];
  readonly beta: number[];
  /** The orthonormal Krylov basis (kept for reorthogonalisation and Ritz vectors). */
  readonly basis: Float64Array[];
}

/** `steps` Lanczos iterations from `start`, re-orthogonalising against the whole basis. */
export function lanczos(op: LinearOperator, steps: number, start: Float64Array): LanczosRun {
  const n = op.dimension;
  const m = Math.min(steps, n);
  const alpha: number[] = [];
  const beta: number[] = [];
  const basis: Float64Array[] = [];
  let q = Float64Array.from(start);
  const s0 = norm2(q);
  q = q.map((x) => x / s0);
  for (let j = 0; j < m; j++) {
    basis.push(q);
    const w = op.apply(q);
    const a = dot(w, q);
    alpha.push(a);
    // Full reorthogonalisation, twice (Gram-Schmidt twice is enough in floating point).
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        const c = dot(w, b);
        for (let i = 0; i < n; i++) w[i] -= c * b[i];
      }
    }
    const bnorm = norm2(w);
    if (j + 1 === m || bnorm < 1e-10 * Math.max(1, Math.abs(a))) break; // invariant subspace found
    beta.push(bnorm);
    q = w.map((x) => x / bnorm);
  }
  return { alpha, beta: beta.slice(0, alpha.length - 1), basis };
}

export interface Eigenpairs {
  readonly values: number[];
  readonly vectors: Float64Array[];
}

export interface RitzPairs {
  /** Ritz values, descending. */
  readonly values: number[];
  /** The unit Ritz vector of `values[j]`. */
  vector(j: number): Float64Array;
}

/** Ritz values and vectors of `steps` Lanczos iterations from a seeded random start. */
export function lanczosRitzPairs(op: LinearOperator, steps: number, seed = 0): RitzPairs {
  const rng = new Random(seed);
  const run = lanczos(op, Math.min(op.dimension, steps), randomUnit(op.dimension, rng));
  const eig = jacobiEigen(tridiagonal(run.alpha, run.beta));
  return {
    values: eig.values,
    vector(j) {
      const x = new Float64Array(op.dimension);
      eig.vectors[j].forEach((c, i) => {
        const b = run.basis[i];
        for (let r = 0; r < x.length; r++) x[r] += c * b[r];
      });
      return x;
    },
  };
}

/** The k largest (algebraic) eigenvalues from the Ritz values of a Lanczos run. */
export function lanczosTopEigen(op: LinearOperator, k: number, options: { steps?: number; seed?: number } = {}): Eigenpairs {
  const steps = Math.min(op.dimension, options.steps ?? Math.max(2 * k + 10, 20));
  const ritz = lanczosRitzPairs(op, steps, options.seed ?? 0);
  const count = Math.min(k, ritz.values.length);
  return { values: ritz.values.slice(0, count), vectors: Array.from({ length: count }, (_, j) => ritz.vector(j)) };
}

/**
 * Power iteration with deflation: each found eigenpair is projected out before the next.
 * Finds the largest-magnitude eigenvalues; slower than Lanczos, kept as a cross-check.
 */
export function powerIterationTopEigen(op: LinearOperator, k: number, options: { iterations?: number; tolerance?: number; seed?: number } = {}): Eigenpairs {
  const rng = new Random(options.seed ?? 0);
  const iterations = options.iterations ?? 200;
  const tolerance = options.tolerance ?? 1e-8;
  const values: number[] = [];
  const vectors: Float64Array[] = [];
  const deflated = (v: Float64Array) => {
    const out = op.apply(v);
    values.forEach((lambda, j) => {
      const c = lambda * dot(vectors[j], v);
      for (let i = 0; i < out.length; i++) out[i] -= c * vectors[j][i];
    });
    return out;
  };
  for (let e = 0; e < Math.min(k, op.dimension); e++) {
    let v = randomUnit(op.dimension, rng);
    let lambda = 0;
    for (let it = 0; it < iterations; it++) {
      const w = deflated(v);
      const next = dot(w, v);
      const s = norm2(w);
      if (s === 0) break;
      v = w.map((x) => x / s);
      if (Math.abs(next - lambda) <= tolerance * Math.max(1, Math.abs(next))) {
        lambda = next;
        break;
      }
      lambda = next;
    }
    values.push(lambda);
    vectors.push(v);
  }
  return { values, vectors };
}

/** Hutchinson's estimator tr(H) = E[z^T H z] with Rademacher z; returns the running mean too. */
export function hutchinsonTrace(op: LinearOperator, samples: number, seed = 0): { trace: number; standardError: number; running: number[] } {
  const rng = new Random(seed);
  const draws: number[] = [];
  const running: number[] = [];
  let total = 0;
  for (let s = 0; s < samples; s++) {
    const z = Float64Array.from({ length: op.dimension }, () => (rng.next() < 0.5 ? -1 : 1));
    const value = dot(z, op.apply(z));
    draws.push(value);
    total += value;
    running.push(total / (s + 1));
  }
  const mean = total / samples;
  const variance = draws.reduce((acc, d) => acc + (d - mean) ** 2, 0) / Math.max(1, samples - 1);
  return { trace: mean, standardError: Math.sqrt(variance / samples), running };
}

export interface SpectralDensity {
  /** Grid of eigenvalue positions. */
  readonly grid: number[];
  /** Density at each grid point (integrates to about 1). */
  readonly density: number[];
  /** Quadrature nodes (Ritz values) and weights of every probe vector. */
  readonly nodes: { value: number; weight: number }[];
}

/**
 * Stochastic Lanczos quadrature: for each random unit probe v, the Lanczos tridiagonal's
 * eigenvalues theta_j and squared first eigenvector entries tau_j give a quadrature of the
 * spectral measure; the density is their Gaussian-broadened average.
 */
export function spectralDensity(op: LinearOperator, options: { probes?: number; steps?: number; sigma?: number; gridSize?: number; seed?: number } = {}): SpectralDensity {
  const rng = new Random(options.seed ?? 0);
  const probes = options.probes ?? 4;
  const steps = Math.min(op.dimension, options.steps ?? 40);
  const nodes: { value: number; weight: number }[] = [];
  for (let p = 0; p < probes; p++) {
    const run = lanczos(op, steps, randomUnit(op.dimension, rng));
    const eig = jacobiEigen(tridiagonal(run.alpha, run.beta));
    eig.values.forEach((theta, j) => nodes.push({ value: theta, weight: eig.vectors[j][0] ** 2 / probes }));
  }
  const lo = Math.min(...nodes.map((n) => n.value));
  const hi = Math.max(...nodes.map((n) => n.value));
  const span = Math.max(hi - lo, 1e-12);
  const sigma = options.sigma ?? span / 100;
  const gridSize = options.gridSize ?? 400;
  const grid = Array.from({ length: gridSize }, (_, i) => lo - 0.05 * span + (1.1 * span * i) / (gridSize - 1));
  const norm = 1 / (sigma * Math.sqrt(2 * Math.PI));
  const density = grid.map((t) => nodes.reduce((acc, n) => acc + n.weight * norm * Math.exp(-((t - n.value) ** 2) / (2 * sigma * sigma)), 0));
  return { grid, density, nodes };
}

export interface TraceEstimate {
  readonly trace: number;
  readonly standardError: number;
  /** 95% interval: Student t over the Hutchinson probes. */
  readonly interval: readonly [number, number];
  readonly probes: number;
  /** Directions whose share of the trace was computed exactly (the top eigenvectors). */
  readonly deflated: number;
  /** The estimate after each probe. */
  readonly running: number[];
}

/** Gram-Schmidt (twice) of `vectors`; drops any that is (numerically) in the span of the others. */
export function orthonormalize(vectors: readonly Float64Array[]): Float64Array[] {
  const basis: Float64Array[] = [];
  for (const v of vectors) {
    const w = Float64Array.from(v);
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        const c = dot(w, b);
        for (let i = 0; i < w.length; i++) w[i] -= c * b[i];
      }
    }
    const s = norm2(w);
    if (s > 1e-8 * Math.max(1, norm2(v))) basis.push(w.map((x) => x / s));
  }
  return basis;
}

/**
 * tr(H) = sum_j q_j^T H q_j + tr(P H P) for orthonormal q_j and P = I - Q Q^T (exact for any
 * such Q): the first part with one product per q_j, the second by Hutchinson's estimator
 * with projected Rademacher probes P z. With Q the top eigenvectors the outliers, which
 * dominate Hutchinson's variance, are counted exactly (the idea of Hutch++).
 */
export function deflatedTrace(op: LinearOperator, directions: readonly Float64Array[], samples: number, seed = 0): TraceEstimate {
  if (!Number.isInteger(samples) || samples < 2) throw new RangeError(`a trace estimate needs at least 2 probes, got ${samples}`);
  const basis = orthonormalize(directions);
  const exactPart = basis.reduce((s, q) => s + dot(q, op.apply(q)), 0);
  const rng = new Random(seed);
  const draws: number[] = [];
  const running: number[] = [];
  for (let s = 0; s < samples; s++) {
    const z = Float64Array.from({ length: op.dimension }, () => (rng.next() < 0.5 ? -1 : 1));
    for (const q of basis) {
      const c = dot(z, q);
      for (let i = 0; i < z.length; i++) z[i] -= c * q[i];
    }
    draws.push(dot(z, op.apply(z)));
    running.push(exactPart + draws.reduce((a, b) => a + b, 0) / draws.length);
  }
  const mean = draws.reduce((a, b) => a + b, 0) / samples;
  const variance = draws.reduce((acc, d) => acc + (d - mean) ** 2, 0) / (samples - 1);
  const standardError = Math.sqrt(variance / samples);
  const half = studentTQuantile(0.975, samples - 1) * standardError;
  const trace = exactPart + mean;
  return { trace, standardError, interval: [trace - half, trace + half], probes: samples, deflated: basis.length, running };
}

export interface HessianSummaryOptions {
  /** Eigenvalues reported, and eigen-directions of largest |eigenvalue| deflated from the trace estimate (default 10). */
  readonly topK?: number;
  /** Lanczos steps; every Ritz value counts for the outliers (default max(40, 3 topK)). */
  readonly lanczosSteps?: number;
  /** Hutchinson probes of the deflated trace (default 30). */
  readonly probes?: number;
  /** Stochastic Lanczos quadrature: probe vectors (default 3) and steps (default 40). */
  readonly densityProbes?: number;
  readonly densitySteps?: number;
  /** An outlier is a Ritz value above this fraction of the largest (default 0.1). */
  readonly outlierFraction?: number;
  readonly seed?: number;
}

export interface HessianSummary {
  readonly parameters: number;
  readonly topEigenvalues: number[];
  /** All Ritz values of the Lanczos run, descending (more than are reported). */
  readonly ritzValues: number[];
  /** Ritz values above `outlierFraction` of the largest, counted among all of them. */
  readonly outliers: number;
  readonly outlierFraction: number;
  readonly trace: TraceEstimate;
  readonly density: SpectralDensity;
  /** Hessian-vector products spent. */
  readonly products: number;
}

/** Top eigenvalues, the outlier count, a deflated trace estimate with its interval, and the SLQ density. */
export function hessianSummary(op: LinearOperator, options: HessianSummaryOptions = {}): HessianSummary {
  const seed = options.seed ?? 0;
  const topK = Math.min(op.dimension, options.topK ?? 10);
  const steps = Math.min(op.dimension, options.lanczosSteps ?? Math.max(40, 3 * topK));
  const probes = options.probes ?? 30;
  const densityProbes = options.densityProbes ?? 3;
  const densitySteps = Math.min(op.dimension, options.densitySteps ?? 40);
  const outlierFraction = options.outlierFraction ?? 0.1;
  let products = 0;
  const counted: LinearOperator = { dimension: op.dimension, apply: (v) => (products++, op.apply(v)) };
  const ritz = lanczosRitzPairs(counted, steps, seed);
  const top = ritz.values.slice(0, topK);
  // Deflate the directions of largest |eigenvalue|: large negative ones also inflate Hutchinson's variance.
  const byMagnitude = ritz.values.map((v, j) => [Math.abs(v), j]).sort((a, b) => b[0] - a[0]).slice(0, topK).map(([, j]) => j);
  const trace = deflatedTrace(counted, byMagnitude.map((j) => ritz.vector(j)), probes, seed + 1);
  const density = spectralDensity(counted, { probes: densityProbes, steps: densitySteps, seed: seed + 2 });
  const largest = ritz.values[0] ?? 0;
  return {
    parameters: op.dimension,
    topEigenvalues: top,
    ritzValues: ritz.values,
    outliers: largest > 0 ? ritz.values.filter((v) => v > outlierFraction * largest).length : 0,
    outlierFraction,
    trace,
    density,
    products,
  };
}
