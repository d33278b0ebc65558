/** Laws of compression on random corpora: the rewrite is sound and never loses. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apps, termEquals, unApply, type Term } from '../../src/dsl/term.ts';
import { type AbstractionBody, abstractionToInvention, canonicalKey, compress, corpusCost, inlineResult, rewrittenWithInventions, stitchText } from '../../src/synth/compress/index.ts';
import { compressionCorpusArb } from '../arbitraries.ts';

const options = { maxArity: 2, iterations: 3 };
const params = { numRuns: 60, seed: 20261128 };

/** Beta-reduces each invention applied to its `arity` arguments (DreamCoder-form bodies). */
function betaInline(t: Term, arity: ReadonlyMap<string, number>): Term {
  const { head, args } = unApply(t);
  const inlinedArgs = args.map((a) => betaInline(a, arity));
  // A partial application (a curried abstraction body) is reduced once its arguments arrive.
  if (head.kind === 'invention' && inlinedArgs.length >= arity.get(head.name)!) {
    const n = arity.get(head.name)!;
    let body: Term = head.body;
    for (let i = 0; i < n; i++) {
      if (body.kind !== 'lambda') throw new Error(`invention ${head.name} has fewer than ${n} lambdas`);
      body = substitute(body.body, inlinedArgs[i], 0);
    }
    return betaInline(apps(body, ...inlinedArgs.slice(n)), arity);
  }
  const newHead = head.kind === 'lambda' ? { ...head, body: betaInline(head.body, arity) } : head;
  return apps(newHead, ...inlinedArgs);
}
function shift(t: Term, d: number, cutoff: number): Term {
  if (t.kind === 'index') return t.index >= cutoff ? { ...t, index: t.index + d } : t;
  if (t.kind === 'lambda') return { ...t, body: shift(t.body, d, cutoff + 1) };
  if (t.kind === 'apply') return { kind: 'apply', fn: shift(t.fn, d, cutoff), arg: shift(t.arg, d, cutoff) };
  return t;
}
function substitute(body: Term, value: Term, depth: number): Term {
  if (body.kind === 'index') {
    if (body.index === depth) return shift(value, depth, 0);
    return body.index > depth ? { ...body, index: body.index - 1 } : body;
  }
  if (body.kind === 'lambda') return { ...body, body: substitute(body.body, value, depth + 1) };
  if (body.kind === 'apply') return { kind: 'apply', fn: substitute(body.fn, value, depth), arg: substitute(body.arg, value, depth) };
  return body;
}

describe('compression laws', () => {
  it('inlining every abstraction gives back every original program', () => {
    fc.assert(
      fc.property(compressionCorpusArb(), (programs) => {
        const result = compress(programs, options);
        const inlined = inlineResult(result);
        inlined.forEach((p, i) => {
          if (!termEquals(p, programs[i])) throw new Error(`program ${i}: ${stitchText(programs[i])} came back as ${stitchText(p)}`);
        });
      }),
      params,
    );
  });

  it('the DreamCoder-form inventions beta-reduce to the original programs', () => {
    fc.assert(
      fc.property(compressionCorpusArb(), (programs) => {
        const result = compress(programs, options);
        const arity = new Map(result.abstractions.map((a) => [a.name, a.arity]));
        rewrittenWithInventions(result).forEach((p, i) => expect(stitchText(betaInline(p, arity))).toBe(stitchText(programs[i])));
      }),
      params,
    );
  });

  it('compression ratio is never below 1 and every step lowers the cost', () => {
    fc.assert(
      fc.property(compressionCorpusArb(), (programs) => {
        const result = compress(programs, options);
        expect(result.originalCost).toBe(corpusCost(programs));
        expect(result.compressionRatio).toBeGreaterThanOrEqual(1);
        expect(result.finalCost).toBe(corpusCost(result.rewritten));
        let previous = result.originalCost;
        for (const a of result.abstractions) {
          expect(a.utility).toBeGreaterThan(0);
          expect(a.finalCost).toBeLessThan(previous);
          expect(a.compressionRatio).toBeGreaterThan(1);
          previous = a.finalCost;
        }
      }),
      params,
    );
  });

  it('no two learned abstractions are alpha-equivalent', () => {
    fc.assert(
      fc.property(compressionCorpusArb(), (programs) => {
        const result = compress(programs, { maxArity: 2, iterations: 6 });
        const library = new Map<string, AbstractionBody>(result.abstractions.map((a) => [a.name, a]));
        const keys = result.abstractions.map((a) => canonicalKey(a.body, library));
        expect(new Set(keys).size).toBe(keys.length);
      }),
      params,
    );
  });

  it('an abstraction already in the library is not learned again', () => {
    fc.assert(
      fc.property(compressionCorpusArb(), (programs) => {
        const first = compress(programs, { maxArity: 2, iterations: 1 });
        fc.pre(first.abstractions.length === 1);
        const known = first.abstractions[0];
        // Compress the original corpus again, with the first abstraction already known.
        const again = compress(programs, { maxArity: 2, iterations: 2, library: [known] });
        const library = new Map<string, AbstractionBody>([[known.name, known]]);
        for (const a of again.abstractions) {
          library.set(a.name, a);
          expect(a.name).not.toBe(known.name);
          expect(canonicalKey(a.body, library)).not.toBe(canonicalKey(known.body, library));
        }
      }),
      params,
    );
  });

  it('abstractionToInvention binds #i to the i-th applied argument', () => {
    const inv = abstractionToInvention({ name: 'fn_0', arity: 2, body: { kind: 'apply', fn: { kind: 'param', index: 1 }, arg: { kind: 'lambda', body: { kind: 'param', index: 0 } } } });
    // #1 -> $0 (innermost of two lambdas), #0 under one more lambda -> $2.
    expect(stitchText(inv.body)).toBe('(lam (lam ($0 (lam $2))))');
  });
});
