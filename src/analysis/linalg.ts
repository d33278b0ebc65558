/**
 * Small dense linear algebra in float64: the cyclic Jacobi eigen-solver for symmetric
 * matrices (used on Lanczos tridiagonals and as the dense reference in tests).
 */

/** A symmetric matrix stored row-major, n x n. */
export interface SymmetricMatrix {
  readonly n: number;
  readonly data: Float64Array;
}

export interface EigenDecomposition {
  /** Eigenvalues, descending. */
  readonly values: number[];
  /** `vectors[k]` is the unit eigenvector of `values[k]`. */
  readonly vectors: Float64Array[];
}

/** Cyclic Jacobi rotations until the off-diagonal mass is below `tolerance` relative to the norm. */
export function jacobiEigen(matrix: SymmetricMatrix, tolerance = 1e-12, maxSweeps = 100): EigenDecomposition {
  const n = matrix.n;
  const a = Float64Array.from(matrix.data);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const frob = Math.sqrt(a.reduce((s, x) => s + x * x, 0)) || 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (Math.sqrt(off) <= tolerance * frob) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        // The smaller root keeps the rotation angle below pi/4 (stable).
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i]);
  return {
    values: order.map((i) => a[i * n + i]),
    vectors: order.map((i) => Float64Array.from({ length: n }, (_, k) => v[k * n + i])),
  };
}

/** The symmetric tridiagonal matrix with diagonal `alpha` and off-diagonal `beta`. */
export function tridiagonal(alpha: readonly number[], beta: readonly number[]): SymmetricMatrix {
  const n = alpha.length;
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    data[i * n + i] = alpha[i];
    if (i + 1 < n) {
      data[i * n + i + 1] = beta[i];
      data[(i + 1) * n + i] = beta[i];
    }
  }
  return { n, data };
}
