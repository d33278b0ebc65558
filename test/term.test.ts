import { describe, expect, it } from 'vitest';
import { app, apps, idx, lam, prim, termEquals, unApply } from '../src/dsl/term.ts';
import { arrow, arrows, argumentTypes, resultType, showType, tcon } from '../src/dsl/types.ts';

describe('terms', () => {
  it('apps and unApply are inverse', () => {
    const t = apps(prim('f'), prim('a'), idx(0), lam(prim('b')));
    const { head, args } = unApply(t);
    expect(termEquals(head, prim('f'))).toBe(true);
    expect(args).toHaveLength(3);
    expect(termEquals(apps(head, ...args), t)).toBe(true);
    expect(termEquals(app(prim('f'), prim('a')), app(prim('f'), prim('b')))).toBe(false);
  });
});

describe('types', () => {
  it('shows and splits curried arrows', () => {
    const S = tcon('S');
    const cps = arrows([arrow(S, S), S], S);
    expect(showType(cps)).toBe('(S -> S) -> S -> S');
    expect(argumentTypes(cps).map(showType)).toEqual(['S -> S', 'S']);
    expect(showType(resultType(cps))).toBe('S');
  });
});
