import * as tf from '@tensorflow/tfjs-core';
import { fc, test as fcTest } from '@fast-check/vitest';
import { beforeAll, describe, expect, test } from 'vitest';
import { flattenVariables } from '../../src/analysis/params.ts';
import { type IndexedBatch, M3, medianOfThree, Rm3, Saf, Sam, Sgd, softenedKl, type UpdateRule, WinsorizedGd, winsorizedMean } from '../../src/analysis/optimizers.ts';
import type { Model } from '../../src/gssnn/models/model.ts';
import { createGradientRule } from '../../src/gssnn/train/gradientRules.ts';
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
    new M3(0.2).step(model, tripled, 0);
    new Sgd(0.2).step(twin, { ...one, indices: new Int32Array(4) }, 0);
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

/** A "model" whose logits are its weights, for losses written directly in terms of them. */
function weightsAsLogits(initial: number[][]): Model & { w: tf.Variable } {
  const w = tf.variable(tf.tensor2d(initial));
  return {
    kind: 'weights',
    w,
    variables: [w],
    config: {},
    // One-hot rows of x pick rows of w: logits of example i are x_i w.
    logits: (x: tf.Tensor) => tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
    parameterCount: () => w.size,
    dispose: () => w.dispose(),
  };
}

describe('SAM on a quadratic', () => {
  test('takes the gradient at the ascent point w + rho g/||g|| and comes back to w exactly', () => {
    // L(w) = 1/2 w^T A w with w the single row of logits: g = A w, ascent point w + rho A w / ||A w||.
    const a = [[3, 1, 0], [1, 2, 0.5], [0, 0.5, 1]];
    const w0 = [0.4, -1.2, 0.7];
    const model = weightsAsLogits([w0]);
    const matrix = tf.tensor2d(a);
    const lossOf = (logits: tf.Tensor2D) => tf.mul(0.5, tf.sum(tf.mul(logits, tf.matMul(logits, matrix)))) as tf.Scalar;
    const rho = 0.3;
    const rule = createGradientRule({ kind: 'sam', rho }, { lossOf, training: false });
    const batch = { x: tf.tensor2d([[1]]), y: tf.tensor1d([0], 'int32'), indices: Int32Array.from([0]) };
    const { loss, grads } = rule.gradient(model, batch, 0);
    const times = (v: number[]) => a.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
    const g = times(w0);
    const norm = Math.hypot(...g);
    const ascent = w0.map((x, i) => x + (rho * g[i]) / norm);
    const expected = times(ascent);
    Array.from(grads[0].dataSync()).forEach((x, i) => expect(x).toBeCloseTo(expected[i], 5));
    expect(loss).toBeCloseTo(0.5 * w0.reduce((s, x, i) => s + x * g[i], 0), 5);
    expect(Array.from(model.w.dataSync())).toEqual(w0.map(Math.fround));
    tf.dispose([...grads, matrix, batch.x, batch.y]);
    model.dispose();
  });
});

describe('SAF with fixed example indices', () => {
  /** softmax of a row. */
  const softmax = (v: number[]) => {
    const top = Math.max(...v);
    const e = v.map((x) => Math.exp(x - top));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / s);
  };

  test('memory, lag and the direction KL(past || now) agree with a hand computation', () => {
    const lr = 0.5;
    const coefficient = 2;
    const temperature = 1.5;
    const lag = 2;
    const initial = [[0.2, -0.4, 0.9], [1.1, 0.3, -0.7]];
    const labels = [0, 2];
    const model = weightsAsLogits(initial);
    const rule = new Saf({ lr, coefficient, temperature, lag });
    // Training rows 5 and 9, always the same two examples; from epoch 2 on they come in swapped order.
    const order = (epoch: number) => (epoch < 2 ? [0, 1] : [1, 0]);
    const rows = [5, 9];
    const hand = initial.map((r) => [...r]);
    const memory = new Map<number, Map<number, number[]>>();
    for (let epoch = 0; epoch < 4; epoch++) {
      const o = order(epoch);
      const x = tf.tensor2d(o.map((i) => (i === 0 ? [1, 0] : [0, 1])));
      const y = tf.tensor1d(o.map((i) => labels[i]), 'int32');
      rule.step(model, { x, y, indices: Int32Array.from(o.map((i) => rows[i])) }, epoch);
      tf.dispose([x, y]);
      // By hand: mean cross-entropy + coefficient * mean KL(softmax(z_past/T) || softmax(z/T)).
      const past = memory.get(epoch - lag);
      const recorded = new Map<number, number[]>();
      const grads = hand.map((z, i) => {
        recorded.set(rows[i], [...z]);
        const p = softmax(z);
        const g = p.map((pk, k) => (pk - (k === labels[i] ? 1 : 0)) / 2);
        const before = past?.get(rows[i]);
        if (before) {
          const pPast = softmax(before.map((v) => v / temperature));
          const qNow = softmax(z.map((v) => v / temperature));
          qNow.forEach((q, k) => (g[k] += (coefficient * (q - pPast[k])) / temperature / 2));
        }
        return g;
      });
      memory.set(epoch, recorded);
      hand.forEach((z, i) => z.forEach((_, k) => (z[k] -= lr * grads[i][k])));
      const got = model.w.arraySync() as number[][];
      got.forEach((row, i) => row.forEach((v, k) => expect(v, `epoch ${epoch}, row ${i}, class ${k}`).toBeCloseTo(hand[i][k], 5)));
    }
    // The trajectory term did act: plain SGD on the same batches ends elsewhere.
    const plain = weightsAsLogits(initial);
    const sgd = new Sgd(lr);
    for (let epoch = 0; epoch < 4; epoch++) {
      const o = order(epoch);
      const x = tf.tensor2d(o.map((i) => (i === 0 ? [1, 0] : [0, 1])));
      const y = tf.tensor1d(o.map((i) => labels[i]), 'int32');
      sgd.step(plain, { x, y, indices: new Int32Array(2) }, epoch);
      tf.dispose([x, y]);
    }
    const diff = (plain.w.arraySync() as number[][]).flat().map((v, i) => Math.abs(v - hand.flat()[i]));
    expect(Math.max(...diff)).toBeGreaterThan(1e-3);
    model.dispose();
    plain.dispose();
  });
});
