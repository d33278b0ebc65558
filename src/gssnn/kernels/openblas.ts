/**
 * The optional OpenBLAS addon (native/openblas, built by `npm ci` where OpenBLAS's
 * development files are installed; `npm run build:native` builds it by hand) and the
 * BatchMatMul kernel that the `wasm-openblas` backend runs on it. The kernel hands the
 * addon Float32Array views of the wasm heap, so operands and result are never copied, and
 * transposed operands go to BLAS as they are.
 *
 * The addon also carries the arithmetic of three of our own kernels (GatherRows, ScatterRows
 * and the population's Adam), of the population's dropout masks, and of the wasm backend's
 * products (XNNPACK's, and its own loop for a batch of tiny products): the same float32
 * operations in the same order, so equal to them bit for bit, and used whenever the addon
 * loads (`useNativeKernels`).
 *
 * OpenBLAS picks its inner kernels by CPU, so its products are not bitwise the same on
 * every machine (wasm's SIMD arithmetic is); the backend is therefore chosen explicitly,
 * never by default. On one machine it is deterministic: one thread, fixed blocking.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';

export interface OpenBlasAddon {
  /** C_i = op(A_i) op(B_i) for i < batch (row-major; a stride of 0 broadcasts). */
  sgemmBatch(
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    batch: number,
    m: number,
    n: number,
    k: number,
    transposeA: boolean,
    transposeB: boolean,
    strideA: number,
    strideB: number,
  ): void;
  /** out[o, m, :] = values[o, ids[m], :] (`gatherRowsInto`'s arithmetic; throws on an id outside [0, rows)). */
  gatherRows(values: Float32Array, ids: Int32Array, out: Float32Array, outer: number, rows: number, inner: number): void;
  /** out = 0, then out[o, ids[m], :] += values[o, m, :] in `scatterRowsInto`'s order (bitwise its result). */
  scatterRows(values: Float32Array, ids: Int32Array, out: Float32Array, outer: number, rows: number, inner: number): void;
  /** The population's Adam update, bitwise `population/adam.ts`'s loop (see native/openblas/adam.c). */
  adamUpdate(
    param: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    factors: Float32Array,
    paramOut: Float32Array,
    mOut: Float32Array,
    vOut: Float32Array,
    members: number,
    constants: Float32Array,
  ): void;
  /**
   * Batched products with wasm's arithmetic, bitwise: each output sums op(A)[i, p] * op(B)[p, j]
   * from 0 in order of p (XNNPACK's products: chunk 0), or sums chunks of `chunk` p from 0 and
   * adds them in order (wasm's own loop for tiny products: chunk 48); see
   * native/openblas/ordered.c. A transposed B is read in place (a transposed A is copied into
   * rows), a stride of 0 broadcasts.
   */
  orderedBatchMatmul(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    batch: number,
    m: number,
    n: number,
    k: number,
    transposeA: boolean,
    transposeB: boolean,
    strideA: number,
    strideB: number,
    chunk: number,
  ): void;
  /**
   * out = a op b (0 add, 1 sub, 2 mul, 3 div) over the output's dimensions `dims`, a and b
   * read at their strides (0 where broadcast); wasm's arithmetic (native/openblas/elementwise.c).
   */
  binaryOp(op: number, a: Float32Array, b: Float32Array, out: Float32Array, dims: Float64Array, stridesA: Float64Array, stridesB: Float64Array): void;
  /**
   * out[o] = the sum (or mean) of x over the reduced positions, in row-major order of the
   * reduced axes, each sum from 0 (wasm's arithmetic; native/openblas/elementwise.c).
   */
  reduceSum(x: Float32Array, out: Float32Array, keptDims: Float64Array, keptStrides: Float64Array, reducedDims: Float64Array, reducedStrides: Float64Array, mean: boolean): void;
  /**
   * Dropout multipliers from seedrandom's alea generators: block i starts from states[4i..4i+4)
   * (c, s0, s1, s2; advanced in place) and fills, for b < batch, out[start + b * rowStride + j]
   * with scale or 0 for j < cells, where blocks[4i..4i+4) = (start, batch, rowStride, cells);
   * bitwise `fillDropoutBlocks`'s JavaScript loop (see native/openblas/dropout.c).
   */
  aleaDropout(out: Float32Array, states: Float64Array, blocks: Float64Array, keep: number, scale: number): void;
  /**
   * out (row-major over dims) takes x's 4-byte values, output dimension d stepping strides[d]
   * through x: a transpose (see native/openblas/transpose.c).
   */
  transpose(x: Float32Array | Int32Array, out: Float32Array | Int32Array, dims: Float64Array, strides: Float64Array): void;
  /** OpenBLAS's build description (version, target core, thread limit). */
  config(): string;
}

const ADDON_PATH = '../../../native/openblas/build/Release/openblas_sgemm.node';
const BUILD_HINT = 'build it with `npm run build:native` (needs a C compiler and OpenBLAS; Debian: apt-get install -y build-essential libopenblas-dev)';

let loaded: { addon: OpenBlasAddon } | { error: string } | null = null;

/** The addon, or throws an Error saying why it is unavailable and how to build it. */
export function loadOpenBlas(): OpenBlasAddon {
  if (!loaded) {
    try {
      loaded = { addon: createRequire(import.meta.url)(ADDON_PATH) as OpenBlasAddon };
    } catch (err) {
      const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
      const missing = (err as { code?: string }).code === 'MODULE_NOT_FOUND';
      loaded = { error: missing ? `the OpenBLAS addon is not built; ${BUILD_HINT}` : `the OpenBLAS addon did not load (${message}); ${BUILD_HINT}` };
    }
  }
  if ('error' in loaded) throw new Error(loaded.error);
  return loaded.addon;
}

/** Whether the addon loads (without throwing). */
export function openBlasAvailable(): boolean {
  try {
    loadOpenBlas();
    return true;
  } catch {
    return false;
  }
}

let nativeEnabled = true;

/**
 * Whether GatherRows, ScatterRows, the population's Adam and dropout masks, and wasm's
 * products run in the addon when it loads (default) or as before; the
 * results are the same bits.
 */
export function useNativeKernels(enabled: boolean): void {
  nativeEnabled = enabled;
}

/** The addon for those kernels, or null (not built, or switched off). */
export function nativeKernels(): OpenBlasAddon | null {
  if (!nativeEnabled) return null;
  if (!loaded) openBlasAvailable();
  return loaded && 'addon' in loaded ? loaded.addon : null;
}

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.backend_util.TypedArray;
}

const product = (dims: readonly number[]) => dims.reduce((x, y) => x * y, 1);
const sameDims = (x: readonly number[], y: readonly number[]) => x.length === y.length && x.every((d, i) => d === y[i]);

/**
 * A wasm BatchMatMul kernel on the addon. Products it does not take (other dtypes, batch
 * shapes that broadcast other than one operand having a single matrix) go to `fallback`.
 */
export function openBlasMatmulKernel(addon: OpenBlasAddon, fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA = false, transposeB = false } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    const outerA = a.shape.slice(0, -2);
    const outerB = b.shape.slice(0, -2);
    const batchA = product(outerA);
    const batchB = product(outerB);
    const simple = batchA === 1 || batchB === 1 || sameDims(outerA, outerB);
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2 || !simple) return fallback(args);
    const [rowsA, colsA] = a.shape.slice(-2);
    const [rowsB, colsB] = b.shape.slice(-2);
    const m = transposeA ? colsA : rowsA;
    const k = transposeA ? rowsA : colsA;
    const n = transposeB ? rowsB : colsB;
    if ((transposeB ? colsB : rowsB) !== k) return fallback(args); // the stock kernel reports the mismatch
    const backend = args.backend as unknown as WasmHeapBackend;
    const outer = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
    const out = backend.makeOutput([...outer, m, n], 'float32');
    // Views are taken after the allocation, which can move the heap.
    addon.sgemmBatch(
      backend.typedArrayFromHeap(a) as Float32Array,
      backend.typedArrayFromHeap(b) as Float32Array,
      backend.typedArrayFromHeap(out) as Float32Array,
      Math.max(batchA, batchB),
      m,
      n,
      k,
      transposeA,
      transposeB,
      batchA === 1 ? 0 : m * k,
      batchB === 1 ? 0 : k * n,
    );
    return out;
  };
}
