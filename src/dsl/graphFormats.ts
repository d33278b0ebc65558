/**
 * Output forms of a program graph: the original system's JSON (and back), a graphology
 * MultiGraph, and Graphviz DOT.
 */
import graphology from 'graphology';
import type { MultiGraph as MultiGraphType } from 'graphology';
import type { GraphEdge, ProgramGraph } from './graph.ts';
import { err, ok, type Result } from './result.ts';

/** One entry of the original's edge map: `[[node, port], [edge_id, neighbour]]`. */
export type OriginalEdgeEntry = [[number, number], [number, number]];

/** The original's graph JSON (antireduce-graphs `Graph.yojson_of_t`). */
export interface OriginalGraphJson {
  edges: OriginalEdgeEntry[];
  next_id: number;
  /** Node count. */
  size: number;
  max_conn: number;
}

/**
 * The original's JSON: each edge listed from both ends, keyed by (node, port), in the order the
 * original wrote its map (a fold that prepends, so keys descend: node, then port).
 */
export function toOriginalJson(graph: ProgramGraph): OriginalGraphJson {
  const entries: OriginalEdgeEntry[] = [];
  for (const e of graph.edges) {
    entries.push([[e.source, e.sourcePort], [e.id, e.target]]);
    entries.push([[e.target, e.targetPort], [e.id, e.source]]);
  }
  entries.sort((a, b) => b[0][0] - a[0][0] || b[0][1] - a[0][1]);
  return { edges: entries, next_id: graph.nextId, size: graph.nodes.length, max_conn: graph.maxConn };
}

/**
 * Reads the original's JSON back, checking that it describes a well-formed graph. The JSON
 * does not say which end held the cursor, so each edge's `source` is its lower node id.
 */
export function fromOriginalJson(json: unknown): Result<ProgramGraph, string> {
  if (typeof json !== 'object' || json === null) return err('graph JSON must be an object');
  const { edges, next_id: nextId, size, max_conn: maxConn } = json as Record<string, unknown>;
  for (const [field, v] of [['next_id', nextId], ['size', size], ['max_conn', maxConn]] as const) {
    if (!Number.isInteger(v) || (v as number) < 0) return err(`graph JSON field "${field}" must be a non-negative integer`);
  }
  if (!Array.isArray(edges)) return err('graph JSON field "edges" must be an array');
  const halves = new Map<number, { node: number; port: number; neighbour: number }[]>();
  const seenSlots = new Set<string>();
  for (let i = 0; i < edges.length; i++) {
    const entry = edges[i];
    const where = `edges[${i}]`;
    if (
      !Array.isArray(entry) ||
      entry.length !== 2 ||
      !entry.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every(Number.isInteger))
    ) {
      return err(`${where} must look like [[node, port], [edge_id, neighbour]]`);
    }
    const [[node, port], [id, neighbour]] = entry as OriginalEdgeEntry;
    if (port < 0 || port >= (maxConn as number)) return err(`${where}: port ${port} is outside [0, ${maxConn})`);
    if ([id, node, neighbour].some((v) => v < 0 || v >= (nextId as number))) {
      return err(`${where}: ids must lie in [0, next_id = ${nextId})`);
    }
    const slot = `${node}:${port}`;
    if (seenSlots.has(slot)) return err(`${where}: node ${node} port ${port} is listed twice`);
    seenSlots.add(slot);
    const list = halves.get(id) ?? [];
    list.push({ node, port, neighbour });
    halves.set(id, list);
  }
  const graphEdges: GraphEdge[] = [];
  for (const [id, ends] of halves) {
    const [a, b] = ends;
    if (ends.length !== 2 || a.neighbour !== b.node || b.neighbour !== a.node || a.node === b.node) {
      return err(`edge ${id} must be listed exactly once from each of its two distinct ends`);
    }
    const [low, high] = a.node < b.node ? [a, b] : [b, a];
    graphEdges.push({ id, source: low.node, sourcePort: low.port, target: high.node, targetPort: high.port });
  }
  graphEdges.sort((x, y) => x.id - y.id);
  const edgeIds = new Set(graphEdges.map((e) => e.id));
  const nodes: number[] = [];
  for (let id = 0; id < (nextId as number); id++) if (!edgeIds.has(id)) nodes.push(id);
  const nodeSet = new Set(nodes);
  for (const e of graphEdges) {
    if (!nodeSet.has(e.source) || !nodeSet.has(e.target)) return err(`edge ${e.id} ends on an id used by an edge`);
  }
  if (nodes.length !== size) {
    return err(`"size" is ${size} but ids not taken by edges give ${nodes.length} nodes (next_id = ${nextId})`);
  }
  return ok({ nodes, edges: graphEdges, nextId: nextId as number, maxConn: maxConn as number });
}

export interface NodeAttributes {
  id: number;
}
export interface EdgeAttributes {
  id: number;
  sourcePort: number;
  targetPort: number;
}

/** An undirected graphology MultiGraph: node and edge keys are the ids, ports are edge attributes. */
export function toGraphology(graph: ProgramGraph): MultiGraphType<NodeAttributes, EdgeAttributes> {
  const g = new graphology.MultiUndirectedGraph<NodeAttributes, EdgeAttributes>();
  for (const id of graph.nodes) g.addNode(String(id), { id });
  for (const e of graph.edges) {
    g.addEdgeWithKey(String(e.id), String(e.source), String(e.target), {
      id: e.id,
      sourcePort: e.sourcePort,
      targetPort: e.targetPort,
    });
  }
  return g as unknown as MultiGraphType<NodeAttributes, EdgeAttributes>;
}

/** Graphviz DOT: nodes by id, each edge labelled with its id and its ports at both ends. */
export function toDot(graph: ProgramGraph, name = 'program'): string {
  const lines = [`graph ${JSON.stringify(name)} {`];
  for (const id of graph.nodes) lines.push(`  n${id} [label="${id}"];`);
  for (const e of graph.edges) {
    lines.push(`  n${e.source} -- n${e.target} [label="${e.id}", taillabel="${e.sourcePort}", headlabel="${e.targetPort}"];`);
  }
  lines.push('}');
  return lines.join('\n');
}
