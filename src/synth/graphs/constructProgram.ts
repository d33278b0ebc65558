/**
 * A direct construction of a graph program for any connected simple graph whose edges can be
 * coloured with the available ports: not the smallest program, but one found in linear time,
 * which bounds the size a goal-directed search has to look at.
 *
 * Edges get a proper colouring (greedy, colours = port numbers), so every edge can occupy the
 * same port at both ends as the domain requires. A depth-first spanning tree is grown with
 * one `func` branch per child but the last (`push`, port, `add`, `connect`, then the child's
 * subtree), so the cursor, port and stack come back after each child. In a depth-first tree
 * every other edge joins a node to one of its ancestors, which lie on the stack: it is added
 * from the node, in a branch that pops down to the ancestor and connects.
 */
import { app, prim, type Term } from '../../dsl/term.ts';
import type { SimpleGraph } from './isomorphism.ts';

/** The program, or why the graph cannot be built with `maxConn` ports. */
export function constructProgram(graph: SimpleGraph, maxConn: number): { ok: true; term: Term } | { ok: false; reason: string } {
  const colour = edgeColouring(graph, maxConn);
  if (colour === null) return { ok: false, reason: `its edges need more than ${maxConn} port numbers in a greedy colouring` };
  const n = graph.order;
  const parent = new Array<number>(n).fill(-1);
  const children: number[][] = Array.from({ length: n }, () => []);
  const seen = new Uint8Array(n);
  const dfs = (u: number) => {
    seen[u] = 1;
    for (const v of graph.neighbours[u]) {
      if (seen[v]) continue;
      parent[v] = u;
      children[u].push(v);
      dfs(v);
    }
  };
  dfs(0);
  const key = (u: number, v: number) => (u < v ? u * n + v : v * n + u);
  const depth = new Array<number>(n).fill(0);
  for (const u of preorder(children)) for (const v of children[u]) depth[v] = depth[u] + 1;

  // Instructions in evaluation order; `branch` opens a func whose first argument runs until `end`.
  type Instruction = string | { branch: Instruction[] };
  const portMoves = (from: number, to: number): string[] => {
    const up = (to - from + maxConn) % maxConn;
    const down = (from - to + maxConn) % maxConn;
    return up <= down ? Array(up).fill('next_port') : Array(down).fill('prev_port');
  };
  // Builds what hangs below u: the cursor stands on u at `port`, the stack holds u's ancestors
  // (parent on top). Depth-first, every other edge joins a node to an ancestor: it is added from
  // the descendant, in a branch that pops down to the ancestor and connects.
  const grow = (u: number, port: number): Instruction[] => {
    const out: Instruction[] = [];
    for (const w of graph.neighbours[u]) {
      if (depth[w] >= depth[u] - 1) continue; // a child, the parent, or a descendant (added from there)
      out.push({ branch: [...Array(depth[u] - depth[w] - 1).fill('pop'), ...portMoves(port, colour.get(key(u, w))!), 'connect'] });
    }
    children[u].forEach((v, i) => {
      const c = colour.get(key(u, v))!;
      const body: Instruction[] = ['push', ...portMoves(port, c), 'add', 'connect', ...grow(v, c)];
      // The last child needs no branch: nothing after it needs the cursor back.
      if (i === children[u].length - 1) out.push(...body);
      else out.push({ branch: body });
    });
    return out;
  };
  const program = grow(0, 0);
  return { ok: true, term: termOf(program) };

  function termOf(instructions: Instruction[]): Term {
    let term: Term = prim('identity');
    for (let i = instructions.length - 1; i >= 0; i--) {
      const ins = instructions[i];
      term = typeof ins === 'string' ? app(prim(ins), term) : app(app(prim('func'), termOf(ins.branch)), term);
    }
    return term;
  }
}

/** Nodes of a rooted tree, parents before children. */
function preorder(children: readonly (readonly number[])[]): number[] {
  const order = [0];
  for (let i = 0; i < order.length; i++) order.push(...children[order[i]]);
  return order;
}

/** A proper edge colouring with colours below `colours` (greedy), keyed by u * n + v (u < v). */
function edgeColouring(graph: SimpleGraph, colours: number): Map<number, number> | null {
  const n = graph.order;
  const used: Set<number>[] = Array.from({ length: n }, () => new Set());
  const colour = new Map<number, number>();
  for (let u = 0; u < n; u++) {
    for (const v of graph.neighbours[u]) {
      if (v <= u) continue;
      let c = 0;
      while (used[u].has(c) || used[v].has(c)) c++;
      if (c >= colours) return null;
      used[u].add(c);
      used[v].add(c);
      colour.set(u * n + v, c);
    }
  }
  return colour;
}
