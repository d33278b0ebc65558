/**
 * An independent check of `synth find`'s minimality: breadth-first search by program size over
 * exact states (ids and ports as they are: no renaming, no port rotation, no heuristic, no
 * embedding test), each step run by the evaluator on `op (lam $0)`, `func` branches as saved
 * cursors. `if_positions_equal` is left out (see src/synth/graphs/find.ts for why it is never needed); a separate
 * test enumerates every program, that one included, for the smallest sizes.
 */
import { runOnState } from '../../src/dsl/evaluate.ts';
import { graphPrimitives, initialState, type GraphState } from '../../src/dsl/domains/graph.ts';
import { app, idx, lam, prim } from '../../src/dsl/term.ts';
import { isomorphic, type SimpleGraph, simpleGraphOfState } from '../../src/synth/graphs/index.ts';

interface Saved {
  pos: number;
  port: number;
  conn: GraphState['conn'];
}

const STEPS = ['next_port', 'prev_port', 'move', 'add', 'push', 'pop', 'connect'];

function exactKey(state: GraphState, frames: readonly Saved[]): string {
  const edges: string[] = [];
  for (let e = state.graph.edges; e !== null; e = e.older) edges.push(`${e.id}:${e.cursor}-${e.neighbour}@${e.port}`);
  const stack = (conn: GraphState['conn']) => {
    const out: number[] = [];
    for (let n = conn; n !== null; n = n.below) out.push(n.node);
    return out.join(',');
  };
  return `${state.graph.nextId}|${state.graph.size}|${edges.join(' ')}|${state.pos}/${state.port}/${stack(state.conn)}|${frames.map((f) => `${f.pos}/${f.port}/${stack(f.conn)}`).join(';')}`;
}

/** The smallest size of a program (steps, func, identity) building `target`, or null if none is at most `maxSize`. */
export function bruteForceSmallestSize(target: SimpleGraph, maxSize: number): number | null {
  const probes = STEPS.map((name) => app(prim(name), lam(idx(0))));
  let level: { state: GraphState; frames: Saved[] }[] = [{ state: initialState(), frames: [] }];
  const seen = new Set<string>([exactKey(level[0].state, [])]);
  const maxNodes = target.order;
  for (let size = 1; size <= maxSize; size++) {
    const next: typeof level = [];
    const add = (state: GraphState, frames: Saved[]) => {
      if (state.graph.size > maxNodes) return;
      const key = exactKey(state, frames);
      if (seen.has(key)) return;
      seen.add(key);
      next.push({ state, frames });
    };
    for (const { state, frames } of level) {
      // identity: ends the program or the innermost branch.
      if (frames.length === 0) {
        if (state.graph.components === 1 && isomorphic(simpleGraphOfState(state), target)) return size;
      } else {
        const top = frames[frames.length - 1];
        const graph = state.graph.components > 1 ? null : state.graph;
        if (graph !== null) add({ graph, pos: top.pos, port: top.port, conn: top.conn }, frames.slice(0, -1));
      }
      for (const probe of probes) {
        const out = runOnState(probe, state, graphPrimitives);
        if (out.ok) add(out.value, frames);
      }
      add(state, [...frames, { pos: state.pos, port: state.port, conn: state.conn }]);
    }
    level = next;
  }
  return null;
}
