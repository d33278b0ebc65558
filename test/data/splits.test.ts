import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { splitPool, stratifiedOrder } from '../../src/data/splits.ts';
import { Random } from '../../src/util/random.ts';
import { DataError } from '../../src/data/errors.ts';

/** Labels for a pool of `n` examples over `k` classes, with uneven class sizes. */
const labelPool = fc
  .record({ k: fc.integer({ min: 2, max: 5 }), n: fc.integer({ min: 40, max: 300 }), seed: fc.nat() })
  .map(({ k, n, seed }) => {
    const r = new Random(seed);
    const weights = Array.from({ length: k }, () => 0.2 + r.next());
    const total = weights.reduce((a, b) => a + b, 0);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let u = r.next() * total;
      let c = 0;
      while (c < k - 1 && u >= weights[c]) u -= weights[c++];
      labels[i] = c;
    }
    return { k, labels };
  });

describe('splits', () => {
  it('training subsets nest: for one seed the smaller set is inside the larger', () => {
    fc.assert(
      fc.property(labelPool, fc.nat(), fc.nat(), fc.nat(), ({ k, labels }, seed, a, b) => {
        const sizes = { validationSize: 5, testSize: 10 };
        const max = labels.length - 15;
        const n1 = 1 + (a % max);
        const n2 = 1 + (b % max);
        const small = splitPool(labels, k, { ...sizes, trainSize: Math.min(n1, n2) }, seed);
        const large = splitPool(labels, k, { ...sizes, trainSize: Math.max(n1, n2) }, seed);
        const largeSet = new Set(large.train);
        expect(small.train.every((i) => largeSet.has(i))).toBe(true);
        // Test and validation do not move with the training size.
        expect(small.test).toEqual(large.test);
        expect(small.validation).toEqual(large.validation);
      }),
      { numRuns: 60 },
    );
  });

  it('splits are disjoint and every prefix of the stratified order is stratified', () => {
    fc.assert(
      fc.property(labelPool, fc.nat(), ({ k, labels }, seed) => {
        const split = splitPool(labels, k, { validationSize: 7, testSize: 11 }, seed);
        const seen = new Set<number>();
        for (const i of [...split.train, ...split.validation, ...split.test]) {
          expect(seen.has(i)).toBe(false);
          seen.add(i);
        }
        expect(seen.size).toBe(labels.length);
        const order = stratifiedOrder(Array.from(labels.keys()), labels, k, new Random(seed));
        const totals = new Array(k).fill(0);
        for (const y of labels) totals[y]++;
        const counts = new Array(k).fill(0);
        order.forEach((i, pos) => {
          counts[labels[i]]++;
          // Within one example of the exact proportion at every prefix length.
          for (let c = 0; c < k; c++) expect(Math.abs(counts[c] - ((pos + 1) * totals[c]) / labels.length)).toBeLessThan(1 + 1e-9);
        });
      }),
      { numRuns: 40 },
    );
  });

  it('same seed gives the same split; another seed another one', () => {
    const labels = Int32Array.from({ length: 200 }, (_, i) => i % 3);
    const a = splitPool(labels, 3, { validationSize: 20, testSize: 30, trainSize: 50 }, 4);
    const b = splitPool(labels, 3, { validationSize: 20, testSize: 30, trainSize: 50 }, 4);
    const c = splitPool(labels, 3, { validationSize: 20, testSize: 30, trainSize: 50 }, 5);
    expect(b).toEqual(a);
    expect(c.test).not.toEqual(a.test);
  });

  it('an impossible request says what is wrong and how to fix it', () => {
    const labels = Int32Array.from({ length: 100 }, (_, i) => i % 2);
    expect(() => splitPool(labels, 2, { validationSize: 10, testSize: 20, trainSize: 500 }, 0)).toThrow(/trainSize 500 is larger than the 70 examples/);
    expect(() => splitPool(labels, 2, { validationSize: 60, testSize: 60 }, 0)).toThrow(DataError);
  });
});
