/** Tiny hand-made DSLs for testing search over grammars, and a brute-force term enumerator. */
import fc from 'fast-check';
import { app, idx, lam, prim, type Term } from '../../src/dsl/term.ts';
import { arrow, isArrow, tcon, typeEquals, type Type } from '../../src/dsl/types.ts';
import type { GrammarEntry, GrammarSource } from '../../src/synth/grammar.ts';

export const S = tcon('S');
export const K = arrow(S, S);
/** `(S -> S) -> S -> S`: a CPS operation. */
export const OP = arrow(K, K);

/** Candidate entries: CPS ops of arity 1-2, a terminal, and a higher-order invention. */
export const ENTRY_TYPES: readonly { name: string; type: Type }[] = [
  { name: 'identity', type: K },
  { name: 'a', type: OP },
  { name: 'b', type: OP },
  { name: 'fork', type: arrow(K, arrow(K, K)) },
  { name: 'twice', type: arrow(OP, OP) },
];

export const grammarSourceArb: fc.Arbitrary<GrammarSource> = fc
  .record({
    weights: fc.array(fc.double({ min: -3, max: 1, noNaN: true }), { minLength: ENTRY_TYPES.length, maxLength: ENTRY_TYPES.length }),
    keep: fc.array(fc.boolean(), { minLength: ENTRY_TYPES.length, maxLength: ENTRY_TYPES.length }),
    varLogProbability: fc.double({ min: -3, max: 1, noNaN: true }),
  })
  .map(({ weights, keep, varLogProbability }) => ({
    entries: ENTRY_TYPES.filter((e, i) => i === 0 || keep[i]).map(
      (e): GrammarEntry => ({ name: e.name, type: e.type, logProbability: weights[ENTRY_TYPES.indexOf(e)], term: prim(e.name) }),
    ),
    varLogProbability,
  }));

/** Size as the search counts it: every node but applications. */
export function termSize(t: Term): number {
  switch (t.kind) {
    case 'apply':
      return termSize(t.fn) + termSize(t.arg);
    case 'lambda':
      return 1 + termSize(t.body);
    default:
      return 1;
  }
}

/**
 * Every term of `type` in `context` with exactly `size` nodes, built straight from the
 * typing rules (higher-order lambdas only, at most `maxBound` variables in scope).
 */
export function bruteForceTerms(source: GrammarSource, type: Type, context: readonly Type[], size: number, maxBound: number): Term[] {
  if (size < 1) return [];
  const out: Term[] = [];
  const heads: { term: Term; type: Type }[] = [
    ...source.entries.map((e) => ({ term: e.term, type: e.type })),
    ...context.map((t, i) => ({ term: idx(i) as Term, type: t })),
  ];
  for (const h of heads) {
    // Apply the head to arguments one at a time, spending the remaining size.
    const extend = (term: Term, rest: Type, budget: number) => {
      if (budget === 0 && typeEquals(rest, type)) out.push(term);
      if (!isArrow(rest) || budget === 0) return;
      for (let s = 1; s <= budget; s++) {
        for (const a of bruteForceTerms(source, rest.params[0], context, s, maxBound)) extend(app(term, a), rest.params[1], budget - s);
      }
    };
    extend(h.term, h.type, size - 1);
  }
  if (isArrow(type) && isArrow(type.params[0]) && context.length < maxBound) {
    for (const body of bruteForceTerms(source, type.params[1], [type.params[0], ...context], size - 1, maxBound)) out.push(lam(body));
  }
  return out;
}
