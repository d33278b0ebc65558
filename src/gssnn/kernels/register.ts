/**
 * Registers our segment kernels with tfjs:
 * - `UnsortedSegmentSum` for cpu and wasm, linear in rows x width (the stock cpu kernel is
 *   O(segments x rows x width); wasm has none at all). Its gradient (a gather) is tfjs's own.
 * - `SegmentMaxArg` (outputs: max `[numSegments, ...]` and the int32 winning row per cell)
 *   and `SegmentMaxGrad` (scatters dy back to the winning rows), for cpu, wasm and the
 *   native `tensorflow` backend, with the gradient of `SegmentMaxArg` registered here.
 * Idempotent; `initBackend` calls it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gatherRowsInto, scatterRowsInto, segmentMaxGradInto, segmentMaxInto, segmentSumInto } from './segment.ts';

export const SEGMENT_MAX_ARG = 'SegmentMaxArg';
export const SEGMENT_MAX_GRAD = 'SegmentMaxGrad';
/** x `[..., rows, ...]` -> `[..., ids.length, ...]` along `axis` (attrs: axis). */
export const GATHER_ROWS = 'GatherRows';
/** dy `[..., m, ...]` -> `[..., numRows, ...]`, summing rows with equal ids (attrs: axis, numRows). */
export const SCATTER_ROWS = 'ScatterRows';

/** The slice of a tfjs backend our kernels touch: read input data, allocate outputs. */
interface KernelBackendLike {
  readSync(dataId: tf.TensorInfo['dataId']): tf.backend_util.BackendValues;
  makeTensorInfo?(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo;
  makeOutput?(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap?(info: tf.TensorInfo): tf.backend_util.TypedArray;
}

function read(backend: KernelBackendLike, info: tf.TensorInfo): ArrayLike<number> {
  return backend.readSync(info.dataId) as ArrayLike<number>;
}

/** Writes a finished typed array as a new tensor of the backend. */
function output(backend: KernelBackendLike, shape: number[], dtype: tf.DataType, values: Float32Array | Int32Array): tf.TensorInfo {
  if (backend.makeOutput && backend.typedArrayFromHeap) {
    // wasm: tensors live on the module heap, so copy into a freshly allocated slot.
    const info = backend.makeOutput(shape, dtype);
    backend.typedArrayFromHeap(info).set(values);
    return info;
  }
  if (!backend.makeTensorInfo) throw new Error('segment kernels: backend can neither makeOutput nor makeTensorInfo');
  return backend.makeTensorInfo(shape, dtype, values);
}

function rowWidth(shape: number[]): number {
  let width = 1;
  for (let i = 1; i < shape.length; i++) width *= shape[i];
  return width;
}

const segmentSumKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const be = backend as KernelBackendLike;
  if (segmentIds.shape.length !== 1) {
    throw new Error(`UnsortedSegmentSum: segmentIds must be rank 1 (one id per row of x), got shape [${segmentIds.shape}]`);
  }
  const width = rowWidth(x.shape);
  const out = new Float32Array(numSegments * width);
  segmentSumInto(read(be, x), read(be, segmentIds), width, numSegments, out);
  return output(be, [numSegments, ...x.shape.slice(1)], 'float32', out);
};

const segmentMaxArgKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const be = backend as KernelBackendLike;
  const width = rowWidth(x.shape);
  const max = new Float32Array(numSegments * width);
  const argmax = new Int32Array(numSegments * width);
  segmentMaxInto(read(be, x), read(be, segmentIds), width, numSegments, max, argmax);
  const shape = [numSegments, ...x.shape.slice(1)];
  return [output(be, shape, 'float32', max), output(be, shape, 'int32', argmax)];
};

const segmentMaxGradKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, argmax } = inputs as { dy: tf.TensorInfo; argmax: tf.TensorInfo };
  const numRows = (attrs as { numRows: number }).numRows;
  const be = backend as KernelBackendLike;
  const width = rowWidth(dy.shape);
  const out = new Float32Array(numRows * width);
  segmentMaxGradInto(read(be, dy), read(be, argmax), width, out);
  return output(be, [numRows, ...dy.shape.slice(1)], 'float32', out);
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
  const be = backend as KernelBackendLike;
  const [outer, rows, inner] = around(x.shape, axis);
  const ids = read(be, indices);
  const m = ids.length;
  const out = new Float32Array(outer * m * inner);
  const values = read(be, x);
  gatherRowsInto(values instanceof Float32Array ? values : Float32Array.from(values), ids, outer, rows, inner, out);
  const shape = x.shape.slice();
  shape[axis] = m;
  return output(be, shape, 'float32', out);
};

const scatterRowsKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, indices } = inputs as { dy: tf.TensorInfo; indices: tf.TensorInfo };
  const { axis, numRows } = attrs as { axis: number; numRows: number };
  const be = backend as KernelBackendLike;
  const [outer, , inner] = around(dy.shape, axis);
  const out = new Float32Array(outer * numRows * inner);
  scatterRowsInto(read(be, dy), read(be, indices), outer, numRows, inner, out);
  const shape = dy.shape.slice();
  shape[axis] = numRows;
  return output(be, shape, 'float32', out);
};

let gradientRegistered = false;

/** Makes `kernelFunc` the kernel for (kernelName, backendName), replacing any other. */
function install(kernelName: string, backendName: string, kernelFunc: tf.KernelFunc): void {
  const current = tf.getKernel(kernelName, backendName);
  if (current?.kernelFunc === kernelFunc) return;
  if (current) tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ kernelName, backendName, kernelFunc });
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
