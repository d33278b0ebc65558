/**
 * Control wirings for the structure baselines: chains, stars, complete graphs and random
 * connected graphs, sized to match a program graph's element count (nodes + edges) so that
 * every G-SSNN variant reads z in chunks of the same width. Ids follow the graph domain's
 * convention (one shared counter, nodes and edges interleaved as they are created) and each
 * edge takes the next free port at both ends.
 */
import type { GraphEdge, ProgramGraph } from '../../dsl/graph.ts';
import { Random } from '../../util/random.ts';

export type WiringKind = 'chain' | 'star' | 'complete' | 'random';
export const WIRING_KINDS: readonly WiringKind[] = ['chain', 'star', 'complete', 'random'];

class GraphBuilder {
  private nextId = 0;
  readonly nodes: number[] = [];
  readonly edges: GraphEdge[] = [];
  private readonly used = new Map<number, number>();

  addNode(): number {
    const id = this.nextId++;
    this.nodes.push(id);
    this.used.set(id, 0);
    return id;
  }

  connect(source: number, target: number): void {
    const sourcePort = this.used.get(source)!;
    const targetPort = this.used.get(target)!;
    this.used.set(source, sourcePort + 1);
    this.used.set(target, targetPort + 1);
    this.edges.push({ id: this.nextId++, source, sourcePort, target, targetPort });
  }

  build(maxConn: number): ProgramGraph {
    const busiest = Math.max(0, ...this.used.values());
    return { nodes: this.nodes.slice(), edges: this.edges.slice(), nextId: this.nextId, maxConn: Math.max(maxConn, busiest) };
  }
}

/** A path of `n` nodes. */
export function chainGraph(n: number, maxConn = 10): ProgramGraph {
  const g = new GraphBuilder();
  let previous = g.addNode();
  for (let i = 1; i < n; i++) {
    const node = g.addNode();
    g.connect(previous, node);
    previous = node;
  }
  return g.build(maxConn);
}

/** One hub joined to `n - 1` leaves. */
export function starGraph(n: number, maxConn = 10): ProgramGraph {
  const g = new GraphBuilder();
  const hub = g.addNode();
  for (let i = 1; i < n; i++) g.connect(hub, g.addNode());
  return g.build(maxConn);
}

/** Every pair of `n` nodes joined. */
export function completeGraph(n: number, maxConn = 10): ProgramGraph {
  const g = new GraphBuilder();
  const nodes: number[] = [];
  for (let i = 0; i < n; i++) {
    const node = g.addNode();
    for (const other of nodes) g.connect(other, node);
    nodes.push(node);
  }
  return g.build(maxConn);
}

/**
 * A connected random graph with `n` nodes and `e` edges (n - 1 <= e <= n(n-1)/2): a random
 * spanning tree (each new node joins a uniformly chosen earlier one), then uniformly chosen
 * extra pairs.
 */
export function randomGraph(n: number, e: number, seed: number, maxConn = 10): ProgramGraph {
  if (n < 1) throw new RangeError('a random graph needs at least one node');
  if (e < n - 1 || e > (n * (n - 1)) / 2) throw new RangeError(`cannot wire ${n} nodes connected with ${e} edges`);
  const rng = new Random(seed);
  const g = new GraphBuilder();
  const joined = new Set<string>();
  const key = (a: number, b: number) => (a < b ? `${a}-${b}` : `${b}-${a}`);
  const nodes: number[] = [];
  for (let i = 0; i < n; i++) {
    const node = g.addNode();
    if (nodes.length) {
      const other = rng.choice(nodes);
      g.connect(other, node);
      joined.add(key(other, node));
    }
    nodes.push(node);
  }
  const free: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (!joined.has(key(nodes[i], nodes[j]))) free.push([nodes[i], nodes[j]]);
  for (const [a, b] of rng.shuffled(free).slice(0, e - (n - 1))) g.connect(a, b);
  return g.build(maxConn);
}

/** Node count of a tree (chain or star) whose element count is closest to `elements`. */
export function treeNodesFor(elements: number): number {
  return Math.max(1, Math.round((elements + 1) / 2));
}

/** Node count of a complete graph whose element count n + n(n-1)/2 is closest to `elements`. */
export function completeNodesFor(elements: number): number {
  let best = 1;
  for (let n = 1; n + (n * (n - 1)) / 2 <= 2 * elements + 2; n++) {
    if (Math.abs(n + (n * (n - 1)) / 2 - elements) < Math.abs(best + (best * (best - 1)) / 2 - elements)) best = n;
  }
  return best;
}

/**
 * A control wiring of the given kind with (about) the same element count as `like`; random
 * graphs match its node and edge counts exactly.
 */
export function controlWiring(kind: WiringKind, like: { nodes: number; edges: number }, seed: number, maxConn = 10): ProgramGraph {
  const elements = like.nodes + like.edges;
  switch (kind) {
    case 'chain':
      return chainGraph(treeNodesFor(elements), maxConn);
    case 'star':
      return starGraph(treeNodesFor(elements), maxConn);
    case 'complete':
      return completeGraph(completeNodesFor(elements), maxConn);
    case 'random': {
      const n = Math.max(1, like.nodes);
      const e = Math.min(Math.max(like.edges, n - 1), (n * (n - 1)) / 2);
      return randomGraph(n, e, seed, maxConn);
    }
  }
}
