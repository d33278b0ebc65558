import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { connectedGraphs, findIsomorphism, GraphCatalog, invariantKey, isomorphic, simpleGraph, type SimpleGraph, simpleGraphOf } from '../../src/synth/graphs/index.ts';
import { permutationArb, smallMultigraphArb } from '../arbitraries.ts';

/** Isomorphism by trying every vertex permutation: the slow, obviously right answer. */
function bruteForceIsomorphic(a: SimpleGraph, b: SimpleGraph): boolean {
  if (a.order !== b.order) return false;
  const n = a.order;
  const adjacent = (g: SimpleGraph, u: number, v: number) => (u === v ? g.loops[u] : g.neighbours[u].includes(v));
  const perm = Array.from({ length: n }, (_, i) => i);
  const check = () => {
    for (let u = 0; u < n; u++) for (let v = u; v < n; v++) if (adjacent(a, u, v) !== adjacent(b, perm[u], perm[v])) return false;
    return true;
  };
  const permute = (k: number): boolean => {
    if (k === n) return check();
    for (let i = k; i < n; i++) {
      [perm[k], perm[i]] = [perm[i], perm[k]];
      if (permute(k + 1)) return true;
      [perm[k], perm[i]] = [perm[i], perm[k]];
    }
    return false;
  };
  return permute(0);
}

const asGraph = (m: { order: number; edges: [number, number][] }) => simpleGraph(m.order, m.edges);

describe('graph isomorphism', () => {
  test.prop([smallMultigraphArb(6), smallMultigraphArb(6)], { numRuns: 400 })(
    'agrees with a brute-force permutation check on random small multigraphs',
    (x, y) => {
      const a = asGraph(x);
      const b = asGraph(y);
      const expected = bruteForceIsomorphic(a, b);
      expect(isomorphic(a, b)).toBe(expected);
      if (expected) expect(invariantKey(a)).toBe(invariantKey(b));
    },
  );

  test.prop([smallMultigraphArb(7).chain((m) => fc.tuple(fc.constant(m), permutationArb(m.order)))], { numRuns: 300 })(
    'a relabelled copy (with edges repeated and reversed) is isomorphic, and the map found is one',
    ([m, perm]) => {
      const a = asGraph(m);
      const b = simpleGraph(m.order, [...m.edges, ...m.edges].map(([u, v]) => [perm[v], perm[u]] as [number, number]));
      expect(invariantKey(a)).toBe(invariantKey(b));
      const map = findIsomorphism(a, b);
      expect(map).not.toBeNull();
      for (let u = 0; u < a.order; u++) {
        for (const v of a.neighbours[u]) expect(b.neighbours[map![u]]).toContain(map![v]);
      }
    },
  );

  it('ignores ids, ports and repeated edges of program graphs', () => {
    const g1 = simpleGraphOf({
      nodes: [0, 1, 3],
      edges: [
        { id: 2, source: 0, sourcePort: 0, target: 1, targetPort: 0 },
        { id: 4, source: 1, sourcePort: 1, target: 3, targetPort: 0 },
        { id: 5, source: 3, sourcePort: 1, target: 1, targetPort: 2 },
      ],
      nextId: 6,
      maxConn: 10,
    });
    const path = simpleGraph(3, [
      [2, 0],
      [0, 1],
    ]);
    expect(isomorphic(g1, path)).toBe(true);
    expect(isomorphic(g1, simpleGraph(3, [[0, 1], [1, 2], [0, 2]]))).toBe(false);
  });

  it('counts 1, 2, 6, 21, 112 connected graphs on 2..6 vertices (142 in all)', () => {
    const counts = [2, 3, 4, 5, 6].map((n) => connectedGraphs(n).length);
    expect(counts).toEqual([1, 2, 6, 21, 112]);
  });

  it('a catalog holds one graph per class and keeps the first payload', () => {
    const catalog = new GraphCatalog<string>();
    expect(catalog.add(simpleGraph(3, [[0, 1], [1, 2]]), 'first').added).toBe(true);
    const again = catalog.add(simpleGraph(3, [[2, 0], [0, 1]]), 'second');
    expect(again.added).toBe(false);
    expect(again.entry.payload).toBe('first');
    expect(catalog.add(simpleGraph(3, [[0, 1], [1, 2], [2, 0]]), 'triangle').added).toBe(true);
    expect(catalog.size).toBe(2);
  });
});
