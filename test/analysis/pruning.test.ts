import * as tf from '@tensorflow/tfjs-core';
import { fc, test as fcTest } from '@fast-check/vitest';
import { beforeAll, describe, expect, test } from 'vitest';
import { activatingPruneStep, applyKernelMasks, deadNeuronRates, fullMasks, magnitudePrune, pruneWithRewinding, sparsity } from '../../src/analysis/deadNeurons.ts';
import { fit } from '../../src/analysis/fit.ts';
import { jacobiEigen } from '../../src/analysis/linalg.ts';
import { accuracy, disposeBatch } from '../../src/analysis/loss.ts';
import { Sgd } from '../../src/analysis/optimizers.ts';
import { logAbsDeterminant, randomNodeMasks, scoreRandomMasks, searchVersusRandom } from '../../src/analysis/sparseSearch.ts';
import { Random } from '../../src/util/random.ts';
import { randomBatch, tinyMlp, useCpu } from './helpers.ts';

beforeAll(useCpu);

/** Inputs in [0, 1), like image pixels. */
function positiveBatch(seed: number, n: number, width: number, classes: number) {
  const rng = new Random(seed);
  return { x: tf.tensor2d(Float32Array.from({ length: n * width }, () => rng.next()), [n, width]), y: tf.tensor1d(Int32Array.from({ length: n }, () => rng.int(classes)), 'int32') };
}

describe('dead-neuron rate', () => {
  test('counts zero outputs per (example, unit) and fully dead units', () => {
    const model = tinyMlp(1, 4, [6], 3);
    const batch = randomBatch(2, 30, 4, 3);
    const r = deadNeuronRates(model, batch);
    const z = tf.tidy(() => model.trace(batch.x).preActivations[0].arraySync() as number[][]);
    const zeros = z.flat().filter((v) => v <= 0).length;
    expect(r.layers[0].dynamicRate).toBeCloseTo(zeros / (30 * 6), 6);
    tf.tidy(() => model.layers[0].bias.assign(tf.fill([6], -1e3)));
    const dead = deadNeuronRates(model, batch);
    expect(dead.dynamicRate).toBe(1);
    expect(dead.layers[0].deadUnitRate).toBe(1);
    disposeBatch(batch);
    model.dispose();
  });
});

describe('pruning', () => {
  test('magnitude pruning removes the smallest remaining weights of each layer', () => {
    const model = tinyMlp(3, 4, [5], 3);
    const masks = magnitudePrune(model, fullMasks(model), 0.5);
    model.layers.forEach((layer, l) => {
      const w = Array.from(layer.weight.dataSync()).map(Math.abs);
      const kept = w.filter((_, i) => masks[l][i] === 1);
      const cut = w.filter((_, i) => masks[l][i] === 0);
      expect(cut.length).toBe(Math.floor(w.length / 2));
      expect(Math.max(...cut)).toBeLessThanOrEqual(Math.min(...kept));
    });
    model.dispose();
  });

  fcTest.prop([fc.integer({ min: 0, max: 1e6 })], { numRuns: 6 })('the AP step never raises the DNR on non-negative inputs', (seed) => {
    const model = tinyMlp(seed, 6, [10], 3);
    const probe = positiveBatch(seed + 1, 40, 6, 3);
    const before = deadNeuronRates(model, probe).layers[0].dynamicRate;
    const masks = activatingPruneStep(model, fullMasks(model), probe, 0.2);
    applyKernelMasks(model, masks);
    expect(deadNeuronRates(model, probe).layers[0].dynamicRate).toBeLessThanOrEqual(before + 1e-9);
    disposeBatch(probe);
    model.dispose();
  });

  test('the AP step prunes the incoming weight that keeps a mostly dead unit dead, and nothing else', () => {
    // Hidden unit 0 sees -2 x0 + 0.3 x1 on inputs in [0, 1): dead most of the time; units 1 and 2 never are.
    const model = tinyMlp(5, 2, [3], 2);
    tf.tidy(() => {
      model.layers[0].weight.assign(tf.tensor2d([[-2, 0.5, 0.4], [0.3, 0.6, 0.2]]));
      model.layers[0].bias.assign(tf.zeros([3]));
    });
    const probe = positiveBatch(6, 50, 2, 2);
    const before = deadNeuronRates(model, probe).layers[0].unitDeadFrequency;
    expect(before[0]).toBeGreaterThan(0.5);
    expect([before[1], before[2]]).toEqual([0, 0]);
    // 20% of the layer's 6 weights: exactly one weight may go.
    const masks = activatingPruneStep(model, fullMasks(model), probe, 0.2);
    expect(Array.from(masks[0])).toEqual([0, 1, 1, 1, 1, 1]);
    expect(Array.from(masks[1]).every((m) => m === 1)).toBe(true);
    applyKernelMasks(model, masks);
    expect(deadNeuronRates(model, probe).layers[0].unitDeadFrequency[0]).toBe(0);
    expect(sparsity(masks)).toBeCloseTo(1 / 12, 10);
    disposeBatch(probe);
    model.dispose();
  });

  test('iterative pruning with rewinding reaches the scheduled sparsity and keeps pruned weights at zero', () => {
    const model = tinyMlp(5, 6, [12], 3);
    const data = positiveBatch(6, 60, 6, 3);
    const split = { x: data.x.dataSync() as Float32Array, y: data.y.dataSync() as unknown as Int32Array, count: 60 };
    let lastMasks = fullMasks(model);
    const rounds = pruneWithRewinding(model, {
      rounds: 2,
      rate: 0.5,
      apRate: 0.05,
      probe: data,
      train: (stack, masks) => {
        lastMasks = masks;
        const masked = { name: 'sgd-masked', step: (m: typeof stack, b: Parameters<Sgd['step']>[1]) => { const l = new Sgd(0.1).step(m, b); applyKernelMasks(stack, masks); return l; } };
        fit(stack, split, [6], masked, { epochs: 2, batchSize: 20, seed: 1 });
      },
      evaluate: (stack) => accuracy(stack, data),
    });
    expect(rounds.map((r) => r.round)).toEqual([0, 1, 2]);
    expect(rounds[0].sparsity).toBe(0);
    expect(rounds[1].sparsity).toBeGreaterThanOrEqual(0.5);
    expect(rounds[2].sparsity).toBeGreaterThan(rounds[1].sparsity);
    model.layers.forEach((layer, l) => layer.weight.dataSync().forEach((w, i) => lastMasks[l][i] === 0 && expect(Math.abs(w)).toBe(0)));
    disposeBatch(data);
    model.dispose();
  });
});

describe('sparse search', () => {
  fcTest.prop([fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 1e6 })], { numRuns: 20 })('log|det| matches the eigenvalues of an SPD matrix', (n, seed) => {
    const rng = new Random(seed);
    const b = Float64Array.from({ length: n * n }, () => rng.normal());
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      for (let k = 0; k < n; k++) a[i * n + j] += b[i * n + k] * b[j * n + k];
      if (i === j) a[i * n + j] += 0.5;
    }
    const expected = jacobiEigen({ n, data: a }).values.reduce((s, v) => s + Math.log(Math.abs(v)), 0);
    expect(logAbsDeterminant(n, a)).toBeCloseTo(expected, 6);
  });

  test('node masks keep the requested share of units', () => {
    const masks = randomNodeMasks([10, 7], 0.7, new Random(1));
    expect(masks.map((m) => m.reduce((s, x) => s + x, 0))).toEqual([3, 2]);
  });

  test('random masks are scored at init, best first, reproducibly; search and random picks are both trained', () => {
    const model = tinyMlp(8, 6, [16, 12], 3);
    const batch = positiveBatch(9, 12, 6, 3);
    const a = scoreRandomMasks(model, batch, 0.5, 6, 42);
    const b = scoreRandomMasks(model, batch, 0.5, 6, 42);
    expect(a.map((s) => s.score)).toEqual(b.map((s) => s.score));
    a.slice(1).forEach((s, i) => expect(s.score).toBeLessThanOrEqual(a[i].score));
    let trained = 0;
    const cmp = searchVersusRandom(model, batch, { sparsity: 0.5, candidates: 6, k: 2, seed: 42, trainAndScore: () => ++trained });
    expect(cmp.searched).toHaveLength(2);
    expect(cmp.random).toHaveLength(2);
    expect(trained).toBe(4);
    expect(cmp.searched[0].initScore).toBe(a[0].score);
    disposeBatch(batch);
    model.dispose();
  });
});
