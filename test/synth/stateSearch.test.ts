import { describe, expect, it } from 'vitest';
import { dslFromPrimitives } from '../../src/dsl/dsl.ts';
import { graphPrimitives, graphStateType, toProgramGraph } from '../../src/dsl/domains/graph.ts';
import { evaluateGraphState } from '../../src/dsl/evaluate.ts';
import { grammarFromDsl, logProbabilityOf } from '../../src/synth/grammar.ts';
import { HeapSearch } from '../../src/synth/heapSearch.ts';
import { graphStepDomain } from '../../src/synth/explore.ts';
import { searchStates, StateSearchStats } from '../../src/synth/stateSearch.ts';
import { showTerm } from './showTerm.ts';

const graphDslWith = (names: string[]) =>
  dslFromPrimitives(
    names.map((name) => ({ name, type: graphPrimitives[name].type })),
    { name: 'graph-subset', stateType: graphStateType },
  );

describe('state search', () => {
  it('reaches exactly the end states that exhaustive enumeration reaches (straight-line DSL, uniform weights)', () => {
    const grammar = grammarFromDsl(graphDslWith(['identity', 'next_port', 'add', 'push', 'pop', 'connect', 'move']));
    const domain = graphStepDomain();
    const maxSize = 6;
    const exhaustive = new Set<string>();
    for (const p of new HeapSearch(grammar, maxSize).programs()) {
      const out = evaluateGraphState(p.term);
      if (out.ok) exhaustive.add(domain.stateKey(out.value));
    }
    const stats = new StateSearchStats();
    const found = new Set<string>();
    let previous = Infinity;
    for (const p of searchStates(grammar, domain, { maxSize }, stats)) {
      expect(p.logProbability).toBeLessThanOrEqual(previous);
      previous = p.logProbability;
      found.add(domain.stateKey(p.state));
    }
    expect(stats.pruned).toBeGreaterThan(0);
    expect([...found].sort()).toEqual([...exhaustive].sort());
  });

  it('every program it yields rebuilds its state from scratch and has the grammar probability', () => {
    const grammar = grammarFromDsl(dslFromPrimitives(graphPrimitives, { name: 'graph', stateType: graphStateType }));
    const domain = graphStepDomain();
    const texts = new Set<string>();
    let previous = Infinity;
    for (const p of searchStates(grammar, domain, { maxSize: 9, maxPrograms: 400, argumentPool: 4 })) {
      const again = evaluateGraphState(p.term);
      expect(again.ok).toBe(true);
      if (again.ok) expect(toProgramGraph(again.value.graph)).toEqual(toProgramGraph(p.state.graph));
      expect(p.logProbability).toBeCloseTo(logProbabilityOf(grammar, p.term), 9);
      expect(p.logProbability).toBeLessThanOrEqual(previous);
      previous = p.logProbability;
      const text = showTerm(p.term);
      expect(texts.has(text)).toBe(false);
      texts.add(text);
    }
    expect(texts.size).toBe(400);
  });
});
