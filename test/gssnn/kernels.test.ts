/** The registered segment kernels equal plain loops on random inputs, on cpu and on wasm. */
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BackendName, initBackend } from '../../src/gssnn/backend.ts';
import { gatherRows, segmentMax, segmentMean, segmentSoftmax, segmentSum } from '../../src/gssnn/kernels/ops.ts';

interface Case {
  rows: number;
  width: number;
  numSegments: number;
  ids: number[];
  values: number[];
}

/** Rows of random values with segment ids in [-1, numSegments) (negative ids are dropped, as in TensorFlow). */
const caseArb: fc.Arbitrary<Case> = fc
  .record({ rows: fc.integer({ min: 0, max: 12 }), width: fc.integer({ min: 1, max: 4 }), numSegments: fc.integer({ min: 1, max: 5 }) })
  .chain(({ rows, width, numSegments }) =>
    fc.record({
      rows: fc.constant(rows),
      width: fc.constant(width),
      numSegments: fc.constant(numSegments),
      ids: fc.array(fc.integer({ min: -1, max: numSegments - 1 }), { minLength: rows, maxLength: rows }),
      values: fc.array(fc.float({ min: -8, max: 8, noNaN: true, noDefaultInfinity: true }), { minLength: rows * width, maxLength: rows * width }),
    }),
  );

function reference(c: Case, how: 'sum' | 'max' | 'mean'): number[] {
  const out: number[] = [];
  for (let s = 0; s < c.numSegments; s++) {
    for (let k = 0; k < c.width; k++) {
      const members = c.ids.flatMap((id, r) => (id === s ? [c.values[r * c.width + k]] : []));
      if (members.length === 0) out.push(0);
      else if (how === 'sum') out.push(members.reduce((a, b) => a + b, 0));
      else if (how === 'mean') out.push(members.reduce((a, b) => a + b, 0) / members.length);
      else out.push(Math.max(...members));
    }
  }
  return out;
}

function softmaxReference(c: Case): number[] {
  const out = new Array<number>(c.rows * c.width).fill(0);
  for (let r = 0; r < c.rows; r++) {
    const s = c.ids[r];
    for (let k = 0; k < c.width; k++) {
      const peers = c.ids.flatMap((id, q) => (id === s ? [c.values[q * c.width + k]] : []));
      const top = Math.max(...peers);
      const total = peers.reduce((a, v) => a + Math.exp(v - top), 0);
      out[r * c.width + k] = Math.exp(c.values[r * c.width + k] - top) / total;
    }
  }
  return out;
}

function expectNear(actual: ArrayLike<number>, expected: number[], tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(tolerance * (1 + Math.abs(expected[i])));
}

describe.each(['cpu', 'wasm'] as BackendName[])('segment kernels on %s', (backend) => {
  const run = <T>(c: Case, f: (x: tf.Tensor2D, ids: tf.Tensor1D) => T): T => {
    let result: T | undefined;
    tf.tidy(() => {
      result = f(tf.tensor2d(c.values, [c.rows, c.width]), tf.tensor1d(c.ids, 'int32'));
    });
    return result as T;
  };

  it('sum, mean and max equal plain loops', async () => {
    await initBackend(backend);
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(caseArb, (c) => {
        expectNear(run(c, (x, ids) => segmentSum(x, ids, c.numSegments).dataSync()), reference(c, 'sum'));
        expectNear(run(c, (x, ids) => segmentMax(x, ids, c.numSegments).dataSync()), reference(c, 'max'));
        const valid = c.ids.map((id) => (id >= 0 && id < c.numSegments ? id : -1));
        // Mean takes in-range ids only (counts of dropped rows are meaningless).
        const cleaned = { ...c, ids: valid.map((id) => (id < 0 ? 0 : id)) };
        expectNear(run(cleaned, (x, ids) => segmentMean(x, ids, c.numSegments).dataSync()), reference(cleaned, 'mean'));
      }),
      { numRuns: 60, seed: 21 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('segment softmax equals a plain loop and its segments sum to 1', async () => {
    await initBackend(backend);
    fc.assert(
      fc.property(caseArb, (c) => {
        const inRange = { ...c, ids: c.ids.map((id) => Math.min(Math.max(id, 0), c.numSegments - 1)) };
        expectNear(run(inRange, (x, ids) => segmentSoftmax(x, ids, c.numSegments).dataSync()), softmaxReference(inRange));
      }),
      { numRuns: 40, seed: 22 },
    );
  });

  it('gradients: sum gathers dy, max routes dy to the winning row', async () => {
    await initBackend(backend);
    fc.assert(
      fc.property(caseArb, fc.integer(), (c, seed) => {
        const dy = Array.from({ length: c.numSegments * c.width }, (_, i) => Math.sin(seed + i));
        const grads = run(c, (x, ids) => {
          const upstream = tf.tensor2d(dy, [c.numSegments, c.width]);
          const gSum = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(segmentSum(t, ids, c.numSegments), upstream)))(x);
          const gMax = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(segmentMax(t, ids, c.numSegments), upstream)))(x);
          return [gSum.dataSync(), gMax.dataSync()];
        });
        const expectedSum: number[] = [];
        const expectedMax = new Array<number>(c.rows * c.width).fill(0);
        for (let r = 0; r < c.rows; r++) {
          for (let k = 0; k < c.width; k++) {
            const s = c.ids[r];
            expectedSum.push(s >= 0 && s < c.numSegments ? dy[s * c.width + k] : 0);
          }
        }
        for (let s = 0; s < c.numSegments; s++) {
          for (let k = 0; k < c.width; k++) {
            let best = -1;
            c.ids.forEach((id, r) => {
              if (id === s && (best < 0 || c.values[r * c.width + k] > c.values[best * c.width + k])) best = r;
            });
            if (best >= 0) expectedMax[best * c.width + k] += dy[s * c.width + k];
          }
        }
        expectNear(grads[0], expectedSum);
        expectNear(grads[1], expectedMax);
      }),
      { numRuns: 40, seed: 23 },
    );
  });

  it('row gather equals tf.gather along any axis, and its gradient sums rows back', async () => {
    await initBackend(backend);
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 })),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.integer(),
        ([outer, rows, inner, axis], picks, seed) => {
          const shape = [outer, rows, inner];
          const ids = picks.map((p) => p % shape[axis]);
          const values = Array.from({ length: outer * rows * inner }, (_, i) => Math.cos(seed + i));
          const [ours, stock, gradOurs, gradStock] = tf.tidy(() => {
            const x = tf.tensor3d(values, [outer, rows, inner]);
            const idx = tf.tensor1d(ids, 'int32');
            const weights = tf.randomNormal([...shape.slice(0, axis), ids.length, ...shape.slice(axis + 1)], 0, 1, 'float32', 5);
            const g1 = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gatherRows(t, idx, axis), weights)))(x);
            const g2 = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, idx, axis), weights)))(x);
            return [gatherRows(x, idx, axis).dataSync(), tf.gather(x, idx, axis).dataSync(), g1.dataSync(), g2.dataSync()];
          });
          expectNear(ours, Array.from(stock));
          expectNear(gradOurs, Array.from(gradStock));
        },
      ),
      { numRuns: 40, seed: 24 },
    );
  });

  it('handles a realistic size in one pass (rows x width work, not segments x rows x width)', async () => {
    await initBackend(backend);
    // 20k edges x 64 features into 5k nodes: the stock cpu kernel would do 6.4e9 steps.
    const rows = 20000;
    const ids = Int32Array.from({ length: rows }, (_, r) => (r * 7919) % 5000);
    const out = tf.tidy(() => segmentSum(tf.ones([rows, 64]), tf.tensor1d(ids, 'int32'), 5000).dataSync() as Float32Array);
    expect(out.reduce((a, b) => a + b, 0)).toBe(rows * 64);
  });
});
