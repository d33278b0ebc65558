import { describe, expect, it } from 'vitest';
import { dslFromPrimitives } from '../../src/dsl/dsl.ts';
import { graphPrimitives, graphStateType, toProgramGraph } from '../../src/dsl/domains/graph.ts';
import { evaluate, evaluateGraphState } from '../../src/dsl/evaluate.ts';
import { grammarFromDsl, logProbabilityOf } from '../../src/synth/grammar.ts';
import { explore, GraphCatalog, graphStepDomain, isConnected, isomorphic, simpleGraphOf } from '../../src/synth/graphs/index.ts';
import { searchStates, StateSearchStats } from '../../src/synth/enumerate/index.ts';
import { showTerm } from './showTerm.ts';

const uniform = grammarFromDsl(dslFromPrimitives(graphPrimitives, { name: 'graph', stateType: graphStateType }));

describe('novelty exploration', () => {
  it('yields programs that rebuild their state, with their grammar probability, best first until the bound widens', () => {
    const stats = new StateSearchStats();
    let previous = Infinity;
    let orderBreaks = 0;
    const texts = new Set<string>();
    for (const p of searchStates(uniform, graphStepDomain(), { maxSize: 14, maxPrograms: 1500, argumentPool: 4, perClassExpansions: 4 }, stats)) {
      const again = evaluateGraphState(p.term);
      expect(again.ok, showTerm(p.term)).toBe(true);
      if (again.ok) expect(toProgramGraph(again.value.graph)).toEqual(toProgramGraph(p.state.graph));
      expect(p.logProbability).toBeCloseTo(logProbabilityOf(uniform, p.term), 9);
      if (p.logProbability > previous + 1e-12) orderBreaks++;
      previous = p.logProbability;
      const text = showTerm(p.term);
      expect(texts.has(text)).toBe(false);
      texts.add(text);
    }
    expect(texts.size).toBe(1500);
    expect(stats.noveltyPruned).toBeGreaterThan(0);
    // Order restarts only when held-back states return after a widening.
    expect(orderBreaks).toBeLessThanOrEqual(stats.widenings);
  });

  it('reaches more graph classes than the plain state search for the same number of expansions', () => {
    const novelty = explore(uniform, { strategy: 'novelty', maxSize: 24, maxPrograms: 3000, argumentPool: 4 });
    const states = explore(uniform, { strategy: 'states', maxSize: 24, maxPrograms: 3000, argumentPool: 4 });
    expect(novelty.distinctGraphs).toBeGreaterThan(3 * states.distinctGraphs);
    for (const found of novelty.graphs) {
      const again = evaluate(found.term);
      expect(again.ok).toBe(true);
      if (!again.ok) continue;
      const graph = simpleGraphOf(again.value);
      expect(isConnected(graph)).toBe(true);
      expect(isomorphic(graph, simpleGraphOf(found.graph))).toBe(true);
    }
  });

  it('is deterministic without a time budget', () => {
    const run = () => explore(uniform, { strategy: 'novelty', maxSize: 20, maxPrograms: 1500 }).graphs.map((g) => showTerm(g.term));
    expect(run()).toEqual(run());
  });

  it('stops after the quota of new graphs, never reporting an excluded class', () => {
    const first = explore(uniform, { strategy: 'novelty', maxSize: 20, stopAfterGraphs: 5 });
    expect(first.graphs.length).toBe(5);
    const held = new GraphCatalog<null>();
    for (const g of first.graphs) held.add(simpleGraphOf(g.graph), null);
    const next = explore(uniform, { strategy: 'novelty', maxSize: 20, stopAfterGraphs: 5, exclude: held });
    expect(next.graphs.length).toBe(5);
    expect(next.excluded).toBeGreaterThan(0);
    for (const g of next.graphs) expect(held.find(simpleGraphOf(g.graph))).toBeUndefined();
    // A plain list of graphs excludes the same classes.
    const byList = explore(uniform, { strategy: 'novelty', maxSize: 20, stopAfterGraphs: 5, exclude: first.graphs.map((g) => g.graph) });
    expect(byList.graphs.map((g) => showTerm(g.term))).toEqual(next.graphs.map((g) => showTerm(g.term)));
  });

  it('extends no graph past the node limit', () => {
    const result = explore(uniform, { strategy: 'novelty', maxSize: 24, maxNodes: 4, maxPrograms: 200_000, stopAfterGraphs: 9 });
    expect(result.states?.inadmissible).toBeGreaterThan(0);
    for (const g of result.graphs) expect(g.graph.nodes.length).toBeLessThanOrEqual(4);
    // Every connected graph on 2-4 nodes (1 + 2 + 6), the 4-cycle and K4 included.
    expect(result.graphs.length).toBe(9);
  });
});
