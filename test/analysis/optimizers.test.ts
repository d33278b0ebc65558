import * as tf from '@tensorflow/tfjs-core';
import { fc, test as fcTest } from '@fast-check/vitest';
import { beforeAll, describe, expect, test } from 'vitest';
import { flattenVariables } from '../../src/analysis/params.ts';
import { type IndexedBatch, M3, medianOfThree, Rm3, Saf, Sam, Sgd, softenedKl, type UpdateRule, WinsorizedGd, winsorizedMean } from '../../src/analysis/optimizers.ts';
import { Random } from '../../src/util/random.ts';
import { randomBatch, tinyMlp, useCpu } from './helpers.ts';

beforeAll(useCpu);

function indexed(seed: number, n: number): IndexedBatch {
  const b = randomBatch(seed, n, 4, 3);
  return { ...b, indices: Int32Array.from({ length: n }, (_, i) => i) };
}

/** Weights after `steps` steps of `rule` from the same initialization and batches. */
function weightsAfter(rule: UpdateRule, seed: number, steps = 3, n = 8): Float64Array {
  const model = tinyMlp(seed, 4, [5], 3);
  for (let s = 0; s < steps; s++) {
    const batch = indexed(seed + 100 + s, n);
    rule.step(model, batch, s);
    tf.dispose([batch.x, batch.y]);
  }
  const w = flattenVariables(model.variables);
  model.dispose();
  return w;
}

function expectClose(a: Float64Array, b: Float64Array, digits = 5): void {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(x).toBeCloseTo(b[i], digits));
}

describe('winsorized GD', () => {
  fcTest.prop([fc.integer({ min: 0, max: 1e6 })], { numRuns: 5 })('c = 0 takes exactly the SGD steps', (seed) => {
    expectClose(weightsAfter(new WinsorizedGd(0.1, 0), seed), weightsAfter(new Sgd(0.1), seed));
  });

  fcTest.prop([fc.integer({ min: 3, max: 9 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 1e6 })])(
    'clips each coordinate to its (c+1)-th smallest and largest values',
    (n, size, c, seed) => {
      fc.pre(2 * c < n);
      const rng = new Random(seed);
      const data = Float32Array.from({ length: n * size }, () => rng.normal());
      const got = tf.tidy(() => winsorizedMean(tf.tensor2d(data, [n, size]), c).dataSync());
      for (let j = 0; j < size; j++) {
        const column = Array.from({ length: n }, (_, i) => data[i * size + j]).sort((a, b) => a - b);
        const lo = column[c];
        const hi = column[n - 1 - c];
        const expected = column.reduce((s, x) => s + Math.min(Math.max(x, lo), hi), 0) / n;
        expect(got[j]).toBeCloseTo(expected, 5);
      }
    },
  );

  test('rejects a level that clips everything', () => {
    expect(() => tf.tidy(() => winsorizedMean(tf.zeros([4, 2]) as tf.Tensor2D, 2))).toThrow(/2c < batch size 4/);
  });
});

describe('median rules', () => {
  fcTest.prop([fc.array(fc.tuple(fc.double({ min: -9, max: 9, noNaN: true }), fc.double({ min: -9, max: 9, noNaN: true }), fc.double({ min: -9, max: 9, noNaN: true })), { minLength: 1, maxLength: 10 })])(
    'medianOfThree is the middle value',
    (triples) => {
      const got = tf.tidy(() => medianOfThree(...([0, 1, 2].map((k) => tf.tensor1d(triples.map((t) => t[k]))) as [tf.Tensor, tf.Tensor, tf.Tensor])).dataSync());
      triples.forEach((t, i) => expect(got[i]).toBeCloseTo([...t].sort((a, b) => a - b)[1], 5));
    },
  );

  test('M3 on a batch of three identical groups equals SGD', () => {
    const model = tinyMlp(1, 4, [5], 3);
    const twin = tinyMlp(1, 4, [5], 3);
    const one = randomBatch(7, 4, 4, 3);
    const tripled: IndexedBatch = { x: tf.concat([one.x, one.x, one.x]), y: tf.concat([one.y, one.y, one.y]) as tf.Tensor1D, indices: new Int32Array(12) };
    new M3(0.2).step(model, tripled);
    new Sgd(0.2).step(twin, { ...one, indices: new Int32Array(4) });
    expectClose(flattenVariables(model.variables), flattenVariables(twin.variables));
    tf.dispose([one.x, one.y, tripled.x, tripled.y]);
    model.dispose();
    twin.dispose();
  });

  test('RM3 is SGD for its first two steps and then differs', () => {
    const rm3 = new Rm3(0.1);
    expectClose(weightsAfter(rm3, 5, 2), weightsAfter(new Sgd(0.1), 5, 2));
    rm3.dispose();
    const later = new Rm3(0.1);
    const a = weightsAfter(later, 5, 4);
    later.dispose();
    expect(a.some((x, i) => Math.abs(x - weightsAfter(new Sgd(0.1), 5, 4)[i]) > 1e-6)).toBe(true);
  });
});

describe('SAM and SAF', () => {
  test('SAM with rho = 0 equals SGD; with rho > 0 it does not', () => {
    expectClose(weightsAfter(new Sam(0.1, 0), 9), weightsAfter(new Sgd(0.1), 9));
    const sam = weightsAfter(new Sam(0.1, 0.5), 9);
    const sgd = weightsAfter(new Sgd(0.1), 9);
    expect(sam.some((x, i) => Math.abs(x - sgd[i]) > 1e-6)).toBe(true);
  });

  test('the softened KL is zero for equal outputs and positive otherwise', () => {
    const [same, differ] = tf.tidy(() => {
      const a = tf.tensor2d([[1, 2, 3], [0, -1, 4]]);
      const b = tf.tensor2d([[3, 2, 1], [0, -1, 4]]);
      return [softenedKl(a, a, 2).dataSync(), softenedKl(a, b, 2).dataSync()];
    });
    same.forEach((x) => expect(x).toBeCloseTo(0, 6));
    expect(differ[0]).toBeGreaterThan(0);
    expect(differ[1]).toBeCloseTo(0, 6);
  });

  test('SAF equals SGD before the lag has passed and with coefficient 0', () => {
    const before = tf.memory().numTensors;
    expectClose(weightsAfter(new Saf({ lr: 0.1, coefficient: 0.5, temperature: 2, lag: 3 }), 4, 3), weightsAfter(new Sgd(0.1), 4, 3));
    expectClose(weightsAfter(new Saf({ lr: 0.1, coefficient: 0, temperature: 2, lag: 1 }), 4, 3), weightsAfter(new Sgd(0.1), 4, 3));
    const saf = weightsAfter(new Saf({ lr: 0.1, coefficient: 5, temperature: 2, lag: 1 }), 4, 3);
    const sgd = weightsAfter(new Sgd(0.1), 4, 3);
    expect(saf.some((x, i) => Math.abs(x - sgd[i]) > 1e-6)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
