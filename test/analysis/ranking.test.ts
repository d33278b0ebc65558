import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { granulatedKendallTau, kendallTau, type RankedModel, signError } from '../../src/analysis/ranking.ts';

/** Brute force: count concordant and discordant pairs over all ordered pairs. */
function bruteForceTau(a: number[], b: number[]): number {
  let concordant = 0;
  let discordant = 0;
  let pairs = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < a.length; j++) {
      if (i === j) continue;
      pairs++;
      const s = (a[i] - a[j]) * (b[i] - b[j]);
      if (s > 0) concordant++;
      else if (s < 0) discordant++;
    }
  }
  return (concordant - discordant) / pairs;
}

const values = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 2, maxLength: 25 });

describe('Kendall tau', () => {
  fcTest.prop([values.chain((a) => fc.tuple(fc.constant(a), fc.array(fc.integer({ min: -5, max: 5 }), { minLength: a.length, maxLength: a.length })))])(
    'matches a brute-force pair count (with ties)',
    ([a, b]) => {
      expect(kendallTau(a, b)).toBeCloseTo(bruteForceTau(a, b), 12);
    },
  );

  fcTest.prop([fc.uniqueArray(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 2, maxLength: 20, comparator: 'SameValueZero' })])('is 1 against itself and -1 against its reverse order', (a) => {
    expect(kendallTau(a, a)).toBe(1);
    expect(kendallTau(a, a.map((x) => -x))).toBe(-1);
  });

  test('rejects lists of different lengths', () => {
    expect(() => kendallTau([1, 2], [1])).toThrow(/2 measures vs 1 gaps/);
  });
});

describe('granulated tau and sign-error', () => {
  // A 2 x 3 grid: the measure tracks the gap along width but is reversed along depth.
  const models: RankedModel[] = [];
  for (const depth of [1, 2]) {
    for (const width of [8, 16, 32]) {
      const gap = depth * 0.1 + width * 0.01;
      models.push({ hyperparameters: { depth, width }, gap, measure: width - depth * 100 });
    }
  }

  test('psi per hyperparameter sees the agreement and the reversal', () => {
    const g = granulatedKendallTau(models);
    expect(g.perHyperparameter.width).toBe(1);
    expect(g.perHyperparameter.depth).toBe(-1);
    expect(g.overall).toBe(0);
  });

  test('sign-error counts the reversed one-hyperparameter pairs', () => {
    const e = signError(models);
    // width pairs: 3 per depth, 2 depths = 6, all right; depth pairs: 3, all wrong.
    expect(e.pairs).toBe(9);
    expect(e.perHyperparameter.depth).toEqual({ rate: 1, pairs: 3 });
    expect(e.perHyperparameter.width).toEqual({ rate: 0, pairs: 6 });
    expect(e.rate).toBeCloseTo(3 / 9, 12);
  });
});
