import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { compareWithBaseRate } from '../../src/analysis/baseRate.ts';
import { binomialLowerTail, binomialUpperTail, wilsonInterval } from '../../src/analysis/stats.ts';

/** P(X >= k) for X ~ Binomial(n, p) by summing the probability mass in log space. */
function upperTailBySum(k: number, n: number, p: number): number {
  const logChoose = (m: number, j: number) => {
    let s = 0;
    for (let i = 1; i <= j; i++) s += Math.log(m - j + i) - Math.log(i);
    return s;
  };
  let total = 0;
  for (let j = Math.max(0, k); j <= n; j++) {
    if (p === 0) total += j === 0 ? 1 : 0;
    else if (p === 1) total += j === n ? 1 : 0;
    else total += Math.exp(logChoose(n, j) + j * Math.log(p) + (n - j) * Math.log(1 - p));
  }
  return total;
}

describe('binomial tails', () => {
  fcTest.prop([fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 420 }), fc.double({ min: 0, max: 1, noNaN: true })])(
    'the upper tail equals the summed probability mass',
    (n, kRaw, p) => {
      const k = Math.min(kRaw, n + 1);
      expect(binomialUpperTail(k, n, p)).toBeCloseTo(upperTailBySum(k, n, p), 9);
    },
  );

  fcTest.prop([fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 300 }), fc.double({ min: 0.01, max: 0.99, noNaN: true })])(
    'lower and upper tails at k and k + 1 add up to 1',
    (n, kRaw, p) => {
      const k = Math.min(kRaw, n - 1);
      expect(binomialLowerTail(k, n, p) + binomialUpperTail(k + 1, n, p)).toBeCloseTo(1, 12);
    },
  );

  test('a known value: 60 of 100 against a fair coin', () => {
    // R: pbinom(59, 100, 0.5, lower.tail = FALSE) = 0.02844397
    expect(binomialUpperTail(60, 100, 0.5)).toBeCloseTo(0.02844397, 7);
  });
});

describe('Wilson interval', () => {
  test('matches the textbook value and stays inside [0, 1]', () => {
    // 8 of 10: Wilson 95% interval [0.4902, 0.9433] (Newcombe 1998, method 3).
    const [low, high] = wilsonInterval(8, 10);
    expect(low).toBeCloseTo(0.4902, 4);
    expect(high).toBeCloseTo(0.9433, 4);
    expect(wilsonInterval(0, 5)[0]).toBe(0);
    expect(wilsonInterval(5, 5)[1]).toBe(1);
  });

  fcTest.prop([fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true })])('contains the observed proportion', (n, share) => {
    const k = Math.round(share * n);
    const [low, high] = wilsonInterval(k, n);
    expect(low).toBeGreaterThanOrEqual(0);
    expect(high).toBeLessThanOrEqual(1);
    expect(low).toBeLessThanOrEqual(k / n + 1e-12);
    expect(high).toBeGreaterThanOrEqual(k / n - 1e-12);
  });
});

describe('compareWithBaseRate', () => {
  test('an accuracy equal to the base rate is indistinguishable from it', () => {
    const c = compareWithBaseRate(0.531, 128, 0.531)!;
    expect(c.verdict).toBe('indistinguishable');
    expect(c.pAbove).toBeGreaterThan(0.4);
  });

  test('well above and well below are told apart; unknowns give null', () => {
    expect(compareWithBaseRate(0.9, 200, 0.5)!.verdict).toBe('above');
    expect(compareWithBaseRate(0.2, 200, 0.5)!.verdict).toBe('below');
    expect(compareWithBaseRate(Number.NaN, 200, 0.5)).toBeNull();
    expect(compareWithBaseRate(0.7, 0, 0.5)).toBeNull();
  });

  test('the verdict follows the sample size: 60% is noise on 20 examples, signal on 2000', () => {
    expect(compareWithBaseRate(0.6, 20, 0.5)!.verdict).toBe('indistinguishable');
    expect(compareWithBaseRate(0.6, 2000, 0.5)!.verdict).toBe('above');
  });
});
