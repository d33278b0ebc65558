import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { buildGrammar, grammarFromDsl, logProbabilityOf } from '../../src/synth/grammar.ts';
import { checkType } from '../../src/dsl/infer.ts';
import { dslFromPrimitives, typeEnvOf } from '../../src/dsl/dsl.ts';
import { graphPrimitives, graphStateType } from '../../src/dsl/domains/graph.ts';
import { enumeratePrograms, HeapSearch } from '../../src/synth/enumerate/index.ts';
import { K, bruteForceTerms, grammarSourceArb, termSize } from './tinyGrammars.ts';
import { showTerm } from './showTerm.ts';

const MAX_SIZE = 6;

describe('heap search on tiny grammars', () => {
  test.prop([grammarSourceArb], { numRuns: 40 })('yields exactly the brute-force set, best first, each once', (source) => {
    const grammar = buildGrammar(source, K);
    const programs = [...new HeapSearch(grammar, MAX_SIZE).programs()];
    const texts = programs.map((p) => showTerm(p.term));
    expect(new Set(texts).size).toBe(texts.length);
    for (let i = 1; i < programs.length; i++) {
      expect(programs[i].logProbability).toBeLessThanOrEqual(programs[i - 1].logProbability);
    }
    for (const p of programs) {
      expect(termSize(p.term)).toBe(p.size);
      expect(p.logProbability).toBeCloseTo(logProbabilityOf(grammar, p.term), 9);
    }
    const expected: string[] = [];
    for (let s = 1; s <= MAX_SIZE; s++) expected.push(...bruteForceTerms(source, K, [], s, 2).map(showTerm));
    expect([...texts].sort()).toEqual([...new Set(expected)].sort());
    expect(expected.length).toBe(texts.length);
  });

  test.prop([grammarSourceArb, fc.integer({ min: 1, max: 50 })], { numRuns: 20 })(
    'a count budget stops after that many programs, as a prefix of the full order',
    (source, budget) => {
      const grammar = buildGrammar(source, K);
      const all = [...new HeapSearch(grammar, MAX_SIZE).programs()].map((p) => showTerm(p.term));
      const limited = [...enumeratePrograms(grammar, { maxSize: MAX_SIZE, maxPrograms: budget })].map((p) => showTerm(p.term));
      expect(limited).toEqual(all.slice(0, budget));
    },
  );
});

describe('enumerated programs are well typed', () => {
  test.prop([grammarSourceArb], { numRuns: 25 })('every program checks at S -> S (tiny grammars, with lambdas and variables)', (source) => {
    const env = { names: new Map(source.entries.map((e) => [e.name, e.type] as const)) };
    const grammar = buildGrammar(source, K);
    for (const p of enumeratePrograms(grammar, { maxSize: 5, maxPrograms: 300 })) {
      const checked = checkType(p.term, K, env);
      expect(checked.ok, `${showTerm(p.term)}: ${checked.ok ? '' : checked.error.message}`).toBe(true);
    }
  });

  it('every program of the graph DSL checks at S -> S', () => {
    const dsl = dslFromPrimitives(graphPrimitives, { name: 'graph', stateType: graphStateType });
    const grammar = grammarFromDsl(dsl);
    let count = 0;
    for (const p of enumeratePrograms(grammar, { maxSize: 9, maxPrograms: 5000 })) {
      expect(checkType(p.term, K, typeEnvOf(dsl)).ok).toBe(true);
      count++;
    }
    expect(count).toBe(5000);
  });
});
