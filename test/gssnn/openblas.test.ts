/**
 * The OpenBLAS addon (native/openblas) against a float64 loop: batched, broadcast and
 * transposed products of any small shape, including empty ones; its row gather and scatter
 * and its Adam equal the JavaScript kernels bit for bit, its ordered products wasm's XNNPACK
 * products and wasm's own loop for tiny products, and its elementwise kernels and transposes wasm's (and
 * training with them equals training without); bad arguments
 * are refused with an error instead of reading past an array. Switching between `wasm` and
 * `wasm-openblas` swaps the product kernel both ways.
 */
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/gssnn/backend.ts';
import { loadOpenBlas, useNativeKernels } from '../../src/gssnn/kernels/openblas.ts';
import { gatherRowsInto, scatterRowsInto } from '../../src/gssnn/kernels/segment.ts';
import { specFor } from '../../src/gssnn/models/index.ts';
import { starGraph } from '../../src/gssnn/models/wiring.ts';
import { adamUpdate } from '../../src/gssnn/population/adam.ts';
import { dropoutBlock, fillDropoutBlocks } from '../../src/gssnn/population/dropoutMasks.ts';
import { trainPopulation } from '../../src/gssnn/population/trainer.ts';
import { PRESETS, scheduleFor } from '../../src/gssnn/presets.ts';
import { Random } from '../../src/util/random.ts';
import { blobs } from '../gssnn-models/helpers.ts';
import { OPENBLAS } from '../helpers/backends.ts';

interface Case {
  batch: number;
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
  broadcastA: boolean;
  broadcastB: boolean;
}

/** C_i = op(A_i) op(B_i) in float64, straight from the definition. */
function reference(a: Float32Array, b: Float32Array, c: Case): Float64Array {
  const { batch, m, n, k } = c;
  const out = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    const offA = c.broadcastA ? 0 : t * m * k;
    const offB = c.broadcastB ? 0 : t * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[offA + (c.transposeA ? p * m + i : i * k + p)] * b[offB + (c.transposeB ? j * k + p : p * n + j)];
        out[(t * m + i) * n + j] = s;
      }
    }
  }
  return out;
}

const cases = fc.record({
  batch: fc.integer({ min: 0, max: 4 }),
  m: fc.integer({ min: 0, max: 9 }),
  n: fc.integer({ min: 0, max: 9 }),
  k: fc.integer({ min: 0, max: 40 }),
  transposeA: fc.boolean(),
  transposeB: fc.boolean(),
  broadcastA: fc.boolean(),
  broadcastB: fc.boolean(),
});

/** Runs `run` with the native kernels and again without them, and expects the same result. */
function expectNativeUnchanged<T>(run: () => T): void {
  const native = run();
  useNativeKernels(false);
  try {
    expect(native).toEqual(run());
  } finally {
    useNativeKernels(true);
  }
}

/** Values of many magnitudes and zeros of both signs, so that the order of a sum shows in its bits. */
function spreadValues(seed: number): (count: number) => Float32Array {
  const rng = new Random(seed);
  const next = () => rng.next();
  return (count) => Float32Array.from({ length: count }, () => (next() < 0.05 ? (next() < 0.5 ? 0 : -0) : (next() - 0.5) * 10 ** Math.floor(next() * 8 - 4)));
}

/** tf.matMul of random operands of these shapes is the same with the native kernels as without. */
function expectProductUnchanged(seed: number, aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean): void {
  const values = spreadValues(seed);
  const a = tf.tensor(values(tf.util.sizeFromShape(aShape)), aShape);
  const b = tf.tensor(values(tf.util.sizeFromShape(bShape)), bShape);
  try {
    expectNativeUnchanged(() => tf.tidy(() => tf.matMul(a, b, transposeA, transposeB).dataSync().slice()));
  } finally {
    tf.dispose([a, b]);
  }
}

describe('the OpenBLAS addon', () => {
  it('is built where CI requires it', () => {
    if (!process.env.SYNTH_REQUIRE_OPENBLAS) return;
    expect(() => loadOpenBlas()).not.toThrow();
  });

  it.skipIf(!OPENBLAS)('sgemmBatch equals a float64 loop for batched, broadcast, transposed and empty products', () => {
    const blas = loadOpenBlas();
    fc.assert(
      fc.property(cases, fc.integer(), (c, seed) => {
        const rng = new Random(seed);
        const next = () => rng.uniform(-1, 1);
        const a = Float32Array.from({ length: (c.broadcastA ? 1 : c.batch) * c.m * c.k }, next);
        const b = Float32Array.from({ length: (c.broadcastB ? 1 : c.batch) * c.k * c.n }, next);
        const out = new Float32Array(c.batch * c.m * c.n).fill(Number.NaN);
        blas.sgemmBatch(a, b, out, c.batch, c.m, c.n, c.k, c.transposeA, c.transposeB, c.broadcastA ? 0 : c.m * c.k, c.broadcastB ? 0 : c.k * c.n);
        const want = reference(a, b, c);
        want.forEach((w, i) => expect(Math.abs(out[i] - w)).toBeLessThanOrEqual(1e-5 * (1 + c.k)));
      }),
      { numRuns: 300 },
    );
  });

  it.skipIf(!OPENBLAS)('gathers and scatters rows bit for bit as the JavaScript kernels do', () => {
    const blas = loadOpenBlas();
    const rowCase = fc.record({ outer: fc.integer({ min: 0, max: 3 }), rows: fc.integer({ min: 1, max: 6 }), inner: fc.integer({ min: 0, max: 5 }), count: fc.integer({ min: 0, max: 12 }) });
    fc.assert(
      fc.property(rowCase, fc.integer(), ({ outer, rows, inner, count }, seed) => {
        const rng = new Random(seed);
        const next = () => rng.next();
        // Values of many magnitudes, so that the order of a sum shows in its bits.
        const values = (n: number) => Float32Array.from({ length: n }, () => (next() - 0.5) * 10 ** Math.floor(next() * 12 - 6));
        const ids = Int32Array.from({ length: count }, () => Math.floor(next() * rows));
        const x = values(outer * rows * inner);
        const gathered = new Float32Array(outer * count * inner);
        blas.gatherRows(x, ids, gathered, outer, rows, inner);
        expect(gathered).toEqual(gatherRowsInto(x, ids, outer, rows, inner, new Float32Array(gathered.length)));
        const dy = values(outer * count * inner);
        const scattered = new Float32Array(outer * rows * inner).fill(Number.NaN);
        blas.scatterRows(dy, ids, scattered, outer, rows, inner);
        expect(scattered).toEqual(scatterRowsInto(dy, ids, outer, rows, inner, new Float32Array(scattered.length)));
      }),
      { numRuns: 300 },
    );
  });

  it.skipIf(!OPENBLAS)("updates Adam's weights and moments bit for bit as the JavaScript loop does", () => {
    const blas = loadOpenBlas();
    const adamCase = fc.record({ members: fc.integer({ min: 1, max: 4 }), per: fc.integer({ min: 0, max: 30 }), step: fc.integer({ min: 1, max: 500 }), lr: fc.double({ min: 1e-5, max: 0.1, noNaN: true }) });
    fc.assert(
      fc.property(adamCase, fc.integer(), ({ members, per, step, lr }, seed) => {
        const rng = new Random(seed);
        const next = () => rng.next();
        const values = (n: number, scale: () => number) => Float32Array.from({ length: n }, () => (next() - 0.5) * scale());
        const n = members * per;
        const wide = () => 10 ** Math.floor(next() * 10 - 7);
        const [p, g, m] = [values(n, () => 1), values(n, wide), values(n, wide)];
        const v = values(n, wide).map(Math.abs);
        // Some members sit the step out (diverged): their values are copied.
        const factors = Float32Array.from({ length: 3 * members }, (_, i) => [lr / (1 - 0.9 ** step), Math.sqrt(1 - 0.999 ** step), next() < 0.8 ? 1 : 0][i % 3]);
        const constants = Float32Array.of(0.9, 1 - 0.9, 0.999, 1 - 0.999, 1e-8);
        const outs = () => [new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const;
        const native = outs();
        const script = outs();
        blas.adamUpdate(p, g, m, v, factors, ...native, members, constants);
        adamUpdate(p, g, m, v, factors, ...script, members, constants);
        native.forEach((out, i) => expect(out).toEqual(script[i]));
      }),
      { numRuns: 300 },
    );
  });

  it.skipIf(!OPENBLAS)('draws dropout multipliers bit for bit as the JavaScript generator does, many blocks side by side', () => {
    const layout = fc.record({
      members: fc.integer({ min: 1, max: 5 }),
      batch: fc.integer({ min: 0, max: 4 }),
      rowsMax: fc.integer({ min: 1, max: 6 }),
      width: fc.integer({ min: 0, max: 9 }),
      masks: fc.integer({ min: 1, max: 4 }),
      rate: fc.double({ min: 0.01, max: 0.9, noNaN: true }),
    });
    fc.assert(
      fc.property(layout, fc.integer(), ({ members, batch, rowsMax, width, masks, rate }, seed) => {
        const shape = { batch, rowsMax, width };
        const size = members * batch * rowsMax * width;
        // Members with fewer rows than the padded maximum leave padding cells untouched (NaN).
        const blocks = (streams: Random[]) =>
          Array.from({ length: masks }, (_, i) =>
            streams.map((stream, k) => dropoutBlock(k, { ...shape, rows: 1 + ((k + i) % rowsMax) }, stream, i * size)),
          ).flat();
        const fill = () => {
          const streams = Array.from({ length: members }, (_, k) => new Random(seed + k));
          const out = new Float32Array(masks * size).fill(Number.NaN);
          fillDropoutBlocks(out, blocks(streams), rate);
          return out;
        };
        expectNativeUnchanged(fill);
      }),
      { numRuns: 200 },
    );
  });

  it.skipIf(!OPENBLAS)("computes wasm's ordinary (XNNPACK) products to the same bits, transposed and broadcast operands included", async () => {
    await initBackend('wasm');
    const shapes = fc.record({
      batch: fc.integer({ min: 1, max: 4 }),
      broadcast: fc.constantFrom('none', 'a', 'b'),
      m: fc.integer({ min: 1, max: 40 }),
      k: fc.integer({ min: 1, max: 700 }),
      n: fc.integer({ min: 1, max: 40 }),
      transposeA: fc.boolean(),
      transposeB: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(shapes, fc.integer(), async ({ batch, broadcast, m, k, n, transposeA, transposeB }, seed) => {
        const batchA = broadcast === 'a' ? 1 : batch;
        const batchB = broadcast === 'b' ? 1 : batch;
        expectProductUnchanged(seed, transposeA ? [batchA, k, m] : [batchA, m, k], transposeB ? [batchB, n, k] : [batchB, k, n], transposeA, transposeB);
      }),
      { numRuns: 150 },
    );
  });

  it.skipIf(!OPENBLAS)("computes wasm's Add, Sub, Multiply, RealDiv, Sum and Mean to the same bits, broadcast and on any axes", async () => {
    await initBackend('wasm');
    const cases = fc
      .array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 5 })
      .chain((shape) =>
        fc.record({
          shape: fc.constant(shape),
          // The other operand: some trailing dimensions of the shape, each possibly 1 (broadcast).
          other: fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }).chain((ones) =>
            fc.integer({ min: 0, max: shape.length }).map((drop) => shape.map((d, i) => (ones[i] ? 1 : d)).slice(drop)),
          ),
          swap: fc.boolean(),
          axes: fc.subarray(shape.map((_, i) => i)),
          keepDims: fc.boolean(),
          seed: fc.integer(),
        }),
      );
    await fc.assert(
      fc.asyncProperty(cases, async ({ shape, other, swap, axes, keepDims, seed }) => {
        const values = spreadValues(seed);
        const x = tf.tensor(values(tf.util.sizeFromShape(shape)), shape);
        const y = tf.tensor(values(tf.util.sizeFromShape(other)), other);
        const [a, b] = swap ? [y, x] : [x, y];
        const run = () =>
          tf.tidy(() =>
            [tf.add(a, b), tf.sub(a, b), tf.mul(a, b), tf.div(a, b), tf.sum(x, axes, keepDims), tf.mean(x, axes.length ? axes : undefined, keepDims)].map((t) => ({
              shape: t.shape,
              values: t.dataSync().slice(),
            })),
          );
        try {
          expectNativeUnchanged(run);
        } finally {
          tf.dispose([x, y]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it.skipIf(!OPENBLAS)("transposes as wasm's kernel does, any rank up to 6, float32 and int32", async () => {
    await initBackend('wasm');
    const cases = fc
      .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 6 })
      .chain((shape) => fc.record({ shape: fc.constant(shape), perm: fc.shuffledSubarray(shape.map((_, i) => i), { minLength: shape.length }), int: fc.boolean(), seed: fc.integer() }));
    fc.assert(
      fc.property(cases, ({ shape, perm, int, seed }) => {
        const values = spreadValues(seed)(tf.util.sizeFromShape(shape));
        const x = int ? tf.tensor(Int32Array.from(values, (v) => Math.round(v * 1e4)), shape, 'int32') : tf.tensor(values, shape);
        try {
          expectNativeUnchanged(() =>
            tf.tidy(() => {
              const y = tf.transpose(x, perm);
              return { shape: y.shape, values: y.dataSync().slice() };
            }),
          );
        } finally {
          x.dispose();
        }
      }),
      { numRuns: 300 },
    );
  });

  it.skipIf(!OPENBLAS)("computes wasm's batches of tiny products (attention's) to the same bits as the backend's own loop", async () => {
    await initBackend('wasm');
    const shapes = fc.record({
      rows: fc.integer({ min: 1, max: 3 }),
      heads: fc.integer({ min: 1, max: 3 }),
      m: fc.integer({ min: 1, max: 20 }),
      k: fc.integer({ min: 1, max: 110 }),
      n: fc.integer({ min: 1, max: 60 }),
      transposeA: fc.boolean(),
      transposeB: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(shapes, fc.integer(), async ({ rows, heads, m, k, n, transposeA, transposeB }, seed) => {
        fc.pre(rows * heads > 1 && m * k * n < 32768);
        expectProductUnchanged(seed, transposeA ? [rows, heads, k, m] : [rows, heads, m, k], transposeB ? [rows, heads, n, k] : [rows, heads, k, n], transposeA, transposeB);
      }),
      { numRuns: 150 },
    );
  });

  it.skipIf(!OPENBLAS)('trains a population to the same bits with the native kernels as without', async () => {
    await initBackend('wasm');
    const data = blobs(2);
    const members = [0, 1].map((k) => ({
      spec: specFor({ kind: 'gssnn', preset: PRESETS.tiny, inputShape: data.inputShape, numClasses: data.numClasses, graph: starGraph(3 + k), seed: 7 + k }),
      data,
      config: { ...scheduleFor(PRESETS.tiny, 2), seed: 7 + k },
    }));
    const weights = () =>
      trainPopulation(members).map(({ model }) => {
        const w = model.variables.map((v) => Array.from(v.dataSync()));
        model.dispose();
        return w;
      });
    expectNativeUnchanged(weights);
  });

  it.skipIf(!OPENBLAS)('refuses arrays of another type or too short for the shapes', () => {
    const blas = loadOpenBlas();
    const four = new Float32Array(4);
    expect(() => blas.sgemmBatch(new Float64Array(4) as unknown as Float32Array, four, four, 1, 2, 2, 2, false, false, 4, 4)).toThrow(/Float32Arrays/);
    expect(() => blas.sgemmBatch(four, four, four, 2, 2, 2, 2, false, false, 4, 4)).toThrow(/do not fit/);
    expect(() => blas.sgemmBatch(four, four, new Float32Array(3), 1, 2, 2, 2, false, false, 4, 4)).toThrow(/do not fit/);
    expect(() => (blas.sgemmBatch as unknown as (...args: unknown[]) => void)(four, four, four)).toThrow(/11 arguments/);
    expect(() => blas.orderedBatchMatmul(four, four, four, 2, 2, 2, 2, false, true, 4, 4, 0)).toThrow(/do not fit/);
    const dims = (...d: number[]) => Float64Array.from(d);
    expect(() => blas.binaryOp(0, four, four, four, dims(2, 3), dims(3, 1), dims(3, 1))).toThrow(/do not fit/);
    expect(() => blas.binaryOp(4, four, four, four, dims(4), dims(1), dims(1))).toThrow(/op must be/);
    expect(() => blas.binaryOp(0, four, four, four, dims(4), dims(1), dims(1, 1))).toThrow(/same length/);
    expect(() => blas.binaryOp(0, four, four, four, dims(4.5), dims(1), dims(1))).toThrow(/non-negative integers/);
    expect(() => blas.reduceSum(four, four, dims(4), dims(1), dims(2), dims(4), false)).toThrow(/do not fit/);
    expect(() => blas.reduceSum(four, four, dims(4), dims(1, 1), dims(), dims(), false)).toThrow(/one stride/);
    expect(() => blas.transpose(four, four, dims(2, 3), dims(1, 2))).toThrow(/do not fit/);
    expect(() => blas.transpose(four, four, dims(2, 2), dims(1))).toThrow(/equal length/);
    expect(() => blas.transpose(new Float64Array(4) as unknown as Float32Array, four, dims(4), dims(1))).toThrow(/Float32Arrays or Int32Arrays/);
    expect(() => blas.orderedBatchMatmul(four, four, four, 1, 2, 2, -2, false, false, 4, 4, 0)).toThrow(/non-negative/);
    expect(() => blas.orderedBatchMatmul(four, four, four, 1, 2, 2, 2, false, false, 4, 4, -1)).toThrow(/non-negative/);
    expect(() => blas.orderedBatchMatmul(four, four, four, 1, 2, 2, 2, 0 as unknown as boolean, false, 4, 4, 0)).toThrow(/booleans/);
    expect(() => blas.orderedBatchMatmul(four, new Int32Array(4) as unknown as Float32Array, four, 1, 2, 2, 2, false, false, 4, 4, 0)).toThrow(/Float32Arrays/);
    expect(() => (blas.orderedBatchMatmul as unknown as (...args: unknown[]) => void)(four, four, four)).toThrow(/12 arguments/);
    expect(() => (blas.adamUpdate as unknown as (...args: unknown[]) => void)(four)).toThrow(/10 arguments/);
    const state = new Float64Array(4);
    expect(() => blas.aleaDropout(four, state, Float64Array.of(1, 1, 0, 4), 0.5, 2)).toThrow(/do not fit/);
    expect(() => blas.aleaDropout(four, state, Float64Array.of(0, 2, -1, 2), 0.5, 2)).toThrow(/non-negative/);
    expect(() => blas.aleaDropout(four, new Float64Array(3), new Float64Array(3), 0.5, 2)).toThrow(/4 values per block/);
    expect(() => blas.aleaDropout(four, new Float32Array(4) as unknown as Float64Array, Float64Array.of(0, 1, 0, 4), 0.5, 2)).toThrow(/Float64Arrays/);
    const ids = Int32Array.of(0, 1);
    expect(() => blas.gatherRows(four, Int32Array.of(0, 2), four, 1, 2, 2)).toThrow(/outside \[0, rows\)/);
    expect(() => blas.gatherRows(four, Float32Array.of(0, 1) as unknown as Int32Array, four, 1, 2, 2)).toThrow(/Int32Array/);
    expect(() => blas.gatherRows(four, ids, new Float32Array(3), 1, 2, 2)).toThrow(/do not fit/);
    expect(() => blas.scatterRows(four, ids, four, 2, 2, 2)).toThrow(/do not fit/);
    expect(() => blas.scatterRows(four, ids, four, 1, 2, -1)).toThrow(/non-negative/);
    const constants = new Float32Array(5);
    expect(() => blas.adamUpdate(four, four, four, four, new Float32Array(3), four, four, new Float32Array(3), 1, constants)).toThrow(/equal lengths/);
    expect(() => blas.adamUpdate(four, four, four, four, new Float32Array(6), four, four, four, 1, constants)).toThrow(/\[members, 3\]/);
    expect(() => blas.adamUpdate(four, four, four, four, new Float32Array(3), four, four, four, 1, new Float32Array(4))).toThrow(/constants/);
  });

  it.skipIf(!OPENBLAS)('backs BatchMatMul on wasm-openblas only, and switching back restores the wasm kernel', async () => {
    await initBackend('wasm');
    const a = tf.tensor3d(Float32Array.from({ length: 2 * 30 * 50 }, (_, i) => Math.sin(i)), [2, 30, 50]);
    const b = tf.tensor3d(Float32Array.from({ length: 2 * 50 * 20 }, (_, i) => Math.cos(i)), [2, 50, 20]);
    const product = () => tf.tidy(() => Array.from(tf.matMul(a, b).dataSync()));
    try {
      const xnnpack = tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc;
      const before = product();
      const info = await initBackend('wasm-openblas');
      expect(info.details.openblas).toMatch(/OpenBLAS/);
      expect(tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc).not.toBe(xnnpack);
      const blas = product();
      blas.forEach((v, i) => expect(v).toBeCloseTo(before[i], 4));
      await initBackend('wasm');
      expect(tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc).toBe(xnnpack);
      expect(product()).toEqual(before);
    } finally {
      tf.dispose([a, b]);
    }
  });
});
