/**
 * BatchMatMul for the cpu backend with one rounding per output value: each dot product is
 * summed in float64 over the whole shared dimension, then rounded to float32. The stock
 * kernel sums blocks of 48 in float64 and rounds after each block, so its result depends on
 * where the blocks fall; a population's padded rows (exact zeros) shift them, and a member's
 * result would then depend on the population it trained in. With one rounding, zeros change
 * nothing. Handles transposed operands and a batch broadcast from 1.
 */
import * as tf from '@tensorflow/tfjs-core';
import { install, runOnArrays, type KernelBackendLike } from './register.ts';

const batchMatMulKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA = false, transposeB = false } = (attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
  if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error(`BatchMatMul: float32 operands only, got ${a.dtype} and ${b.dtype}`);
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const shared = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const sharedB = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  if (shared !== sharedB) throw new Error(`BatchMatMul: inner sizes ${shared} and ${sharedB} of [${a.shape}] and [${b.shape}] differ`);
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const outer = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
  const batchA = outerA.reduce((x, y) => x * y, 1);
  const batchB = outerB.reduce((x, y) => x * y, 1);
  const batch = outer.reduce((x, y) => x * y, 1);
  if ((batchA !== 1 && batchA !== batch) || (batchB !== 1 && batchB !== batch)) {
    throw new Error(`BatchMatMul: batch shapes [${outerA}] and [${outerB}] broadcast only from 1 here`);
  }
  const shape = [...outer, m, n];
  return runOnArrays(backend as KernelBackendLike, [a, b], [{ shape, dtype: 'float32' }], (ins, outs) => {
    const [av, bv] = ins as Float32Array[];
    const out = outs[0] as Float32Array;
    // Row i of op(A) and column j of op(B) as strided runs over the shared dimension.
    const aRow = transposeA ? 1 : shared;
    const aStep = transposeA ? m : 1;
    const bCol = transposeB ? shared : 1;
    const bStep = transposeB ? 1 : n;
    for (let t = 0; t < batch; t++) {
      const aBase = (batchA === 1 ? 0 : t) * m * shared;
      const bBase = (batchB === 1 ? 0 : t) * shared * n;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let sum = 0;
          let ai = aBase + i * aRow;
          let bj = bBase + j * bCol;
          for (let k = 0; k < shared; k++, ai += aStep, bj += bStep) sum += av[ai] * bv[bj];
          out[(t * m + i) * n + j] = sum;
        }
      }
    }
  })[0];
};

/** Installs the kernel on the cpu backend (idempotent). */
export function installCpuMatmul(): void {
  install(tf.BatchMatMul, 'cpu', batchMatMulKernel);
}
