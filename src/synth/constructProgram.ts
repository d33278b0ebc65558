/**
 * A direct construction of a graph program for any connected simple graph whose edges can be
 * coloured with the available ports: not the smallest program, but one found in linear time,
 * which bounds the size a goal-directed search has to look at.
 *
 * Edges get a proper colouring (greedy, colours = port numbers), so every edge can occupy the
 * same port at both ends as the domain requires. A depth-first spanning tree is grown with
 * one `func` branch per child (`push`, port, `add`, `connect`, then the child's subtree), so
 * the cursor, port and stack come back after each child. Each remaining edge (x, y) is then
 * added in a branch that walks the tree from the root to y (`move` along tree edges), pushes
 * y, walks on to x and connects.
 */
import { app, prim, type Term } from '../dsl/term.ts';
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
  const treeEdge = new Set<number>();
  for (let v = 1; v < n; v++) treeEdge.add(key(v, parent[v]));

  // Instructions in evaluation order; `branch` opens a func whose first argument runs until `end`.
  type Instruction = string | { branch: Instruction[] };
  const portMoves = (from: number, to: number): string[] => {
    const up = (to - from + maxConn) % maxConn;
    const down = (from - to + maxConn) % maxConn;
    return up <= down ? Array(up).fill('next_port') : Array(down).fill('prev_port');
  };
  // Grows u's subtree; the cursor stands on u at `port`.
  const grow = (u: number, port: number): Instruction[] =>
    children[u].map((v) => {
      const c = colour.get(key(u, v))!;
      return { branch: ['push', ...portMoves(port, c), 'add', 'connect', ...grow(v, c)] };
    });
  const pathFromRoot = (v: number): number[] => {
    const path = [v];
    while (path[0] !== 0) path.unshift(parent[path[0]]);
    return path;
  };
  // Walks along tree edges from path[0] to its last node; returns the moves and the final port.
  const walk = (path: number[], port: number): [string[], number] => {
    const out: string[] = [];
    for (let i = 1; i < path.length; i++) {
      const c = colour.get(key(path[i - 1], path[i]))!;
      out.push(...portMoves(port, c), 'move');
      port = c;
    }
    return [out, port];
  };
  const program: Instruction[] = grow(0, 0);
  for (let x = 0; x < n; x++) {
    for (const y of graph.neighbours[x]) {
      if (y <= x || treeEdge.has(key(x, y))) continue;
      const [toY, atY] = walk(pathFromRoot(y), 0);
      // From y back up to the common ancestor and down to x.
      const upPath = pathFromRoot(y).reverse();
      const downPath = pathFromRoot(x);
      const common = downPath.filter((v) => upPath.includes(v)).at(-1)!;
      const route = [...upPath.slice(0, upPath.indexOf(common) + 1), ...downPath.slice(downPath.indexOf(common) + 1)];
      const [toX, atX] = walk(route, atY);
      const c = colour.get(key(x, y))!;
      program.push({ branch: [...toY, 'push', ...toX, ...portMoves(atX, c), 'connect'] });
    }
  }
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
