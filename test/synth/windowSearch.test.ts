import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { buildGrammar, grammarFromDsl, logProbabilityOf } from '../../src/synth/grammar.ts';
import { dslFromPrimitives } from '../../src/dsl/dsl.ts';
import { graphPrimitives, graphStateType, toProgramGraph } from '../../src/dsl/domains/graph.ts';
import { evaluateGraphState } from '../../src/dsl/evaluate.ts';
import { HeapSearch, searchWindows, WindowSearchStats } from '../../src/synth/enumerate/index.ts';
import { explore, graphStepDomain } from '../../src/synth/graphs/index.ts';
import { K, bruteForceTerms, grammarSourceArb, termSize } from './tinyGrammars.ts';
import { showTerm } from './showTerm.ts';

const MAX_SIZE = 6;
const uniform = grammarFromDsl(dslFromPrimitives(graphPrimitives, { name: 'graph', stateType: graphStateType }));

describe('window search on tiny grammars', () => {
  test.prop([grammarSourceArb, fc.double({ min: 0.2, max: 4, noNaN: true })], { numRuns: 40 })(
    'yields exactly the brute-force set, each once, window by window',
    (source, width) => {
      const grammar = buildGrammar(source, K);
      const programs = [...searchWindows(grammar, null, { maxSize: MAX_SIZE, windowWidth: width })];
      const texts = programs.map((p) => showTerm(p.term));
      expect(new Set(texts).size).toBe(texts.length);
      for (let i = 1; i < programs.length; i++) {
        // Best first up to one window's width.
        expect(-programs[i].logProbability).toBeGreaterThan(-programs[i - 1].logProbability - width - 1e-9);
      }
      for (const p of programs) {
        expect(termSize(p.term)).toBe(p.size);
        expect(p.logProbability).toBeCloseTo(logProbabilityOf(grammar, p.term), 9);
      }
      const expected = new Set<string>();
      for (let s = 1; s <= MAX_SIZE; s++) for (const t of bruteForceTerms(source, K, [], s, 2)) expected.add(showTerm(t));
      expect([...texts].sort()).toEqual([...expected].sort());
    },
  );
});

describe('window search on the graph DSL', () => {
  it('yields the programs Heap Search yields, each with the state it evaluates to', () => {
    const stats = new WindowSearchStats();
    const programs = [...searchWindows(uniform, graphStepDomain(), { maxSize: 6 }, stats)];
    const heap = [...new HeapSearch(uniform, 6).programs()].map((p) => showTerm(p.term));
    expect(programs.map((p) => showTerm(p.term)).sort()).toEqual(heap.sort());
    expect(stats.failures).toBe(0);
    // Each step was evaluated once per window that walked it, far fewer than once per program and step.
    expect(stats.evaluations).toBeLessThan(programs.reduce((s, p) => s + p.size, 0));
    for (const p of programs.filter((_, i) => i % 7 === 0)) {
      const again = evaluateGraphState(p.term);
      expect(again.ok).toBe(true);
      if (again.ok) expect(toProgramGraph(p.state!.graph)).toEqual(toProgramGraph(again.value.graph));
    }
  });

  it('stops after a count of programs, as a prefix of the whole run', () => {
    const all = [...searchWindows(uniform, graphStepDomain(), { maxSize: 8, maxPrograms: 5000 })].map((p) => showTerm(p.term));
    const some = [...searchWindows(uniform, graphStepDomain(), { maxSize: 8, maxPrograms: 1234 })].map((p) => showTerm(p.term));
    expect(some).toEqual(all.slice(0, 1234));
  });

  it('still yields every program after a failed step, without a state, so the exploration counts the failure', () => {
    // Six evaluation steps: a `func` branch longer than that fails. The budget bounds each step
    // and terminal here (as in the state search), not the whole program as Heap Search's caller does.
    const windows = explore(uniform, { strategy: 'windows', maxSize: 6, evalBudget: { maxSteps: 6 } });
    const heap = explore(uniform, { strategy: 'heap', maxSize: 6, evalBudget: { maxSteps: 6 } });
    expect(windows.programs).toBe(heap.programs);
    expect(windows.failures.budget).toBeGreaterThan(0);
    expect(windows.failures.budget).toBeLessThan(heap.failures.budget);
  });

  it('is an exploration strategy: finds the graphs Heap Search finds within the same size', () => {
    const windows = explore(uniform, { strategy: 'windows', maxSize: 7 });
    const heap = explore(uniform, { strategy: 'heap', maxSize: 7 });
    expect(windows.programs).toBe(heap.programs);
    expect(windows.distinctGraphs).toBe(heap.distinctGraphs);
    expect(windows.graphs.map((g) => showTerm(g.term)).sort()).toEqual(heap.graphs.map((g) => showTerm(g.term)).sort());
  });
});
