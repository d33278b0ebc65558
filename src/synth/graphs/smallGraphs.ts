/**
 * The reference set for coverage: every connected simple graph on 2..n vertices, one per
 * isomorphism class (1 + 2 + 6 + 21 + 112 = 142 classes for n = 6, OEIS A001349).
 * Built by trying every edge subset, so it depends on nothing but the catalog.
 */
import { GraphCatalog, isConnected, simpleGraph, type SimpleGraph } from './isomorphism.ts';

export function connectedGraphs(order: number): SimpleGraph[] {
  if (order > 7) throw new RangeError(`connectedGraphs: ${order} vertices means 2^${(order * (order - 1)) / 2} edge subsets; at most 7`);
  const pairs: [number, number][] = [];
  for (let u = 0; u < order; u++) for (let v = u + 1; v < order; v++) pairs.push([u, v]);
  const catalog = new GraphCatalog<null>();
  // A connected graph needs at least order - 1 edges; skipping sparser subsets is only a shortcut.
  for (let mask = 0; mask < 1 << pairs.length; mask++) {
    if (popCount(mask) < order - 1) continue;
    const graph = simpleGraph(order, pairs.filter((_, i) => mask & (1 << i)));
    if (isConnected(graph)) catalog.add(graph, null);
  }
  return [...catalog.entries()].map((e) => e.graph);
}

/** All connected graphs with `from` to `to` vertices, up to isomorphism. */
export function connectedGraphsBetween(from: number, to: number): SimpleGraph[] {
  const out: SimpleGraph[] = [];
  for (let n = from; n <= to; n++) out.push(...connectedGraphs(n));
  return out;
}

function popCount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}
