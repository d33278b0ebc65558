import { describe, expect, it } from 'vitest';
import { runOnState } from '../../src/dsl/evaluate.ts';
import { graphPrimitives, initialState, type GraphState } from '../../src/dsl/domains/graph.ts';
import { app, idx, lam, prim } from '../../src/dsl/term.ts';
import { gapsBetweenEdges } from '../../src/synth/graphs/find.ts';
import { canonicalStateKey, edgeCount, simpleGraphOfState } from '../../src/synth/graphs/index.ts';

const STEPS = ['next_port', 'prev_port', 'move', 'add', 'push', 'pop', 'connect'];
const run = (name: string, state: GraphState): GraphState => {
  const out = runOnState(app(prim(name), lam(idx(0))), state, graphPrimitives);
  return out.ok ? out.value : state;
};
const edgesOf = (s: GraphState) => edgeCount(simpleGraphOfState(s));

describe("find's bound on the actions between edges", () => {
  it('one step between two edge-adding connects never lets the second add an edge (every state within 13 steps)', () => {
    // Breadth-first over every state the base steps reach, 3 ports so that port numbers wrap.
    let level = [initialState(3)];
    const seen = new Set([canonicalStateKey(level[0], [], false)]);
    let checked = 0;
    for (let depth = 0; depth < 13; depth++) {
      const next: GraphState[] = [];
      for (const s of level) {
        for (const name of STEPS) {
          const out = run(name, s);
          if (name === 'connect' && edgesOf(out) > edgesOf(s)) {
            checked++;
            for (const between of STEPS) expect(edgesOf(run('connect', run(between, out))), between).toBe(edgesOf(out));
          }
          const key = canonicalStateKey(out, [], false);
          if (!seen.has(key)) {
            seen.add(key);
            next.push(out);
          }
        }
      }
      level = next;
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('counts two actions per further edge, less the open branches that can end between', () => {
    expect(gapsBetweenEdges(0, 2, 3)).toBe(0);
    expect(gapsBetweenEdges(1, 0, 0)).toBe(0);
    expect(gapsBetweenEdges(6, 1, 0)).toBe(11);
    expect(gapsBetweenEdges(3, 2, 1)).toBe(5);
    expect(gapsBetweenEdges(3, 0, 5)).toBe(2);
  });
});
