import { describe, expect, it } from 'vitest';
import { dslFromPrimitives } from '../../src/dsl/dsl.ts';
import { graphPrimitives, graphStateType, toProgramGraph, type GraphState } from '../../src/dsl/domains/graph.ts';
import { evaluateGraphState, runOnState } from '../../src/dsl/evaluate.ts';
import { grammarFromDsl, logProbabilityOf } from '../../src/synth/grammar.ts';
import { HeapSearch, searchStates, StateSearchStats } from '../../src/synth/enumerate/index.ts';
import { canonicalStateKey, graphStepDomain, isGraphStep, isomorphic, simpleGraphOfState } from '../../src/synth/graphs/index.ts';
import { loadDsl } from '../../src/dsl/dslFile.ts';
import { app, idx, lam } from '../../src/dsl/term.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
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

describe('canonical state keys', () => {
  it('states with equal keys build isomorphic graphs under every continuation tried', () => {
    const grammar = grammarFromDsl(dslFromPrimitives(graphPrimitives, { name: 'graph', stateType: graphStateType }));
    const prefixes = [...new HeapSearch(grammar, 7).programs()].slice(0, 3000);
    const continuations = [...new HeapSearch(grammar, 5).programs()].slice(0, 60).map((p) => p.term);
    const groups = new Map<string, GraphState[]>();
    for (const p of prefixes) {
      const out = evaluateGraphState(p.term);
      if (!out.ok) continue;
      const key = canonicalStateKey(out.value);
      const group = groups.get(key) ?? [];
      if (group.length < 2) group.push(out.value);
      groups.set(key, group);
    }
    const pairs = [...groups.values()].filter((g) => g.length === 2);
    expect(pairs.length).toBeGreaterThan(10);
    for (const [a, b] of pairs.slice(0, 40)) {
      for (const k of continuations) {
        const ra = runOnState(k, a, graphPrimitives);
        const rb = runOnState(k, b, graphPrimitives);
        expect(ra.ok).toBe(rb.ok);
        if (ra.ok && rb.ok) {
          expect(isomorphic(simpleGraphOfState(ra.value), simpleGraphOfState(rb.value))).toBe(true);
          expect(canonicalStateKey(ra.value)).toBe(canonicalStateKey(rb.value));
        }
      }
    }
  });
});

describe('steps of a learned DSL', () => {
  it("inventions judged to be steps behave as steps: op k s = k (op (lam $0) s)", () => {
    const loaded = loadDsl(path.resolve(repoRoot, 'reference/gssnn-original/dsls/dsl_11.json'));
    if (!loaded.ok) throw loaded.error;
    const grammar = grammarFromDsl(loaded.value);
    const steps = grammar.symbols[grammar.start].productions.filter(
      (p) => p.head?.kind === 'invention' && p.argumentSymbols.length === 1 && isGraphStep(p.head, 1),
    );
    expect(steps.length).toBeGreaterThan(5);
    const base = grammarFromDsl(dslFromPrimitives(graphPrimitives, { name: 'graph', stateType: graphStateType }));
    const states = [...new HeapSearch(base, 7).programs()]
      .slice(0, 400)
      .map((p) => evaluateGraphState(p.term))
      .flatMap((r) => (r.ok ? [r.value] : []));
    const continuations = [...new HeapSearch(base, 4).programs()].slice(0, 12).map((p) => p.term);
    for (const step of steps) {
      for (const s of states.filter((_, i) => i % 20 === 0)) {
        const once = runOnState(app(step.head!, lam(idx(0))), s, graphPrimitives);
        for (const k of continuations) {
          const direct = runOnState(app(step.head!, k), s, graphPrimitives);
          expect(once.ok && direct.ok).toBe(true);
          if (!once.ok || !direct.ok) continue;
          const composed = runOnState(k, once.value, graphPrimitives);
          expect(composed.ok).toBe(true);
          if (composed.ok) expect(canonicalStateKey(composed.value)).toBe(canonicalStateKey(direct.value));
        }
      }
    }
  });
});
