/**
 * The graph domain of G-SSNN: the original's `graph_state` machine (antireduce-graphs,
 * state.ml + graph.ml) and its ten primitives, with the original's guards exactly.
 *
 * A state is a graph, a cursor node (`pos`), a current port and a stack of nodes (`conn`).
 * Nodes and edges draw ids from one counter; an edge occupies the same port at both ends.
 * Everything is immutable and shared structurally (edges and the stack are cons lists), so
 * branching primitives (`func`, `if_positions_equal`) can run sub-programs on the same state.
 */
import { DomainFailure, TailCall as ImportedTailCall, type DomainPrimitive, type ProgramFunction } from '../domain.ts';
import type { ProgramGraph } from '../graph.ts';
import { arrow, arrows, tcon, type Type } from '../types.ts';

export const DEFAULT_MAX_CONN = 10;

// A module-local binding: under tsx an imported one is read through a getter on every step.
const TailCall = ImportedTailCall;
const tailCall = <State>(fn: ProgramFunction, state: State) => new TailCall(fn, state);

/** One edge, newest first; `cursor` is the node the cursor stood on when it was connected. */
export interface EdgeCell {
  readonly id: number;
  readonly cursor: number;
  readonly neighbour: number;
  readonly port: number;
  readonly older: EdgeCell | null;
}

export interface GraphStructure {
  /** Edges, newest (highest id) first. */
  readonly edges: EdgeCell | null;
  readonly nextId: number;
  /** Node count. */
  readonly size: number;
  readonly maxConn: number;
  /**
   * The original's component counter: +1 per added node, back to 1 per added edge. The state
   * machine only ever connects the newest node, so this equals the true component count.
   */
  readonly components: number;
}

/** The node stack, top first. */
export interface NodeStack {
  readonly node: number;
  readonly below: NodeStack | null;
}

export interface GraphState {
  readonly graph: GraphStructure;
  readonly pos: number;
  readonly port: number;
  readonly conn: NodeStack | null;
}

const makeState = (graph: GraphStructure, pos: number, port: number, conn: NodeStack | null): GraphState => ({
  graph,
  pos,
  port,
  conn,
});

/** Adds an isolated node; returns its id and the new graph. */
function addNode(g: GraphStructure): [number, GraphStructure] {
  return [
    g.nextId,
    { edges: g.edges, nextId: g.nextId + 1, size: g.size + 1, maxConn: g.maxConn, components: g.components + 1 },
  ];
}

/** The empty graph of the original: one node, id 0. */
export function emptyGraph(maxConn: number = DEFAULT_MAX_CONN): GraphStructure {
  if (!Number.isInteger(maxConn) || maxConn < 1) throw new RangeError(`maxConn must be a positive integer, got ${maxConn}`);
  return addNode({ edges: null, nextId: 0, size: 0, maxConn, components: 0 })[1];
}

export function initialState(maxConn: number = DEFAULT_MAX_CONN): GraphState {
  return makeState(emptyGraph(maxConn), 0, 0, null);
}

/** The edge at (node, port), if any. */
export function edgeAt(g: GraphStructure, node: number, port: number): EdgeCell | null {
  for (let e = g.edges; e !== null; e = e.older) {
    if (e.port === port && (e.cursor === node || e.neighbour === node)) return e;
  }
  return null;
}

/** The neighbour across the edge at the cursor's port (the original's `selected`). */
export function selected(s: GraphState): number | undefined {
  const e = edgeAt(s.graph, s.pos, s.port);
  if (e === null) return undefined;
  return e.cursor === s.pos ? e.neighbour : e.cursor;
}

/** The original's `Graph.add_edge`: a no-op when either port is taken, on a self-loop or a bad id. */
export function addEdge(g: GraphStructure, port: number, cursor: number, neighbour: number): GraphStructure {
  if (
    edgeAt(g, cursor, port) !== null ||
    edgeAt(g, neighbour, port) !== null ||
    cursor === neighbour ||
    cursor < 0 ||
    cursor >= g.nextId ||
    neighbour < 0 ||
    neighbour >= g.nextId
  ) {
    return g;
  }
  if (g.components !== 1 && g.components !== 2) {
    throw new DomainFailure(`add_edge: invalid number of connected components (${g.components})`);
  }
  return {
    edges: { id: g.nextId, cursor, neighbour, port, older: g.edges },
    nextId: g.nextId + 1,
    size: g.size,
    maxConn: g.maxConn,
    components: 1,
  };
}

const hasIsolated = (s: GraphState): boolean => s.graph.components > 1;

export const graphStateType: Type = tcon('S');
const transform = arrow(graphStateType, graphStateType);
const cpsType = (continuations: number): Type => arrows(Array(continuations).fill(transform), transform);

type GraphPrimitive = DomainPrimitive<GraphState>;

/** A primitive that changes the state, then continues with its one continuation. */
function step(update: (s: GraphState) => GraphState): GraphPrimitive {
  return { type: cpsType(1), arity: 1, implementation: (args, s) => tailCall(args[0], update(s)) };
}

/** The ten primitives of the original's initial DSL, in its order. */
export const graphPrimitives: Readonly<Record<string, GraphPrimitive>> = {
  identity: { type: transform, arity: 0, implementation: (_args, s) => s },

  next_port: step((s) => makeState(s.graph, s.pos, (s.port + 1) % s.graph.maxConn, s.conn)),

  prev_port: step((s) => makeState(s.graph, s.pos, s.port === 0 ? s.graph.maxConn - 1 : s.port - 1, s.conn)),

  // Runs f for its graph only; keeps cursor, port and stack; drops a graph left disconnected.
  func: {
    type: cpsType(2),
    arity: 2,
    implementation: ([f, g], s, run) => {
      const after = run(f, s).graph;
      return tailCall(g, after.components > 1 ? s : makeState(after, s.pos, s.port, s.conn));
    },
  },

  // Compares the cursor after f and after g (from the same state), runs h or k, then l.
  if_positions_equal: {
    type: cpsType(5),
    arity: 5,
    implementation: ([f, g, h, k, l], s, run) => {
      const equal = run(f, s).pos === run(g, s).pos;
      return tailCall(l, run(equal ? h : k, s));
    },
  },

  move: step((s) => {
    const to = selected(s);
    return to === undefined ? s : makeState(s.graph, to, s.port, s.conn);
  }),

  // Needs a node to connect back to and no node left isolated.
  add: step((s) => {
    if (s.conn === null || hasIsolated(s)) return s;
    const [node, graph] = addNode(s.graph);
    return makeState(graph, node, s.port, s.conn);
  }),

  push: step((s) => makeState(s.graph, s.pos, s.port, { node: s.pos, below: s.conn })),

  // With an isolated node, keeps the stack unless something other than the cursor stays on it.
  pop: step((s) => {
    if (!hasIsolated(s)) return s.conn === null ? s : makeState(s.graph, s.pos, s.port, s.conn.below);
    if (s.conn === null) throw new DomainFailure('pop: isolated node has no way to connect with neighbors');
    for (let n = s.conn.below; n !== null; n = n.below) {
      if (n.node !== s.pos) return makeState(s.graph, s.pos, s.port, s.conn.below);
    }
    return s;
  }),

  // Connects the cursor to the top of the stack at the current port, when that port is free.
  connect: step((s) => {
    if (selected(s) !== undefined || s.conn === null) return s;
    const graph = addEdge(s.graph, s.port, s.pos, s.conn.node);
    return graph === s.graph ? s : makeState(graph, s.pos, s.port, s.conn);
  }),
};

/** Node ids in increasing order: every id of the shared counter that no edge took. */
export function nodeIds(g: GraphStructure): number[] {
  const isEdge = new Uint8Array(g.nextId);
  for (let e = g.edges; e !== null; e = e.older) isEdge[e.id] = 1;
  const nodes: number[] = [];
  for (let id = 0; id < g.nextId; id++) if (isEdge[id] === 0) nodes.push(id);
  return nodes;
}

/** Edges in increasing id order. */
export function edgeList(g: GraphStructure): EdgeCell[] {
  const edges: EdgeCell[] = [];
  for (let e = g.edges; e !== null; e = e.older) edges.push(e);
  return edges.reverse();
}

/** The shared graph currency (src/dsl/graph.ts); `source` is the node the cursor stood on. */
export function toProgramGraph(g: GraphStructure): ProgramGraph {
  return {
    nodes: nodeIds(g),
    edges: edgeList(g).map((e) => ({
      id: e.id,
      source: e.cursor,
      sourcePort: e.port,
      target: e.neighbour,
      targetPort: e.port,
    })),
    nextId: g.nextId,
    maxConn: g.maxConn,
  };
}
