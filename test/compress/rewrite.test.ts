/** Rewriting under binders: arguments are shifted past the abstraction's own lambdas. */
import { describe, expect, it } from 'vitest';
import type { Term } from '../../src/dsl/term.ts';
import { compress, inlineResult, parseStitchCorpus, stitchText } from '../../src/synth/compress/index.ts';

function corpus(programs: string[]) {
  const parsed = parseStitchCorpus(JSON.stringify(programs));
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

describe('rewriting with binders', () => {
  it('passes a variable bound outside the match as a shifted argument, and never captures one bound inside', () => {
    const programs = corpus(['(lam (h (lam (k $1 a a a))))', '(lam (lam (h (lam (k $2 a a a)))))', '(lam (h (lam (k $0 a a a))))']);
    const result = compress(programs, { maxArity: 2, iterations: 2 });
    expect(result.abstractions.map((a) => a.bodyText)).toEqual(['(k #0 a a a)', '(h (lam (fn_0 #0)))']);
    // $1 under the abstraction's lambda is $0 outside it; the third program's $0 is bound inside, so it is not a match.
    expect(result.rewritten.map(stitchText)).toEqual(['(lam (fn_1 $0))', '(lam (lam (fn_1 $1)))', '(lam (h (lam (fn_0 $0))))']);
    expect(inlineResult(result).map(stitchText)).toEqual(programs.map(stitchText));
  });

  it('keeps abstraction bodies closed: every $i is bound by a lam inside the body', () => {
    const result = compress(corpus(['(lam (g (f $0 a a) b))', '(lam (g (f $0 a a) c))', '(lam (lam (g (f $1 a a) d)))']), { maxArity: 1, iterations: 3 });
    expect(result.abstractions.length).toBeGreaterThan(0);
    for (const a of result.abstractions) expect(isClosed(a.body, 0), a.bodyText).toBe(true);
    expect(inlineResult(result).map(stitchText)).toEqual(result.original.map(stitchText));
  });
});

function isClosed(t: Term, binders: number): boolean {
  switch (t.kind) {
    case 'index':
      return t.index < binders;
    case 'lambda':
      return isClosed(t.body, binders + 1);
    case 'apply':
      return isClosed(t.fn, binders) && isClosed(t.arg, binders);
    default:
      return true;
  }
}
