/**
 * Graph states up to renaming: a canonical key (equal exactly when two states differ only in
 * node and edge ids) and the state's graph as a simple graph for isomorphism checks.
 */
import { edgeList, nodeIds, type GraphState } from '../../dsl/domains/graph.ts';
import { simpleGraph, type SimpleGraph } from './isomorphism.ts';

/**
 * A key equal for two states exactly when one is the other with node and edge ids renamed
 * (ports, cursor, current port and stack kept). The domain only compares ids for equality
 * and takes new ids from the counter, so such states build isomorphic graphs under every
 * continuation: merging them is sound when outputs are compared up to isomorphism.
 * Nodes are numbered by a breadth-first walk from the cursor, then from the stack (top
 * first), taking edges in port order; a port holds at most one edge per node, so the walk
 * is canonical. Nodes it cannot reach are numbered in id order (still sound, merges less).
 * `saved` cursors (e.g. the states a pending `func` returns to) are part of the key, in order.
 * With `relativePorts`, ports are counted from the current one: every primitive treats ports
 * alike up to rotation (`next_port`/`prev_port` cycle them), so states equal up to rotating
 * all ports build isomorphic graphs under every continuation, too.
 */
export function canonicalStateKey(s: GraphState, saved: readonly SavedCursor[] = NO_SAVED, relativePorts = false): string {
  const g = s.graph;
  const maxConn = g.maxConn;
  const shift = relativePorts ? maxConn - s.port : 0;
  const ids = g.nextId;
  let stackDepth = 0;
  for (let n = s.conn; n !== null; n = n.below) stackDepth++;
  for (const c of saved) for (let n = c.conn; n !== null; n = n.below) stackDepth++;
  const { neighbourAt, label, order, codes } = keyScratch(ids, maxConn, 2 + 3 * ids + stackDepth + 3 * saved.length);
  neighbourAt.fill(-1, 0, ids * maxConn);
  label.fill(-1, 0, ids);
  for (let e = g.edges; e !== null; e = e.older) {
    const port = (e.port + shift) % maxConn;
    neighbourAt[e.cursor * maxConn + port] = e.neighbour;
    neighbourAt[e.neighbour * maxConn + port] = e.cursor;
    label[e.id] = -2; // an edge id, never a node
  }
  let labelled = visitFrom(s.pos, 0, maxConn, neighbourAt, label, order);
  for (let n = s.conn; n !== null; n = n.below) labelled = visitFrom(n.node, labelled, maxConn, neighbourAt, label, order);
  for (const c of saved) {
    labelled = visitFrom(c.pos, labelled, maxConn, neighbourAt, label, order);
    for (let n = c.conn; n !== null; n = n.below) labelled = visitFrom(n.node, labelled, maxConn, neighbourAt, label, order);
  }
  for (let id = 0; id < ids; id++) labelled = visitFrom(id, labelled, maxConn, neighbourAt, label, order);
  // Size, port, then each edge once as (higher label, port) from its lower end, then the stack.
  let length = 0;
  codes[length++] = g.size;
  codes[length++] = (s.port + shift) % maxConn;
  for (let i = 0; i < labelled; i++) {
    const row = order[i] * maxConn;
    for (let port = 0; port < maxConn; port++) {
      const v = neighbourAt[row + port];
      if (v >= 0 && label[v] > i) {
        codes[length++] = label[v] + 1;
        codes[length++] = port;
      }
    }
    codes[length++] = 0; // end of node i's edges
  }
  for (let n = s.conn; n !== null; n = n.below) codes[length++] = label[n.node];
  for (const c of saved) {
    codes[length++] = SAVED_MARK; // never a label: labels stay below the id count
    codes[length++] = label[c.pos];
    codes[length++] = (c.port + shift) % maxConn;
    for (let n = c.conn; n !== null; n = n.below) codes[length++] = label[n.node];
  }
  return String.fromCharCode.apply(null, codes.subarray(0, length) as unknown as number[]);
}

/** A cursor, port and stack to come back to (what `func` restores after its branch). */
export interface SavedCursor {
  readonly pos: number;
  readonly port: number;
  readonly conn: GraphState['conn'];
}

const NO_SAVED: readonly SavedCursor[] = [];
const SAVED_MARK = 0xffff;

/** Labels the nodes reachable from `root` breadth-first, ports in order (`order` is the queue); returns the count labelled. */
function visitFrom(root: number, labelled: number, maxConn: number, neighbourAt: Int32Array, label: Int32Array, order: Int32Array): number {
  if (label[root] !== -1) return labelled;
  let head = labelled;
  label[root] = labelled;
  order[labelled++] = root;
  while (head < labelled) {
    const row = order[head++] * maxConn;
    for (let port = 0; port < maxConn; port++) {
      const v = neighbourAt[row + port];
      if (v >= 0 && label[v] === -1) {
        label[v] = labelled;
        order[labelled++] = v;
      }
    }
  }
  return labelled;
}

interface KeyScratch {
  neighbourAt: Int32Array;
  label: Int32Array;
  order: Int32Array;
  codes: Uint16Array;
}

let scratch: KeyScratch = { neighbourAt: new Int32Array(0), label: new Int32Array(0), order: new Int32Array(0), codes: new Uint16Array(0) };

/** Buffers reused across calls (keys are built one at a time), grown on demand. */
function keyScratch(ids: number, maxConn: number, codeLength: number): KeyScratch {
  if (scratch.label.length < ids || scratch.neighbourAt.length < ids * maxConn) {
    const n = Math.max(ids, 2 * scratch.label.length, 64);
    scratch = { ...scratch, neighbourAt: new Int32Array(n * maxConn), label: new Int32Array(n), order: new Int32Array(n) };
  }
  if (scratch.codes.length < codeLength) scratch = { ...scratch, codes: new Uint16Array(Math.max(codeLength, 2 * scratch.codes.length)) };
  return scratch;
}

/** The state's graph with nodes numbered 0.. in id order, edges as node pairs. */
export function simpleGraphOfState(state: GraphState): SimpleGraph {
  const ids = nodeIds(state.graph);
  const position = new Map<number, number>();
  ids.forEach((id, i) => position.set(id, i));
  return simpleGraph(
    ids.length,
    edgeList(state.graph).map((e) => [position.get(e.cursor)!, position.get(e.neighbour)!] as [number, number]),
  );
}
