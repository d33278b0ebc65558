import { describe, expect, it } from 'vitest';
import { epochBatches } from '../../src/gssnn/train/batches.ts';
import { exampleOrder } from '../../src/gssnn/train/trainer.ts';

/** Position of each row in one epoch's order. */
const positions = (batches: Int32Array[]): number[] => {
  const out: number[] = [];
  batches.flatMap((b) => Array.from(b)).forEach((row, at) => (out[row] = at));
  return out;
};
const correlation = (a: number[], b: number[]) => {
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
};

describe("a run's batch order", () => {
  it('cuts each epoch into batches of every row once, the last one short', () => {
    const batches = epochBatches(21, 8, exampleOrder(3));
    expect(batches.map((b) => b.length)).toEqual([8, 8, 5]);
    expect(positions(batches).every((p) => p !== undefined)).toBe(true);
    expect(epochBatches(5, 2).map((b) => Array.from(b))).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('is a uniform shuffle, fresh each epoch and unrelated across seeds (the paper protocol: 128 rows, batch 8)', () => {
    const rows = 128;
    const epochs = 400;
    // Where row 0 lands, over many epochs of one stream: a chi-square over 8 bands of 16 positions.
    const order = exampleOrder(0);
    const bands = new Array(8).fill(0);
    let previous = positions(epochBatches(rows, 8, order));
    let worstLag = 0;
    for (let e = 1; e < epochs; e++) {
      const current = positions(epochBatches(rows, 8, order));
      bands[Math.floor(current[0] / 16)]++;
      worstLag = Math.max(worstLag, Math.abs(correlation(previous, current)));
      previous = current;
    }
    const expected = (epochs - 1) / 8;
    const chiSquare = bands.reduce((s, n) => s + (n - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(24.3); // chi-square, 7 degrees of freedom, p = 0.001
    // Consecutive epochs: |r| of uniform independent permutations of 128 stays below ~0.35.
    expect(worstLag).toBeLessThan(0.35);
    // Seeds 0-9, first epoch: unrelated orders.
    const firsts = Array.from({ length: 10 }, (_, s) => positions(epochBatches(rows, 8, exampleOrder(s))));
    for (let a = 0; a < 10; a++) for (let b = a + 1; b < 10; b++) expect(Math.abs(correlation(firsts[a], firsts[b]))).toBeLessThan(0.35);
  });
});
