import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Random, deriveSeed } from '../src/util/random.ts';

describe('Random', () => {
  it('same seed, same stream; different seeds, different streams', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const a = new Random(seed);
        const b = new Random(seed);
        const c = new Random((seed + 1) >>> 0);
        const xs = Array.from({ length: 8 }, () => a.nextUint32());
        expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(xs);
        expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(xs);
      }),
    );
  });

  it('int stays in range and is roughly uniform', () => {
    const r = new Random(7);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 20000; i++) counts[r.int(10)]++;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });

  it('normal draws have mean 0 and variance 1', () => {
    const r = new Random(3);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('shuffled is a permutation; forks and derived seeds are deterministic', () => {
    const r = new Random(11);
    const items = Array.from({ length: 50 }, (_, i) => i);
    expect(r.shuffled(items).sort((x, y) => x - y)).toEqual(items);
    expect(new Random(5).fork('a').nextUint32()).toBe(new Random(5).fork('a').nextUint32());
    expect(deriveSeed(1, 'x', 2)).toBe(deriveSeed(1, 'x', 2));
    expect(deriveSeed(1, 'x', 2)).not.toBe(deriveSeed(1, 'x', 3));
  });
});
