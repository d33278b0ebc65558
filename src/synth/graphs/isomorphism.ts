/**
 * Graphs up to isomorphism. A program's output is compared as a simple undirected graph:
 * ids and ports do not matter, and repeated edges between the same pair count once.
 *
 * Each graph gets an invariant key (node count, sorted degree sequence, Weisfeiler-Lehman
 * colour histogram); graphs with equal keys are compared exactly by backtracking over
 * vertex maps that preserve WL colours, so the catalog never merges non-isomorphic graphs.
 */
import type { ProgramGraph } from '../../dsl/graph.ts';

/** A simple graph on vertices 0..n-1: sorted neighbour lists, no repeated edges. */
export interface SimpleGraph {
  readonly order: number;
  readonly neighbours: readonly (readonly number[])[];
  /** Vertices with an edge to themselves (never built by the graph DSL; kept so nothing is lost). */
  readonly loops: readonly boolean[];
}

/** Builds a simple graph from vertex count and an edge list (repeats ignored). */
export function simpleGraph(order: number, edges: Iterable<readonly [number, number]>): SimpleGraph {
  const sets = Array.from({ length: order }, () => new Set<number>());
  const loops = new Array<boolean>(order).fill(false);
  for (const [u, v] of edges) {
    if (!(u >= 0 && u < order && v >= 0 && v < order)) throw new RangeError(`edge (${u}, ${v}) outside vertices 0..${order - 1}`);
    if (u === v) loops[u] = true;
    else {
      sets[u].add(v);
      sets[v].add(u);
    }
  }
  return { order, neighbours: sets.map((s) => [...s].sort((a, b) => a - b)), loops };
}

/** The simple-graph view of a program's output (node ids renumbered in increasing order). */
export function simpleGraphOf(graph: ProgramGraph): SimpleGraph {
  const position = new Map<number, number>();
  graph.nodes.forEach((id, i) => position.set(id, i));
  const edges: [number, number][] = graph.edges.map((e) => {
    const u = position.get(e.source);
    const v = position.get(e.target);
    if (u === undefined || v === undefined) throw new Error(`edge ${e.id} refers to a node that is not in the graph`);
    return [u, v];
  });
  return simpleGraph(graph.nodes.length, edges);
}

export function edgeCount(g: SimpleGraph): number {
  let twice = 0;
  for (const ns of g.neighbours) twice += ns.length;
  return twice / 2 + g.loops.filter(Boolean).length;
}

export function isConnected(g: SimpleGraph): boolean {
  if (g.order === 0) return true;
  const seen = new Uint8Array(g.order);
  const stack = [0];
  seen[0] = 1;
  let reached = 1;
  while (stack.length > 0) {
    const u = stack.pop()!;
    for (const v of g.neighbours[u]) {
      if (!seen[v]) {
        seen[v] = 1;
        reached++;
        stack.push(v);
      }
    }
  }
  return reached === g.order;
}

/**
 * Weisfeiler-Lehman colours: start from (degree, loop), refine by the sorted multiset of
 * neighbour colours until the number of classes stops growing. Colours are hashes of the
 * refinement history, so equal colours in two graphs mean the same history.
 */
export function weisfeilerLehmanColours(g: SimpleGraph): Uint32Array {
  let colours = new Uint32Array(g.order);
  for (let v = 0; v < g.order; v++) colours[v] = mix(mix(0x9e3779b9, g.neighbours[v].length), g.loops[v] ? 1 : 0);
  let classes = countDistinct(colours);
  for (let round = 0; round < g.order; round++) {
    const next = new Uint32Array(g.order);
    for (let v = 0; v < g.order; v++) {
      const around = g.neighbours[v].map((u) => colours[u]).sort((a, b) => a - b);
      let h = mix(0x85ebca6b, colours[v]);
      for (const c of around) h = mix(h, c);
      next[v] = h;
    }
    const nextClasses = countDistinct(next);
    colours = next;
    if (nextClasses === classes) break;
    classes = nextClasses;
  }
  return colours;
}

/** An isomorphism invariant: equal for isomorphic graphs (rarely equal otherwise). */
export function invariantKey(g: SimpleGraph, colours = weisfeilerLehmanColours(g)): string {
  const degrees = g.neighbours.map((ns) => ns.length).sort((a, b) => a - b);
  const histogram = Array.from(colours).sort((a, b) => a - b);
  let h = 0x27d4eb2f;
  for (const c of histogram) h = mix(h, c);
  return `${g.order}:${degrees.join('.')}:${(h >>> 0).toString(16)}`;
}

/** Exact isomorphism test: backtracking over colour-preserving vertex maps. */
export function isomorphic(a: SimpleGraph, b: SimpleGraph): boolean {
  return findIsomorphism(a, b) !== null;
}

/** Whether `small` is isomorphic to a subgraph of `big` (not necessarily induced). */
export function embeds(small: SimpleGraph, big: SimpleGraph): boolean {
  if (small.order > big.order || edgeCount(small) > edgeCount(big)) return false;
  const n = small.order;
  // Most constrained vertices first.
  const order = [...Array(n).keys()].sort((a, b) => small.neighbours[b].length - small.neighbours[a].length);
  const adjacent = big.neighbours.map((ns) => new Set(ns));
  return (
    injectiveMap(order, big.order, (v, w, _k, map) => {
      if (big.neighbours[w].length < small.neighbours[v].length) return false;
      return small.neighbours[v].every((u) => map[u] < 0 || adjacent[w].has(map[u]));
    }) !== null
  );
}

/** A vertex map from `a` to `b` that preserves adjacency, or null when none exists. */
export function findIsomorphism(
  a: SimpleGraph,
  b: SimpleGraph,
  coloursA = weisfeilerLehmanColours(a),
  coloursB = weisfeilerLehmanColours(b),
): number[] | null {
  const n = a.order;
  if (n !== b.order || edgeCount(a) !== edgeCount(b)) return null;
  if (!sameMultiset(coloursA, coloursB)) return null;
  const adjacentB = b.neighbours.map((ns) => new Set(ns));
  // Map vertices in an order where each is adjacent to an earlier one when possible,
  // rarest colour first, so adjacency checks prune early.
  const frequency = new Map<number, number>();
  for (const c of coloursA) frequency.set(c, (frequency.get(c) ?? 0) + 1);
  const order: number[] = [];
  const placed = new Uint8Array(n);
  while (order.length < n) {
    let best = -1;
    let bestScore = -Infinity;
    for (let v = 0; v < n; v++) {
      if (placed[v]) continue;
      const linked = a.neighbours[v].filter((u) => placed[u]).length;
      const score = linked * 1000 - frequency.get(coloursA[v])!;
      if (score > bestScore) {
        bestScore = score;
        best = v;
      }
    }
    placed[best] = 1;
    order.push(best);
  }
  return injectiveMap(order, n, (v, w, k, map) => {
    if (coloursB[w] !== coloursA[v] || a.loops[v] !== b.loops[w]) return false;
    if (a.neighbours[v].length !== b.neighbours[w].length) return false;
    for (let j = 0; j < k; j++) {
      const u = order[j];
      if (a.neighbours[v].includes(u) !== adjacentB[w].has(map[u])) return false;
    }
    return true;
  });
}

/**
 * Backtracking over injective vertex maps: `order[k]` (k = 0, 1, ...) goes to the first unused
 * target vertex that `fits` it given the map so far (`map[u]` = -1 for vertices not yet placed);
 * the first complete map, indexed by source vertex, or null.
 */
function injectiveMap(
  order: readonly number[],
  targets: number,
  fits: (v: number, w: number, k: number, map: readonly number[]) => boolean,
): number[] | null {
  const map = new Array<number>(order.length).fill(-1);
  const used = new Uint8Array(targets);
  const extend = (k: number): boolean => {
    if (k === order.length) return true;
    const v = order[k];
    for (let w = 0; w < targets; w++) {
      if (used[w] || !fits(v, w, k, map)) continue;
      map[v] = w;
      used[w] = 1;
      if (extend(k + 1)) return true;
      used[w] = 0;
      map[v] = -1;
    }
    return false;
  };
  return extend(0) ? map : null;
}

/** One class of isomorphic graphs held by a catalog, with its representative's payload. */
export interface CatalogEntry<T> {
  readonly key: string;
  readonly graph: SimpleGraph;
  readonly colours: Uint32Array;
  payload: T;
}

/** A set of graphs up to isomorphism, each class carrying a payload (e.g. its best program). */
export class GraphCatalog<T> {
  private readonly buckets = new Map<string, CatalogEntry<T>[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The class of `graph`, if held. */
  find(graph: SimpleGraph): CatalogEntry<T> | undefined {
    const colours = weisfeilerLehmanColours(graph);
    return this.lookup(graph, colours, invariantKey(graph, colours));
  }

  /** Adds `graph` unless an isomorphic one is held; returns its class and whether it is new. */
  add(graph: SimpleGraph, payload: T): { entry: CatalogEntry<T>; added: boolean } {
    const colours = weisfeilerLehmanColours(graph);
    const key = invariantKey(graph, colours);
    const held = this.lookup(graph, colours, key);
    if (held) return { entry: held, added: false };
    const entry: CatalogEntry<T> = { key, graph, colours, payload };
    const bucket = this.buckets.get(key);
    if (bucket) bucket.push(entry);
    else this.buckets.set(key, [entry]);
    this.count++;
    return { entry, added: true };
  }

  *entries(): Generator<CatalogEntry<T>> {
    for (const bucket of this.buckets.values()) yield* bucket;
  }

  private lookup(graph: SimpleGraph, colours: Uint32Array, key: string): CatalogEntry<T> | undefined {
    const bucket = this.buckets.get(key);
    return bucket?.find((e) => findIsomorphism(graph, e.graph, colours, e.colours) !== null);
  }
}

function mix(h: number, value: number): number {
  h = Math.imul(h ^ value, 0x01000193) >>> 0;
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) >>> 0;
}

function countDistinct(values: Uint32Array): number {
  return new Set(values).size;
}

function sameMultiset(a: Uint32Array, b: Uint32Array): boolean {
  const x = Array.from(a).sort((p, q) => p - q);
  const y = Array.from(b).sort((p, q) => p - q);
  return x.every((v, i) => v === y[i]);
}
