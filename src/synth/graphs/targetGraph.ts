/**
 * Reads a target graph for goal-directed synthesis from text: the original system's graph
 * JSON (or one of its program records, graph under "output"), our `ProgramGraph` JSON, Graphviz DOT (`a -- b` edges, as `synth eval --format dot`
 * writes), or a plain edge list (`0-1 1-2`, `0 1` per line, commas allowed). Node names
 * are any tokens; they are numbered in order of appearance. Graphs are compared as simple
 * graphs (the project's notion of isomorphism), so repeated edges count once.
 */
import { fromOriginalJson } from '../../dsl/graphFormats.ts';
import type { ProgramGraph } from '../../dsl/graph.ts';
import { err, ok, type Result } from '../../dsl/result.ts';
import { isConnected, simpleGraph, simpleGraphOf, type SimpleGraph } from './isomorphism.ts';

export type TargetFormat = 'original-json' | 'json' | 'dot' | 'edges';

export interface TargetGraph {
  readonly graph: SimpleGraph;
  readonly format: TargetFormat;
  /** Node names as written, by vertex number. */
  readonly names: readonly string[];
}

/** Parses and checks a target: connected, no self-loops, at least one node. */
export function parseTargetGraph(text: string): Result<TargetGraph, string> {
  const parsed = parseAny(text.trim());
  if (!parsed.ok) return parsed;
  const { graph, names } = parsed.value;
  if (graph.order === 0) return err('the graph has no nodes');
  const loop = graph.loops.findIndex(Boolean);
  if (loop >= 0) return err(`node ${names[loop]} has an edge to itself; graph programs never build self-loops`);
  if (!isConnected(graph)) return err(`the graph is not connected (${graph.order} nodes); graph programs build connected graphs only`);
  return parsed;
}

function parseAny(text: string): Result<TargetGraph, string> {
  if (text === '') return err('the graph text is empty');
  if (text.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return err(`graph JSON does not parse: ${(e as Error).message}`);
    }
    return fromJson(json);
  }
  if (/^(strict\s+)?(di)?graph\b/i.test(text)) return fromDot(text);
  return fromEdgeList(text);
}

/** The original's JSON (`edges`, `next_id`, `size`, `max_conn`) or a `ProgramGraph` (`nodes`, `edges`). */
function fromJson(json: unknown): Result<TargetGraph, string> {
  let record = json as Record<string, unknown>;
  // A program record of the original holds its graph under "output".
  if (typeof record.output === 'object' && record.output !== null && 'next_id' in record.output) record = record.output as Record<string, unknown>;
  if ('next_id' in record || 'max_conn' in record) {
    const graph = fromOriginalJson(record);
    if (!graph.ok) return err(`original graph JSON: ${graph.error}`);
    return ok(fromProgramGraph(graph.value, 'original-json'));
  }
  // A program record (`synth eval` output) holds its graph under "graph".
  const inner = 'graph' in record && typeof record.graph === 'object' ? (record.graph as Record<string, unknown>) : record;
  if (!Array.isArray(inner.nodes) || !Array.isArray(inner.edges)) {
    return err('graph JSON must be the original\'s ({"edges", "next_id", "size", "max_conn"}) or ours ({"nodes", "edges": [{"source", "target"}]})');
  }
  const names = new Map<string, number>();
  for (const [i, node] of inner.nodes.entries()) {
    if (!Number.isInteger(node)) return err(`graph JSON nodes[${i}] must be an integer id`);
    names.set(String(node), names.size);
  }
  const edges: [number, number][] = [];
  for (const [i, e] of (inner.edges as unknown[]).entries()) {
    const { source, target } = (e ?? {}) as Record<string, unknown>;
    const u = names.get(String(source));
    const v = names.get(String(target));
    if (u === undefined || v === undefined) return err(`graph JSON edges[${i}] must join two listed nodes ({"source", "target"})`);
    edges.push([u, v]);
  }
  return ok({ graph: simpleGraph(names.size, edges), format: 'json', names: [...names.keys()] });
}

function fromProgramGraph(graph: ProgramGraph, format: TargetFormat): TargetGraph {
  return { graph: simpleGraphOf(graph), format, names: graph.nodes.map(String) };
}

/** DOT: node statements and `a -- b -- c` edge chains; attributes and comments are skipped. */
function fromDot(text: string): Result<TargetGraph, string> {
  const open = text.indexOf('{');
  const close = text.lastIndexOf('}');
  if (open < 0 || close < open) return err('DOT graph: expected a body in braces, e.g. graph { 0 -- 1; 1 -- 2 }');
  const body = text
    .slice(open + 1, close)
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/(^|\n)\s*#[^\n]*/g, '\n')
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const names = new Map<string, number>();
  const vertex = (name: string) => {
    const key = name.replace(/^"(.*)"$/, '$1');
    let v = names.get(key);
    if (v === undefined) names.set(key, (v = names.size));
    return v;
  };
  const edges: [number, number][] = [];
  for (const [i, raw] of body.split(/[;\n]/).entries()) {
    const statement = raw.trim();
    if (statement === '' || /^(graph|node|edge)\b/.test(statement) || /^\w+\s*=/.test(statement)) continue;
    const ends = statement.split(/\s*--\s*|\s*->\s*/);
    if (ends.some((e) => !/^("[^"]*"|[\w.]+)$/.test(e))) return err(`DOT graph: statement ${i + 1} ("${statement}") is not a node or an edge chain like a -- b`);
    const ids = ends.map(vertex);
    for (let k = 0; k + 1 < ids.length; k++) edges.push([ids[k], ids[k + 1]]);
  }
  return ok({ graph: simpleGraph(names.size, edges), format: 'dot', names: [...names.keys()] });
}

/** `0-1 1-2`, `0 1` per line, or `0-1, 1-2`; a lone name on a line is an isolated node. */
function fromEdgeList(text: string): Result<TargetGraph, string> {
  const names = new Map<string, number>();
  const vertex = (name: string) => {
    let v = names.get(name);
    if (v === undefined) names.set(name, (v = names.size));
    return v;
  };
  const edges: [number, number][] = [];
  const lines = text.split('\n');
  for (const [lineIndex, line] of lines.entries()) {
    const content = line.replace(/#.*/, '').trim();
    if (content === '') continue;
    const where = `line ${lineIndex + 1}`;
    const tokens = content.split(/[\s,;]+/).filter((t) => t !== '');
    const dashed = tokens.every((t) => /^[\w.]+-[\w.]+$/.test(t));
    if (dashed) {
      for (const t of tokens) {
        const [u, v] = t.split('-');
        edges.push([vertex(u), vertex(v)]);
      }
    } else if (tokens.length === 2 && tokens.every((t) => /^[\w.]+$/.test(t))) {
      edges.push([vertex(tokens[0]), vertex(tokens[1])]);
    } else if (tokens.length === 1 && /^[\w.]+$/.test(tokens[0])) {
      vertex(tokens[0]);
    } else {
      return err(`edge list ${where}: "${content}" is not an edge; write edges as 0-1 1-2 or "0 1" per line`);
    }
  }
  return ok({ graph: simpleGraph(names.size, edges), format: 'edges', names: [...names.keys()] });
}
