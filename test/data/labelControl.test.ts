import { describe, expect, it } from 'vitest';
import { applyLabelControl, resolveLabelControl } from '../../src/data/labelControl.ts';

const n = 6000;
const pool = Array.from({ length: n }, (_, i) => i);
const real = Int32Array.from(pool, (i) => i % 4);

/** Pearson chi-square statistic of counts against a uniform expectation. */
function chiSquare(counts: number[]): number {
  const expected = counts.reduce((a, b) => a + b, 0) / counts.length;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}

describe('label controls', () => {
  it('random labels are a uniform draw, fixed by the stated seed', () => {
    const control = resolveLabelControl({ kind: 'random', seed: 11 }, 0);
    const a = applyLabelControl(real, pool, 10, control);
    const b = applyLabelControl(real, pool, 10, control);
    expect(b).toEqual(a);
    const counts = new Array(10).fill(0);
    for (const y of a) counts[y]++;
    // 9 degrees of freedom: the 0.999 quantile is 27.9.
    expect(chiSquare(counts)).toBeLessThan(27.9);
    // Independent of the real labels: agreement near chance (1/10).
    const agree = a.filter((y, i) => y === real[i]).length / n;
    expect(Math.abs(agree - 0.1)).toBeLessThan(0.03);
    const other = applyLabelControl(real, pool, 10, resolveLabelControl({ kind: 'random', seed: 12 }, 0));
    expect(other).not.toEqual(a);
  });

  it('a random label belongs to the example, not to its position, so subsets keep it', () => {
    const control = { kind: 'random' as const, seed: 3 };
    const full = applyLabelControl(real, pool, 4, control);
    const subset = pool.filter((i) => i % 7 === 0);
    const part = applyLabelControl(Int32Array.from(subset, (i) => real[i]), subset, 4, control);
    subset.forEach((src, j) => expect(part[j]).toBe(full[src]));
  });

  it('noise at rate p flips about p of the labels, each to a different class', () => {
    for (const rate of [0, 0.2, 0.5, 1]) {
      const noisy = applyLabelControl(real, pool, 4, resolveLabelControl({ kind: 'noisy', rate, seed: 5 }, 0));
      const flipped = noisy.filter((y, i) => y !== real[i]).length / n;
      expect(Math.abs(flipped - rate)).toBeLessThan(0.025);
    }
  });

  it('a seedless control takes its seed from the data set seed and records it', () => {
    const a = resolveLabelControl({ kind: 'noisy', rate: 0.1 }, 7);
    expect(a.seed).toBeTypeOf('number');
    expect(resolveLabelControl({ kind: 'noisy', rate: 0.1 }, 7)).toEqual(a);
    expect(() => resolveLabelControl({ kind: 'noisy', rate: 1.5 }, 7)).toThrow(/rate must be in \[0, 1\]/);
  });
});
