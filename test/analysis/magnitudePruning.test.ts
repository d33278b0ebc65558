import * as tf from '@tensorflow/tfjs-core';
import { fc, test as fcTest } from '@fast-check/vitest';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Split } from '../../src/data/dataset.ts';
import { fit } from '../../src/analysis/fit.ts';
import { Sgd } from '../../src/analysis/optimizers.ts';
import { applyMasks, denseMasks, geometricSchedule, iterativePruning, magnitudeMasks, MaskedRule, maskSparsity, prunedCount, weightSnapshot } from '../../src/analysis/pruning.ts';
import { Random } from '../../src/util/random.ts';
import { tinyMlp, useCpu } from './helpers.ts';

beforeAll(useCpu);

function randomSplit(seed: number, count: number, width: number, classes: number): Split {
  const rng = new Random(seed);
  return { x: Float32Array.from({ length: count * width }, () => rng.normal()), y: Int32Array.from({ length: count }, () => rng.int(classes)), count };
}

function zerosWherePruned(model: ReturnType<typeof tinyMlp>, masks: ReturnType<typeof denseMasks>): boolean {
  return model.variables.every((v, k) => {
    const m = masks[k];
    if (!m) return true;
    const w = v.dataSync();
    return m.every((keep, i) => keep === 1 || w[i] === 0);
  });
}

describe('magnitude pruning of any model', () => {
  fcTest.prop([fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('global' as const, 'layer' as const)], { numRuns: 25 })(
    'reaches the requested sparsity exactly (global and per layer)',
    (seed, level, scope) => {
      const model = tinyMlp(seed, 6, [7, 5], 3);
      const masks = magnitudeMasks(model, level, scope);
      const prunable = model.variables.filter((v) => v.rank >= 2);
      if (scope === 'global') {
        const total = prunable.reduce((s, v) => s + v.size, 0);
        expect(maskSparsity(masks).pruned).toBe(prunedCount(total, level));
      } else {
        model.variables.forEach((v, k) => {
          const m = masks[k];
          if (!m) return expect(v.rank).toBe(1);
          expect(m.filter((x) => x === 0).length).toBe(prunedCount(v.size, level));
        });
      }
      // The survivors are the largest weights: no pruned weight is larger than a kept one (within a scope).
      const groups = scope === 'global' ? [model.variables.map((_, k) => k).filter((k) => masks[k])] : model.variables.map((_, k) => [k]).filter(([k]) => masks[k]);
      for (const group of groups) {
        const kept = group.flatMap((k) => Array.from(model.variables[k].dataSync()).filter((_, i) => masks[k]![i] === 1).map(Math.abs));
        const pruned = group.flatMap((k) => Array.from(model.variables[k].dataSync()).filter((_, i) => masks[k]![i] === 0).map(Math.abs));
        if (kept.length && pruned.length) expect(Math.max(...pruned)).toBeLessThanOrEqual(Math.min(...kept));
      }
      model.dispose();
    },
  );

  test('pruning further keeps earlier pruned weights pruned and refuses to un-prune', () => {
    const model = tinyMlp(4, 6, [7], 3);
    const half = magnitudeMasks(model, 0.5, 'global');
    const more = magnitudeMasks(model, 0.8, 'global', half);
    half.forEach((m, k) => m?.forEach((keep, i) => keep === 0 && expect(more[k]![i]).toBe(0)));
    expect(() => magnitudeMasks(model, 0.3, 'global', more)).toThrow(/already pruned/);
    model.dispose();
  });

  test('a pruned weight stays zero through fine-tuning', () => {
    const model = tinyMlp(5, 6, [8], 3);
    const split = randomSplit(6, 40, 6, 3);
    const masks = magnitudeMasks(model, 0.7, 'layer');
    applyMasks(model, masks);
    const before = weightSnapshot(model);
    fit(model, split, [6], new MaskedRule(new Sgd(0.3), masks), { epochs: 3, batchSize: 8, seed: 1 });
    expect(zerosWherePruned(model, masks)).toBe(true);
    // Fine-tuning did move the surviving weights.
    expect(weightSnapshot(model).some((w, k) => w.some((x, i) => x !== before[k][i]))).toBe(true);
    model.dispose();
  });

  test('iterative pruning with rewinding follows the schedule, rewinds and keeps masks through retraining', () => {
    const tensorsBefore = tf.memory().numTensors;
    const model = tinyMlp(7, 6, [8], 3);
    const split = randomSplit(8, 40, 6, 3);
    const rewindTo = weightSnapshot(model);
    fit(model, split, [6], new Sgd(0.2), { epochs: 2, batchSize: 8, seed: 2 });
    const schedule = geometricSchedule(3, 0.5);
    expect(schedule).toEqual([0.5, 0.75, 0.875]);
    const seen: number[] = [];
    const { rounds, masks } = iterativePruning(model, {
      schedule,
      scope: 'global',
      rewindTo,
      retrain: (m, ms) => {
        // After rewinding, the survivors hold their early values.
        const w = m.variables[0].dataSync();
        ms[0]!.forEach((keep, i) => keep === 1 && expect(w[i]).toBe(rewindTo[0][i]));
        fit(m, split, [6], new MaskedRule(new Sgd(0.2), ms), { epochs: 2, batchSize: 8, seed: 3 });
      },
      evaluate: () => 0,
      onRound: (r) => seen.push(r.round),
    });
    const total = model.variables.filter((v) => v.rank >= 2).reduce((s, v) => s + v.size, 0);
    rounds.forEach((r, k) => expect(Math.round(r.sparsity * total)).toBe(prunedCount(total, schedule[k])));
    expect(seen).toEqual([1, 2, 3]);
    expect(zerosWherePruned(model, masks)).toBe(true);
    model.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  test('ties break by position, so equal weights still give the exact count', () => {
    const model = tinyMlp(10, 3, [4], 2);
    tf.tidy(() => model.variables.forEach((v) => v.assign(tf.fill(v.shape, v.rank >= 2 ? -0.5 : 0))));
    const masks = magnitudeMasks(model, 0.35, 'global');
    const flat = masks.filter((m): m is Float32Array => m !== null).flatMap((m) => Array.from(m));
    const pruned = prunedCount(flat.length, 0.35);
    expect(flat.slice(0, pruned).every((x) => x === 0)).toBe(true);
    expect(flat.slice(pruned).every((x) => x === 1)).toBe(true);
    model.dispose();
  });

  test('bad sparsity levels are refused', () => {
    const model = tinyMlp(9);
    expect(() => magnitudeMasks(model, 1.5, 'global')).toThrow(/sparsity/);
    expect(() => geometricSchedule(2, 1)).toThrow(/rate/);
    model.dispose();
  });
});
