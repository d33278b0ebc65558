import * as tf from '@tensorflow/tfjs-core';
import { fc, test as fcTest } from '@fast-check/vitest';
import { beforeAll, describe, expect, test } from 'vitest';
import { CoherenceAccumulator, coherenceByLoop, coherenceDense, CoherenceTracker } from '../../src/analysis/coherence.ts';
import { disposeBatch } from '../../src/analysis/loss.ts';
import { randomBatch, tinyMlp, useCpu } from './helpers.ts';

beforeAll(useCpu);

describe('m-coherence', () => {
  fcTest.prop([fc.integer({ min: 1, max: 12 }), fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 8 })])(
    'is m for m identical gradients',
    (m, g) => {
      fc.pre(g.some((x) => Math.abs(x) > 1e-3));
      const acc = new CoherenceAccumulator([g.length]);
      for (let i = 0; i < m; i++) acc.add([g]);
      expect(acc.result().alpha).toBeCloseTo(m, 9);
    },
  );

  fcTest.prop([fc.integer({ min: 1, max: 10 }), fc.array(fc.double({ min: 0.1, max: 5, noNaN: true }), { minLength: 10, maxLength: 10 })])(
    'is 1 for pairwise orthogonal gradients (scaled basis vectors)',
    (m, scales) => {
      const acc = new CoherenceAccumulator([4, 6]);
      for (let i = 0; i < m; i++) {
        const flat = new Array(10).fill(0);
        flat[i] = scales[i];
        acc.add([flat.slice(0, 4), flat.slice(4)]);
      }
      expect(acc.result().alpha).toBeCloseTo(1, 9);
    },
  );

  test('cancelling gradients give 0', () => {
    const acc = new CoherenceAccumulator([2]);
    acc.add([[1, 2]]);
    acc.add([[-1, -2]]);
    expect(acc.result().alpha).toBe(0);
  });

  fcTest.prop([fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 2, max: 9 }), fc.constantFrom<number[]>([3], [6, 4], [5, 3, 4])], { numRuns: 12 })(
    'the one-pass dense path equals the per-example loop on random MLPs',
    (seed, m, hidden) => {
      const before = tf.memory().numTensors;
      const model = tinyMlp(seed, 4, hidden, 3);
      const batch = randomBatch(seed + 1, m, 4, 3);
      const fast = coherenceDense(model, batch);
      const loop = coherenceByLoop(model, batch);
      expect(fast.alpha).toBeCloseTo(loop.alpha, 4);
      fast.perVariable.forEach((a, v) => {
        if (Number.isNaN(loop.perVariable[v])) expect(Number.isNaN(a)).toBe(true);
        else expect(a).toBeCloseTo(loop.perVariable[v], 4);
      });
      disposeBatch(batch);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  test('a tracker records one point per measured step on a fixed sample', () => {
    const model = tinyMlp(3, 4, [5], 3);
    const batch = randomBatch(4, 6, 4, 3);
    const tracker = new CoherenceTracker(batch, 2);
    for (let step = 0; step < 5; step++) tracker.measure(model, step, 0);
    expect(tracker.history.map((p) => p.step)).toEqual([0, 2, 4]);
    expect(tracker.history[0].alpha).toBeGreaterThan(0);
    expect(tracker.history[0].alpha).toBeLessThanOrEqual(6 + 1e-9);
    disposeBatch(batch);
    model.dispose();
  });
});
