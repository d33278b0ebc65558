/**
 * The wasm backend's BatchMatMul is many times slower with a transposed operand (the
 * backward pass of every dense layer asks for dy W^T and x^T dy) than without. This wraps
 * the stock kernel so that a transposed operand is first materialised by the (fast) wasm
 * Transpose kernel and the product then runs untransposed. Results are identical.
 */
import * as tf from '@tensorflow/tfjs-core';

interface WasmBackendLike {
  disposeData(dataId: tf.TensorInfo['dataId'], force?: boolean): boolean;
}

let wrapped: tf.KernelFunc | null = null;

/** Installs the wrapper on the wasm backend's BatchMatMul (idempotent). */
export function installWasmMatmulWrapper(): void {
  const stock = tf.getKernel(tf.BatchMatMul, 'wasm');
  const transpose = tf.getKernel(tf.Transpose, 'wasm');
  if (!stock || !transpose || stock.kernelFunc === wrapped) return;
  const stockFunc = stock.kernelFunc;
  const transposeFunc = transpose.kernelFunc;
  wrapped = ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = (attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    if (!transposeA && !transposeB) return stockFunc({ inputs, backend, attrs });
    const swapLast = (t: tf.TensorInfo) => {
      const perm = t.shape.map((_, i) => i);
      [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
      return transposeFunc({ inputs: { x: t }, backend, attrs: { perm } }) as tf.TensorInfo;
    };
    const aT = transposeA ? swapLast(a) : a;
    const bT = transposeB ? swapLast(b) : b;
    try {
      return stockFunc({ inputs: { a: aT, b: bT }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    } finally {
      const be = backend as WasmBackendLike;
      if (aT !== a) be.disposeData(aT.dataId);
      if (bT !== b) be.disposeData(bT.dataId);
    }
  };
  tf.unregisterKernel(tf.BatchMatMul, 'wasm');
  tf.registerKernel({ ...stock, kernelFunc: wrapped });
}
