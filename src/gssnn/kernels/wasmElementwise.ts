/**
 * The wasm backend's float32 Sum and Mean, and its Add, Sub, Multiply and RealDiv of
 * operands of different shapes (broadcast), in the native addon where it is built
 * (native/openblas/elementwise.c): the same arithmetic, so the same bits. Measured on the
 * `small` preset's shapes: a reduction over other than the innermost axes, which wasm runs
 * after transposing its input, is 4-5x faster read in place; a broadcast product 2x; a
 * product of equal shapes runs at memory speed either way and stays with wasm (XNNPACK).
 * Its Transpose of 4-byte values too (transpose.c; data movement only): wasm's loops for rank
 * 5 and more are generic and slow, and the reference models' attention and pixel unshuffle
 * use them every step. Other dtypes, and every call while the native kernels are switched
 * off (`useNativeKernels`), go to the stock kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { nativeKernels } from './openblas.ts';
import { wrapKernel } from './register.ts';

interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.backend_util.TypedArray;
}

const BINARY_OPS = { [tf.Add]: 0, [tf.Sub]: 1, [tf.Multiply]: 2, [tf.RealDiv]: 3 } as const;

const rowMajorStrides = (shape: readonly number[]) => {
  const strides = new Array<number>(shape.length);
  for (let i = shape.length - 1, s = 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
};

/**
 * The output's dimensions and each operand's strides (0 where it is broadcast), with
 * neighbouring dimensions merged where both operands allow, so that the innermost loop is long.
 */
export function broadcastPlan(aShape: readonly number[], bShape: readonly number[]): { dims: number[]; stridesA: number[]; stridesB: number[] } {
  const out = tf.backend_util.assertAndGetBroadcastShape(aShape as number[], bShape as number[]);
  const operandStrides = (shape: readonly number[]) => {
    const padded = [...new Array<number>(out.length - shape.length).fill(1), ...shape];
    const strides = rowMajorStrides(padded);
    return padded.map((d, i) => (d === 1 && out[i] !== 1 ? 0 : strides[i]));
  };
  const sa = operandStrides(aShape);
  const sb = operandStrides(bShape);
  const dims: number[] = [];
  const stridesA: number[] = [];
  const stridesB: number[] = [];
  out.forEach((d, i) => {
    if (d === 1 && out.length > 1) return; // a unit dimension moves nothing
    const last = dims.length - 1;
    if (last >= 0 && stridesA[last] === sa[i] * d && stridesB[last] === sb[i] * d) {
      dims[last] *= d;
      stridesA[last] = sa[i];
      stridesB[last] = sb[i];
    } else {
      dims.push(d);
      stridesA.push(sa[i]);
      stridesB.push(sb[i]);
    }
  });
  if (dims.length === 0) return { dims: [1], stridesA: [0], stridesB: [0] };
  return { dims, stridesA, stridesB };
}

/** What a native call needs for one pair of shapes, computed once per pair (a step repeats its shapes). */
interface BinaryPlan {
  outShape: number[];
  dims: Float64Array;
  stridesA: Float64Array;
  stridesB: Float64Array;
}

interface ReducePlan {
  outShape: number[];
  keptDims: Float64Array;
  keptStrides: Float64Array;
  reducedDims: Float64Array;
  reducedStrides: Float64Array;
}

/** A small cache of plans by key, emptied when it grows past `limit` (shapes change rarely). */
function planCache<T>(limit = 512) {
  const plans = new Map<string, T>();
  return (key: string, make: () => T): T => {
    let plan = plans.get(key);
    if (!plan) {
      if (plans.size >= limit) plans.clear();
      plan = make();
      plans.set(key, plan);
    }
    return plan;
  };
}

interface TransposePlan {
  outShape: number[];
  dims: Float64Array;
  strides: Float64Array;
}

const binaryPlans = planCache<BinaryPlan | null>();
const reducePlans = planCache<ReducePlan>();
const transposePlans = planCache<TransposePlan>();

/**
 * The output's dimensions and, for each, its stride in the input, with unit dimensions
 * dropped and neighbours that stay neighbours merged (most transposes become rank 2 or 3).
 */
export function transposePlan(shape: readonly number[], perm: readonly number[]): TransposePlan {
  const inStrides = rowMajorStrides(shape);
  const dims: number[] = [];
  const strides: number[] = [];
  for (const axis of perm) {
    if (shape[axis] === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strides[last] === inStrides[axis] * shape[axis]) {
      dims[last] *= shape[axis];
      strides[last] = inStrides[axis];
    } else {
      dims.push(shape[axis]);
      strides.push(inStrides[axis]);
    }
  }
  if (dims.length === 0) dims.push(1), strides.push(1);
  return { outShape: perm.map((axis) => shape[axis]), dims: Float64Array.from(dims), strides: Float64Array.from(strides) };
}

function transposeKernel(stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const native = (x.dtype === 'float32' || x.dtype === 'int32') && x.shape.length <= 8 ? nativeKernels() : null;
    if (!native) return stock(args);
    const { perm } = args.attrs as unknown as { perm: number[] };
    const plan = transposePlans(`${x.shape}|${perm}`, () => transposePlan(x.shape, perm));
    const backend = args.backend as unknown as WasmHeapBackend;
    const out = backend.makeOutput(plan.outShape, x.dtype);
    if (tf.util.sizeFromShape(plan.outShape) === 0) return out;
    native.transpose(backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(out) as Float32Array, plan.dims, plan.strides);
    return out;
  };
}

function binaryKernel(op: number, stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const native = a.dtype === 'float32' && b.dtype === 'float32' && !tf.util.arraysEqual(a.shape, b.shape) ? nativeKernels() : null;
    const plan = native
      ? binaryPlans(`${a.shape}|${b.shape}`, () => {
          const { dims, stridesA, stridesB } = broadcastPlan(a.shape, b.shape);
          if (dims.length > 8) return null;
          const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
          return { outShape, dims: Float64Array.from(dims), stridesA: Float64Array.from(stridesA), stridesB: Float64Array.from(stridesB) };
        })
      : null;
    if (!native || !plan) return stock(args);
    const backend = args.backend as unknown as WasmHeapBackend;
    const out = backend.makeOutput(plan.outShape, 'float32');
    if (tf.util.sizeFromShape(plan.outShape) === 0) return out;
    const heap = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
    native.binaryOp(op, heap(a), heap(b), heap(out), plan.dims, plan.stridesA, plan.stridesB);
    return out;
  };
}

function reducePlan(shape: readonly number[], axis: number | number[], keepDims: boolean): ReducePlan {
  const axes = tf.util.parseAxisParam(axis, shape as number[]);
  const strides = rowMajorStrides(shape);
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const reduced = shape.map((_, i) => i).filter((i) => axes.includes(i));
  const pick = (of: readonly number[], at: number[]) => Float64Array.from(at.map((i) => of[i]));
  return {
    outShape: keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : kept.map((i) => shape[i]),
    keptDims: pick(shape, kept),
    keptStrides: pick(strides, kept),
    reducedDims: pick(shape, reduced),
    reducedStrides: pick(strides, reduced),
  };
}

function reduceKernel(mean: boolean, stock: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const native = x.dtype === 'float32' && x.shape.length <= 8 ? nativeKernels() : null;
    if (!native) return stock(args);
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const plan = reducePlans(`${x.shape}|${axis}|${keepDims}`, () => reducePlan(x.shape, axis, keepDims));
    const backend = args.backend as unknown as WasmHeapBackend;
    const out = backend.makeOutput(plan.outShape, 'float32');
    if (tf.util.sizeFromShape(x.shape) === 0) return out;
    const heap = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
    native.reduceSum(heap(x), heap(out), plan.keptDims, plan.keptStrides, plan.reducedDims, plan.reducedStrides, mean);
    return out;
  };
}

/** Installs the seven kernels on the wasm backend (idempotent; each falls back to the stock one). */
export function installWasmElementwise(): void {
  wrapKernel(tf.Transpose, 'wasm', transposeKernel);
  for (const [name, op] of Object.entries(BINARY_OPS)) wrapKernel(name, 'wasm', (stock) => binaryKernel(op, stock));
  wrapKernel(tf.Sum, 'wasm', (stock) => reduceKernel(false, stock));
  wrapKernel(tf.Mean, 'wasm', (stock) => reduceKernel(true, stock));
}
