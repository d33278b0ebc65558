/**
 * Registers our segment kernels with tfjs:
 * - `UnsortedSegmentSum` for cpu and wasm, linear in rows x width (the stock cpu kernel is
 *   O(segments x rows x width); wasm has none at all). Its gradient (a gather) is tfjs's own.
 * - `SegmentMaxArg` (outputs: max `[numSegments, ...]` and the int32 winning row per cell)
 *   and `SegmentMaxGrad` (scatters dy back to the winning rows), for cpu, wasm and the
 *   native `tensorflow` backend, with the gradient of `SegmentMaxArg` registered here.
 * GatherRows and ScatterRows run in the native addon when it is built (openblas.ts; the same
 * bits as the JavaScript loops). Idempotent; `initBackend` calls it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { nativeKernels } from './openblas.ts';
import { gatherRowsInto, scatterRowsInto, segmentMaxGradInto, segmentMaxInto, segmentSumInto } from './segment.ts';

export const SEGMENT_MAX_ARG = 'SegmentMaxArg';
export const SEGMENT_MAX_GRAD = 'SegmentMaxGrad';
/** x `[..., rows, ...]` -> `[..., ids.length, ...]` along `axis` (attrs: axis). */
export const GATHER_ROWS = 'GatherRows';
/** dy `[..., m, ...]` -> `[..., numRows, ...]`, summing rows with equal ids (attrs: axis, numRows). */
export const SCATTER_ROWS = 'ScatterRows';

/** The slice of a tfjs backend our kernels touch: read input data, allocate outputs. */
export interface KernelBackendLike {
  readSync(dataId: tf.TensorInfo['dataId']): tf.backend_util.BackendValues;
  makeTensorInfo?(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo;
  makeOutput?(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap?(info: tf.TensorInfo): tf.backend_util.TypedArray;
}

type Values = Float32Array | Int32Array;

export interface OutputSpec {
  shape: number[];
  dtype: 'float32' | 'int32';
}

/**
 * Runs `compute` on views of the inputs' data and on fresh output arrays, without extra
 * copies: on wasm both live on the module heap (outputs are allocated first, since an
 * allocation can move the heap); on cpu the inputs are read in place.
 */
export function runOnArrays(
  backend: KernelBackendLike,
  inputs: tf.TensorInfo[],
  outputs: OutputSpec[],
  compute: (ins: Values[], outs: Values[]) => void,
): tf.TensorInfo[] {
  if (backend.makeOutput && backend.typedArrayFromHeap) {
    const infos = outputs.map((o) => backend.makeOutput!(o.shape, o.dtype));
    const outs = infos.map((info) => backend.typedArrayFromHeap!(info) as Values);
    const ins = inputs.map((info) => backend.typedArrayFromHeap!(info) as Values);
    compute(ins, outs);
    return infos;
  }
  if (!backend.makeTensorInfo) throw new Error('segment kernels: backend can neither makeOutput nor makeTensorInfo');
  const outs = outputs.map((o) => {
    const size = o.shape.reduce((a, b) => a * b, 1);
    return o.dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
  });
  const ins = inputs.map((info) => backend.readSync(info.dataId) as Values);
  compute(ins, outs);
  return outputs.map((o, k) => backend.makeTensorInfo!(o.shape, o.dtype, outs[k]));
}

function rowWidth(shape: number[]): number {
  let width = 1;
  for (let i = 1; i < shape.length; i++) width *= shape[i];
  return width;
}

const segmentSumKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  if (segmentIds.shape.length !== 1) {
    throw new Error(`UnsortedSegmentSum: segmentIds must be rank 1 (one id per row of x), got shape [${segmentIds.shape}]`);
  }
  const width = rowWidth(x.shape);
  const shape = [numSegments, ...x.shape.slice(1)];
  return runOnArrays(backend as KernelBackendLike, [x, segmentIds], [{ shape, dtype: 'float32' }], ([xs, ids], [out]) => {
    segmentSumInto(xs, ids, width, numSegments, out as Float32Array);
  })[0];
};

const segmentMaxArgKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const width = rowWidth(x.shape);
  const shape = [numSegments, ...x.shape.slice(1)];
  return runOnArrays(
    backend as KernelBackendLike,
    [x, segmentIds],
    [{ shape, dtype: 'float32' }, { shape, dtype: 'int32' }],
    ([xs, ids], [max, argmax]) => segmentMaxInto(xs, ids, width, numSegments, max as Float32Array, argmax as Int32Array),
  );
};

const segmentMaxGradKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, argmax } = inputs as { dy: tf.TensorInfo; argmax: tf.TensorInfo };
  const numRows = (attrs as { numRows: number }).numRows;
  const width = rowWidth(dy.shape);
  const shape = [numRows, ...dy.shape.slice(1)];
  return runOnArrays(backend as KernelBackendLike, [dy, argmax], [{ shape, dtype: 'float32' }], ([dys, winners], [out]) => {
    segmentMaxGradInto(dys, winners, width, out as Float32Array);
  })[0];
};

/** Splits a shape around `axis` into [outer, rows, inner] element counts. */
function around(shape: number[], axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[axis], inner];
}

const gatherRowsKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, indices } = inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
  const axis = (attrs as { axis: number }).axis;
  const [outer, rows, inner] = around(x.shape, axis);
  const shape = x.shape.slice();
  shape[axis] = indices.shape[0];
  return runOnArrays(backend as KernelBackendLike, [x, indices], [{ shape, dtype: 'float32' }], ([xs, ids], [out]) => {
    const native = nativeKernels();
    if (native && xs instanceof Float32Array && ids instanceof Int32Array) native.gatherRows(xs, ids, out as Float32Array, outer, rows, inner);
    else gatherRowsInto(xs as Float32Array, ids, outer, rows, inner, out as Float32Array);
  })[0];
};

const scatterRowsKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, indices } = inputs as { dy: tf.TensorInfo; indices: tf.TensorInfo };
  const { axis, numRows } = attrs as { axis: number; numRows: number };
  const [outer, , inner] = around(dy.shape, axis);
  const shape = dy.shape.slice();
  shape[axis] = numRows;
  return runOnArrays(backend as KernelBackendLike, [dy, indices], [{ shape, dtype: 'float32' }], ([dys, ids], [out]) => {
    const native = nativeKernels();
    if (native && dys instanceof Float32Array && ids instanceof Int32Array) native.scatterRows(dys, ids, out as Float32Array, outer, numRows, inner);
    else scatterRowsInto(dys, ids, outer, numRows, inner, out as Float32Array);
  })[0];
};

let gradientRegistered = false;

/** Makes `kernelFunc` the kernel for (kernelName, backendName), replacing any other. */
export function install(kernelName: string, backendName: string, kernelFunc: tf.KernelFunc): void {
  const current = tf.getKernel(kernelName, backendName);
  if (current?.kernelFunc === kernelFunc) return;
  if (current) tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ kernelName, backendName, kernelFunc });
}

const wrapped = new Map<string, tf.KernelFunc>();

/**
 * Replaces `backendName`'s kernel `kernelName` by `wrap(stock)`, keeping the rest of its
 * config (a wasm kernel's setup). Idempotent: a kernel already wrapped is left alone.
 */
export function wrapKernel(kernelName: string, backendName: string, wrap: (stock: tf.KernelFunc) => tf.KernelFunc): void {
  const key = `${backendName}/${kernelName}`;
  const stock = tf.getKernel(kernelName, backendName);
  if (!stock || stock.kernelFunc === wrapped.get(key)) return;
  const kernelFunc = wrap(stock.kernelFunc);
  wrapped.set(key, kernelFunc);
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ ...stock, kernelFunc });
}

/**
 * Registers the kernels for the given backends (default: cpu, wasm, tensorflow). Call it
 * after importing a backend package: importing tfjs-backend-cpu re-registers its stock kernel.
 */
export function registerSegmentKernels(backends: readonly string[] = ['cpu', 'wasm', 'tensorflow']): void {
  for (const backendName of backends) {
    // Replace the stock kernel (cpu) or fill the gap (wasm); native TF has a good one.
    if (backendName !== 'tensorflow') install(tf.UnsortedSegmentSum, backendName, segmentSumKernel);
    install(SEGMENT_MAX_ARG, backendName, segmentMaxArgKernel);
    install(SEGMENT_MAX_GRAD, backendName, segmentMaxGradKernel);
    install(GATHER_ROWS, backendName, gatherRowsKernel);
    install(SCATTER_ROWS, backendName, scatterRowsKernel);
  }
  if (!gradientRegistered) {
    gradientRegistered = true;
    tf.registerGradient({
      kernelName: SEGMENT_MAX_ARG,
      inputsToSave: ['x'],
      outputsToSave: [false, true],
      gradFunc: (dy, saved) => {
        const [x, argmax] = saved;
        const dMax = Array.isArray(dy) ? dy[0] : dy;
        return {
          x: () => tf.engine().runKernel(SEGMENT_MAX_GRAD, { dy: dMax, argmax }, { numRows: x.shape[0] }) as tf.Tensor,
        };
      },
    });
    // Gather and scatter are each other's adjoints, so second derivatives work too.
    tf.registerGradient({
      kernelName: GATHER_ROWS,
      inputsToSave: ['x', 'indices'],
      gradFunc: (dy, saved, attrs) => {
        const [x, indices] = saved;
        const { axis } = attrs as { axis: number };
        return { x: () => tf.engine().runKernel(SCATTER_ROWS, { dy: dy as tf.Tensor, indices }, { axis, numRows: x.shape[axis] }) as tf.Tensor };
      },
    });
    tf.registerGradient({
      kernelName: SCATTER_ROWS,
      inputsToSave: ['indices'],
      gradFunc: (dy, saved, attrs) => {
        const [indices] = saved;
        const { axis } = attrs as { axis: number };
        return { dy: () => tf.engine().runKernel(GATHER_ROWS, { x: dy as tf.Tensor, indices }, { axis }) as tf.Tensor };
      },
    });
  }
}
