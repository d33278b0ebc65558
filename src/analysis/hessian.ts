/**
 * The loss Hessian seen through Hessian-vector products: top eigenvalues by Lanczos (full
 * reorthogonalisation) and by power iteration with deflation, the trace by Hutchinson's
 * estimator, and the spectral density by stochastic Lanczos quadrature, which shows the
 * bulk near zero and the few outliers (Sagun et al.).
 */
import * as tf from '@tensorflow/tfjs-core';
import { type HvpOptions, hessianVectorProduct } from '../gssnn/hvp.ts';
import type { Model } from '../gssnn/model.ts';
import { Random } from '../util/random.ts';
import { jacobiEigen, tridiagonal } from './linalg.ts';
import { type Batch, meanCrossEntropy } from './loss.ts';
import { dot, norm2, totalSize } from './params.ts';

/** v -> H v for a symmetric operator of dimension `dimension`. */
export interface LinearOperator {
  readonly dimension: number;
  apply(v: Float64Array): Float64Array;
}

/**
 * H v of the mean cross-entropy on a batch, through `hessianVectorProduct` of the tensor
 * layer (differences of first gradients: tfjs 4.22 gets second derivatives of softmax
 * wrong, issue #3252, so nested autodiff is never used).
 */
export function lossHessianOperator(model: Model, batch: Batch, options: HvpOptions = {}): LinearOperator {
  const variables = model.variables as tf.Variable[];
  const dimension = totalSize(variables);
  const loss = () => meanCrossEntropy(model.logits(batch.x, false), batch.y);
  return {
    dimension,
    apply(v: Float64Array): Float64Array {
      const direction: tf.Tensor[] = [];
      let offset = 0;
      for (const variable of variables) {
        direction.push(tf.tensor(Float32Array.from(v.subarray(offset, offset + variable.size)), variable.shape));
        offset += variable.size;
      }
      const product = hessianVectorProduct(loss, variables, direction, options);
      const out = new Float64Array(dimension);
      offset = 0;
      product.forEach((t) => {
        out.set(t.dataSync() as Float32Array, offset);
        offset += t.size;
      });
      tf.dispose([...direction, ...product]);
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
  // Symmetrise: finite differences leave tiny asymmetries.
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

/** The k largest (algebraic) eigenvalues from the Ritz values of a Lanczos run. */
export function lanczosTopEigen(op: LinearOperator, k: number, options: { steps?: number; seed?: number } = {}): Eigenpairs {
  const rng = new Random(options.seed ?? 0);
  const steps = Math.min(op.dimension, options.steps ?? Math.max(2 * k + 10, 20));
  const run = lanczos(op, steps, randomUnit(op.dimension, rng));
  const eig = jacobiEigen(tridiagonal(run.alpha, run.beta));
  const count = Math.min(k, eig.values.length);
  const vectors = eig.vectors.slice(0, count).map((y) => {
    const x = new Float64Array(op.dimension);
    y.forEach((c, j) => {
      const b = run.basis[j];
      for (let i = 0; i < x.length; i++) x[i] += c * b[i];
    });
    return x;
  });
  return { values: eig.values.slice(0, count), vectors };
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
