import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { areaUnderCurve, compareWithBaseline, learningCurve, runSweep, sizeToReach } from '../../src/analysis/dataEfficiency.ts';
import { holmAdjust, pairedTTest, studentTCdf, studentTQuantile, summarize, welchTTest, wilcoxonSignedRank } from '../../src/analysis/stats.ts';

describe('Student t', () => {
  test('quantiles match tables', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.2281, 3);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.96, 2);
    expect(studentTCdf(0, 5)).toBeCloseTo(0.5, 12);
  });

  test('paired t-test on known differences', () => {
    const r = pairedTTest([2, 4, 6, 8], [1, 2, 3, 4]);
    expect(r.statistic).toBeCloseTo(3.873, 3);
    expect(r.p).toBeCloseTo(0.0305, 3);
  });

  test('Welch t-test agrees with scipy.stats.ttest_ind(equal_var=False)', () => {
    const r = welchTTest([1, 2, 3, 4, 5], [2, 4, 6, 8, 10, 12]);
    expect(r.statistic).toBeCloseTo(-2.3763541031440183, 10);
    expect(r.p).toBeCloseTo(0.04928433820673053, 6);
    const seeds = welchTTest([0.578, 0.622, 0.549, 0.642, 0.639, 0.633, 0.598, 0.603, 0.687, 0.596], [0.648, 0.638, 0.618, 0.642, 0.617, 0.662, 0.657, 0.625, 0.634, 0.612, 0.55, 0.642, 0.677, 0.653, 0.638, 0.586, 0.667, 0.634, 0.652, 0.574]);
    expect(seeds.statistic).toBeCloseTo(-1.1760435130582394, 10);
    expect(seeds.p).toBeCloseTo(0.25752505772590506, 6);
    expect(welchTTest([1], [2, 3]).p).toBeNaN();
  });

  test('a 95% interval from 2 points uses t with 1 degree of freedom', () => {
    const s = summarize([1, 3]);
    expect(s.mean).toBe(2);
    expect(s.ci95[1] - s.mean).toBeCloseTo((12.7062 * Math.SQRT2) / Math.SQRT2, 3);
  });
});

describe('Wilcoxon signed-rank', () => {
  test('exact p for small samples', () => {
    expect(wilcoxonSignedRank([1, 2, 3, 4, 5], [0, 0, 0, 0, 0]).p).toBeCloseTo(2 / 32, 12);
    expect(wilcoxonSignedRank([1, -2, 3, 4, 5], [0, 0, 0, 0, 0]).p).toBeCloseTo(6 / 32, 12);
  });

  fcTest.prop([fc.array(fc.integer({ min: -4, max: 4 }), { minLength: 1, maxLength: 10 })])('exact p equals a brute-force count over all sign flips', (d) => {
    const nz = d.filter((x) => x !== 0);
    const r = wilcoxonSignedRank(d, d.map(() => 0));
    if (nz.length === 0) {
      expect(r.p).toBe(1);
      return;
    }
    const abs = nz.map(Math.abs);
    const rank = abs.map((v) => {
      const less = abs.filter((w) => w < v).length;
      const equal = abs.filter((w) => w === v).length;
      return less + (equal + 1) / 2;
    });
    const observed = nz.reduce((s, x, i) => s + (x > 0 ? rank[i] : 0), 0);
    let below = 0;
    let above = 0;
    for (let mask = 0; mask < 2 ** nz.length; mask++) {
      const w = rank.reduce((s, r, i) => s + ((mask >> i) & 1 ? r : 0), 0);
      if (w <= observed + 1e-9) below++;
      if (w >= observed - 1e-9) above++;
    }
    expect(r.p).toBeCloseTo(Math.min(1, (2 * Math.min(below, above)) / 2 ** nz.length), 12);
  });
});

describe('data efficiency', () => {
  const sizes = [16, 32, 64, 128];
  const seeds = [0, 1, 2, 3, 4, 5];
  // Score rises by 0.1 per doubling; "structured" sits 0.05 above "baseline" with seed jitter.
  const score = (model: string, n: number, seed: number) => 0.1 * Math.log2(n) + (model === 'structured' ? 0.05 : 0) + ((seed * 37) % 7) * 1e-3;

  test('a sweep covers the grid; curves, AUC, size to reach and paired tests follow', async () => {
    const seen: string[] = [];
    const records = await runSweep({
      sizes: [64, 16, 128, 32],
      seeds,
      models: ['baseline', 'structured'],
      train: async (model, n, seed) => ({ score: score(model, n, seed) }),
      onRecord: (r) => seen.push(`${r.model}@${r.trainSize}`),
    });
    expect(records).toHaveLength(sizes.length * seeds.length * 2);
    expect(seen[0]).toBe('baseline@16');
    const curve = learningCurve(records, 'baseline');
    expect(curve.map((p) => p.trainSize)).toEqual(sizes);
    expect(curve[0].n).toBe(6);
    expect(curve[0].ci95[0]).toBeLessThan(curve[0].mean);
    const flat = [{ trainSize: 16, mean: 0.5 }, { trainSize: 128, mean: 0.5 }];
    expect(areaUnderCurve(flat)).toEqual({ area: 1.5, normalized: 0.5 });
    // 0.1 log2(n) + jitter reaches 0.55 between 32 (0.5) and 64 (0.6): about n = 2^5.5.
    const line = sizes.map((n) => ({ trainSize: n, mean: 0.1 * Math.log2(n) }));
    expect(sizeToReach(line, 0.55)).toBeCloseTo(2 ** 5.5, 6);
    expect(sizeToReach(line, 0.9)).toBeNull();
    expect(sizeToReach(line, 0.1)).toBe(16);
    const cmp = compareWithBaseline(records, 'structured', 'baseline');
    cmp.perSize.forEach((s) => {
      expect(s.meanDifference).toBeCloseTo(0.05, 9);
      expect(s.wilcoxon.p).toBeCloseTo(2 / 64, 9);
    });
    expect(cmp.auc.meanDifference).toBeCloseTo(0.05, 9);
  });
});

describe('Holm adjustment', () => {
  test('matches a hand computation', () => {
    // Sorted 0.01, 0.02, 0.04 with multipliers 3, 2, 1: 0.03, 0.04, max(0.04, 0.04).
    expect(holmAdjust([0.04, 0.01, null, 0.02])).toEqual([0.04, 0.03, null, 0.04]);
  });

  fcTest.prop([fc.array(fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }), { maxLength: 12 })])(
    'never lowers a p-value, stays in [0, 1], keeps the order of the raw p-values',
    (ps) => {
      const adjusted = holmAdjust(ps);
      ps.forEach((p, i) => {
        if (p === null) return expect(adjusted[i]).toBeNull();
        expect(adjusted[i]!).toBeGreaterThanOrEqual(p);
        expect(adjusted[i]!).toBeLessThanOrEqual(1);
        ps.forEach((q, j) => {
          if (q !== null && p < q) expect(adjusted[i]!).toBeLessThanOrEqual(adjusted[j]!);
        });
      });
    },
  );
});
