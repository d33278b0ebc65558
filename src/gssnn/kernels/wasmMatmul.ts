/**
 * Two slow paths of the wasm backend's BatchMatMul, measured on the `small` preset's shapes:
 * - a transposed operand (the backward pass of every dense layer asks for dy W^T and x^T dy)
 *   is many times slower than an untransposed one;
 * - a batch of more than one product (a population's stacked weights) runs at ~1.8 GFLOP/s,
 *   while a single 2-D product runs at 6-18 GFLOP/s (XNNPACK).
 * This wraps the stock kernel: a transposed operand is first materialised by the (fast) wasm
 * Transpose kernel, and a batch is run as one 2-D product per batch entry on copies of its
 * operands. Results are identical.
 *
 * Where the native addon is built, every product runs there instead, with the same
 * arithmetic and so the same bits: XNNPACK's (each output summed from 0 in order along the
 * shared dimension; 2-4x faster on these shapes) and the stock loop's many tiny products
 * (attention's; chunks of 48 along the shared dimension), both in ordered.c.
 *
 * The `wasm-openblas` backend replaces both with one call of the OpenBLAS addon
 * (openblas.ts); `installWasmMatmul` switches between the two.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadOpenBlas, nativeKernels, type OpenBlasAddon, openBlasMatmulKernel } from './openblas.ts';

interface WasmBackendLike {
  disposeData(dataId: tf.TensorInfo['dataId'], force?: boolean): boolean;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/** The kernels each flavour installs, made once from the stock kernel. */
let kernels: { stock: tf.KernelConfig; xnnpack: tf.KernelFunc; openblas?: tf.KernelFunc } | null = null;

/**
 * Makes the wasm backend's BatchMatMul the XNNPACK wrapper (`xnnpack`, the `wasm` backend)
 * or the OpenBLAS kernel (`openblas`, the `wasm-openblas` backend; throws when the addon is
 * unavailable). Idempotent.
 */
export function installWasmMatmul(flavour: 'xnnpack' | 'openblas'): void {
  if (!kernels) {
    const stock = tf.getKernel(tf.BatchMatMul, 'wasm');
    const transpose = tf.getKernel(tf.Transpose, 'wasm');
    if (!stock || !transpose) throw new Error('the wasm backend has no BatchMatMul or Transpose kernel');
    kernels = { stock, xnnpack: xnnpackWrapper(stock.kernelFunc, transpose.kernelFunc) };
  }
  if (flavour === 'openblas') kernels.openblas ??= openBlasMatmulKernel(loadOpenBlas(), kernels.xnnpack);
  const kernelFunc = flavour === 'openblas' ? kernels.openblas! : kernels.xnnpack;
  if (tf.getKernel(tf.BatchMatMul, 'wasm')?.kernelFunc === kernelFunc) return;
  tf.unregisterKernel(tf.BatchMatMul, 'wasm');
  tf.registerKernel({ ...kernels.stock, kernelFunc });
}

/** The stock loop sums its products in chunks of this many along the shared dimension. */
const STOCK_LOOP_CHUNK = 48;

const batchOf = (t: tf.TensorInfo) => t.shape.slice(0, -2).reduce((x, y) => x * y, 1);

/**
 * Many tiny products (attention over [batch, heads, tokens, tokens]) are faster in the
 * stock loop than one call each, and so have its arithmetic. Decided by rank and shape,
 * never by the batch count, so that an entry's result does not depend on how many entries
 * share the call.
 */
function isAttentionLike(a: tf.TensorInfo, b: tf.TensorInfo, transposeA = false, transposeB = false): boolean {
  const [rowsA, colsA] = a.shape.slice(-2);
  const [rowsB, colsB] = b.shape.slice(-2);
  return a.shape.length >= 4 && rowsA * colsA * (transposeB ? rowsB : colsB) < 32768;
}

/** Whether the batches are equal or one of them is a single matrix. */
function broadcastable(a: tf.TensorInfo, b: tf.TensorInfo): boolean {
  const batchA = batchOf(a);
  const batchB = batchOf(b);
  return batchA === batchB || batchA === 1 || batchB === 1;
}

function xnnpackWrapper(stockFunc: tf.KernelFunc, transposeFunc: tf.KernelFunc): tf.KernelFunc {
  const untransposed = (a: tf.TensorInfo, b: tf.TensorInfo, backend: WasmBackendLike, attrs: tf.NamedAttrMap) => {
    const batchA = batchOf(a);
    const batchB = batchOf(b);
    const batch = Math.max(batchA, batchB);
    const attentionLike = isAttentionLike(a, b, false, false);
    const sameOuter = a.shape.length === b.shape.length && a.shape.slice(0, -2).every((d, i) => d === b.shape[i]);
    const native = attentionLike && batch > 1 && sameOuter ? nativeKernels() : null;
    if (native) return stockLoopProducts(a, b, batch, backend, native);
    if (batch <= 1 || attentionLike || (batchA !== 1 && batchA !== batch) || (batchB !== 1 && batchB !== batch)) {
      return stockFunc({ inputs: { a, b }, backend: backend as unknown as tf.KernelBackend, attrs }) as tf.TensorInfo;
    }
    return batchAsProducts(a, b, batchA, batchB, batch, backend, (x, y) => stockFunc({ inputs: { a: x, b: y }, backend: backend as unknown as tf.KernelBackend, attrs }) as tf.TensorInfo);
  };
  return ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = (attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    const be = backend as unknown as WasmBackendLike;
    const ordered = nativeKernels();
    if (ordered && !isAttentionLike(a, b, transposeA, transposeB) && broadcastable(a, b)) return orderedProducts(a, b, !!transposeA, !!transposeB, be, ordered);
    const plain = { ...attrs, transposeA: false, transposeB: false };
    if (!transposeA && !transposeB) return untransposed(a, b, be, plain);
    const swapLast = (t: tf.TensorInfo) => {
      const perm = t.shape.map((_, i) => i);
      [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
      return transposeFunc({ inputs: { x: t }, backend, attrs: { perm } }) as tf.TensorInfo;
    };
    const aT = transposeA ? swapLast(a) : a;
    const bT = transposeB ? swapLast(b) : b;
    try {
      return untransposed(aT, bT, be, plain);
    } finally {
      if (aT !== a) be.disposeData(aT.dataId);
      if (bT !== b) be.disposeData(bT.dataId);
    }
  };
}

/**
 * The stock loop's products (a batch of equal-shaped, untransposed operands) in the native
 * addon, which computes the same bits (native/openblas/ordered.c, in chunks of 48).
 */
function stockLoopProducts(a: tf.TensorInfo, b: tf.TensorInfo, batch: number, backend: WasmBackendLike, native: OpenBlasAddon): tf.TensorInfo {
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 1];
  const out = backend.makeOutput([...a.shape.slice(0, -2), m, n], 'float32');
  native.orderedBatchMatmul(backend.typedArrayFromHeap(a), backend.typedArrayFromHeap(b), backend.typedArrayFromHeap(out), batch, m, n, k, false, false, m * k, k * n, STOCK_LOOP_CHUNK);
  return out;
}

/**
 * XNNPACK's products (either side may have batch 1, broadcast; transposed operands read in
 * place) in the native addon, which computes the same bits (native/openblas/ordered.c).
 */
function orderedProducts(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean, backend: WasmBackendLike, native: OpenBlasAddon): tf.TensorInfo {
  const [m, k] = transposeA ? a.shape.slice(-2).reverse() : a.shape.slice(-2);
  const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  const [batchA, batchB] = [batchOf(a), batchOf(b)];
  const out = backend.makeOutput([...(batchA >= batchB ? a : b).shape.slice(0, -2), m, n], 'float32');
  const strideA = batchA === 1 ? 0 : m * k;
  const strideB = batchB === 1 ? 0 : k * n;
  const [viewA, viewB, viewOut] = [a, b, out].map((t) => backend.typedArrayFromHeap(t));
  native.orderedBatchMatmul(viewA, viewB, viewOut, Math.max(batchA, batchB), m, n, k, transposeA, transposeB, strideA, strideB, 0);
  return out;
}

/**
 * `[batch, m, k] x [batch, k, n]` (either side may have batch 1, broadcast) as `batch` 2-D
 * products on heap copies of each entry. Heap views are taken afresh after every allocation,
 * which can move the heap.
 */
function batchAsProducts(
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  batchA: number,
  batchB: number,
  batch: number,
  backend: WasmBackendLike,
  product: (a: tf.TensorInfo, b: tf.TensorInfo) => tf.TensorInfo,
): tf.TensorInfo {
  const [m, k] = a.shape.slice(-2);
  const n = b.shape[b.shape.length - 1];
  const outerShape = (batchA >= batchB ? a : b).shape.slice(0, -2);
  const out = backend.makeOutput([...outerShape, m, n], 'float32');
  const entryA = batchA === 1 ? null : backend.makeOutput([m, k], 'float32');
  const flatA = batchA === 1 ? { ...a, shape: [m, k] } : null;
  const flatB = batchB === 1 ? { ...b, shape: [k, n] } : null;
  try {
    for (let i = 0; i < batch; i++) {
      if (entryA) backend.typedArrayFromHeap(entryA).set(backend.typedArrayFromHeap(a).subarray(i * m * k, (i + 1) * m * k));
      // A fresh right operand each time: XNNPACK caches packed weights by tensor id.
      const entryB = batchB === 1 ? null : backend.makeOutput([k, n], 'float32');
      if (entryB) backend.typedArrayFromHeap(entryB).set(backend.typedArrayFromHeap(b).subarray(i * k * n, (i + 1) * k * n));
      try {
        const result = product(entryA ?? flatA!, entryB ?? flatB!);
        backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(result), i * m * n);
        backend.disposeData(result.dataId);
      } finally {
        if (entryB) backend.disposeData(entryB.dataId);
      }
    }
  } finally {
    if (entryA) backend.disposeData(entryA.dataId);
  }
  return out;
}
