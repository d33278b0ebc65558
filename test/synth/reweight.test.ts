import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { buildGrammar, grammarFromDsl, logSumExp, type Grammar } from '../../src/synth/grammar.ts';
import { HeapSearch } from '../../src/synth/enumerate/index.ts';
import { reweight, ReweightError } from '../../src/synth/reweight.ts';
import { dslFromPrimitives } from '../../src/dsl/dsl.ts';
import { graphPrimitives, graphStateType } from '../../src/dsl/domains/graph.ts';
import { parseProgramOrThrow } from '../../src/dsl/parse.ts';
import { K, grammarSourceArb } from './tinyGrammars.ts';

function probabilityOf(grammar: Grammar, key: string, symbol = grammar.start): number {
  const p = grammar.symbols[symbol].productions.find((q) => q.key === key);
  return p ? Math.exp(p.logProbability) : 0;
}

const graphDsl = () => dslFromPrimitives(graphPrimitives, { name: 'graph', stateType: graphStateType });

describe('grammar reweighting', () => {
  test.prop([grammarSourceArb, fc.array(fc.nat({ max: 80 }), { minLength: 1, maxLength: 12 }), fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 12, maxLength: 12 })], { numRuns: 40 })(
    'every symbol of a reweighted grammar is normalized',
    (source, picks, weights) => {
      const grammar = buildGrammar(source, K);
      const programs = [...new HeapSearch(grammar, 5).programs()];
      const chosen = picks.map((i, k) => ({ term: programs[i % programs.length].term, weight: weights[k] }));
      const reweighted = reweight(grammar, chosen, { pseudoCount: 0.5 });
      for (const symbol of reweighted.symbols) {
        expect(logSumExp(symbol.productions.map((p) => p.logProbability))).toBeCloseTo(0, 9);
      }
    },
  );

  it('moves probability toward what the seed programs use', () => {
    const grammar = grammarFromDsl(graphDsl());
    const seeds = ['(push (add (connect identity)))', '(push (add (connect (push (add (connect identity))))))'].map((text) => ({
      term: parseProgramOrThrow(text),
      weight: 1,
    }));
    const reweighted = reweight(grammar, seeds, { pseudoCount: 0.1 });
    for (const name of ['push', 'add', 'connect']) {
      expect(probabilityOf(reweighted, `${name}/1`)).toBeGreaterThan(probabilityOf(grammar, `${name}/1`));
    }
    expect(probabilityOf(reweighted, 'move/1')).toBeLessThan(probabilityOf(grammar, 'move/1'));
    // 3 pushes out of 11 uses (identity included), smoothed over 10 productions: (3 + 0.1) / (11 + 1).
    expect(probabilityOf(reweighted, 'push/1')).toBeCloseTo(3.1 / 12, 9);
  });

  it('reproduces the original: unique-type entries get probability ~1, nothing sums to one', () => {
    const grammar = grammarFromDsl(graphDsl());
    const seeds = ['(push (add (connect identity)))', '(func (add identity) (move identity))'].map((text) => ({
      term: parseProgramOrThrow(text),
      weight: 1,
    }));
    const original = reweight(grammar, seeds, { unnormalized: true });
    expect(probabilityOf(original, 'identity/0')).toBeCloseTo(1, 2);
    expect(probabilityOf(original, 'func/2')).toBeCloseTo(1, 2);
    const total = original.symbols[original.start].productions.reduce((s, p) => s + Math.exp(p.logProbability), 0);
    expect(total).toBeGreaterThan(2);
  });

  it('rejects programs the grammar cannot derive and negative weights', () => {
    const grammar = grammarFromDsl(graphDsl());
    expect(() => reweight(grammar, [{ term: parseProgramOrThrow('(lam $0)'), weight: 1 }])).toThrow(ReweightError);
    expect(() => reweight(grammar, [{ term: parseProgramOrThrow('identity'), weight: -1 }])).toThrow(/weight/);
  });
});
