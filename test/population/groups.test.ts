/** Population groups partition the jobs, keep equal keys together, respect the batch and feed every worker. */
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { populationGroups } from '../../src/gssnn/population/groups.ts';

test.prop([fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 40 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 4 })])(
  'groups partition the jobs by key, at most `size` each, at least one per worker while a group can be split',
  (keys, size, workers) => {
    const groups = populationGroups(keys, (k) => k, size, workers);
    expect(groups.flat().sort((x, y) => x - y)).toEqual(keys.map((_, i) => i));
    for (const g of groups) {
      expect(g.length).toBeGreaterThan(0);
      expect(g.length).toBeLessThanOrEqual(size);
      expect(new Set(g.map((i) => keys[i])).size).toBe(1);
      expect([...g].sort((x, y) => x - y)).toEqual(g);
    }
    if (groups.length < workers) for (const g of groups) expect(g.length).toBe(1);
    // No thread gets more than an even share while others could take some; longest first.
    if (workers > 1 && keys.length > 0) for (const g of groups) expect(g.length).toBeLessThanOrEqual(Math.ceil(keys.length / workers));
    groups.forEach((g, i) => i > 0 && expect(g.length).toBeLessThanOrEqual(groups[i - 1].length));
    expect(populationGroups(keys, (k) => k, size, workers)).toEqual(groups);
  },
);

test('a key is cut into even chunks, and a large group is shared between threads', () => {
  // 8 candidates and 2 baselines of their own kind, 2 threads: 4 + 4 + 1 + 1, not 8 + 1 + 1.
  const keys = ['g', 'g', 'g', 'g', 'g', 'g', 'g', 'g', 'linear', 'mlp'];
  expect(populationGroups(keys, (k) => k, 16, 2)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8], [9]]);
  // One thread: 20 jobs under a batch of 16 train as 10 + 10.
  expect(populationGroups(Array(20).fill('g'), (k) => k, 16, 1).map((g) => g.length)).toEqual([10, 10]);
});

test('a batch of one puts every job in its own group', () => {
  expect(populationGroups(['a', 'a', 'b'], (k) => k, 1, 1)).toEqual([[0], [1], [2]]);
  expect(() => populationGroups(['a'], (k) => k, 0)).toThrow(/positive integer/);
});

test('given job costs, the costliest groups come first (ties keep list order)', () => {
  const cost: Record<string, number> = { small: 1, paper: 100 };
  const keys = ['small', 'small', 'small', 'paper'];
  expect(populationGroups(keys, (k) => k, 16, 2)).toEqual([[0, 1], [2], [3]]);
  expect(populationGroups(keys, (k) => k, 16, 2, (k) => cost[k])).toEqual([[3], [0, 1], [2]]);
  expect(populationGroups(['a', 'b', 'c'], (k) => k, 16, 1, () => 1)).toEqual([[0], [1], [2]]);
});
