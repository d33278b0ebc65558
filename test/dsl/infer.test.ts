/** Type inference: the original's programs at S -> S, polymorphism, and the type errors. */
import { describe, expect, it } from 'vitest';
import { graphDsl } from '../../src/dsl/domains/graphDsl.ts';
import { programRequest, typeEnvOf } from '../../src/dsl/dsl.ts';
import { loadDsl } from '../../src/dsl/dslFile.ts';
import { DslTypeError } from '../../src/dsl/errors.ts';
import { checkType, inferType, type TypeEnv } from '../../src/dsl/infer.ts';
import { parseProgramOrThrow } from '../../src/dsl/parse.ts';
import { parseType } from '../../src/dsl/typeSyntax.ts';
import { showType, type Type } from '../../src/dsl/types.ts';
import { dslFilePath, loadProgramRecords } from './referenceData.ts';

const type = (text: string): Type => {
  const t = parseType(text);
  if (!t.ok) throw t.error;
  return t.value;
};
const envOf = (entries: Record<string, string>): TypeEnv => ({
  names: new Map(Object.entries(entries).map(([n, t]) => [n, type(t)])),
});
const graphEnv = typeEnvOf(graphDsl());
const S_TO_S = type('S -> S');

function typeError(result: ReturnType<typeof inferType>): DslTypeError {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('expected a type error');
  expect(result.error).toBeInstanceOf(DslTypeError);
  expect(result.error.kind).toBe('type');
  return result.error;
}

describe('the original programs', () => {
  const loaded = loadDsl(dslFilePath(11));
  if (!loaded.ok) throw loaded.error;
  const dsl11 = loaded.value;
  const records = loadProgramRecords();

  it('every record type-checks at S -> S in both forms', () => {
    for (const record of records) {
      for (const [text, form] of [[record.program, 'combined'], [record.stitch_program, 'stitch']] as const) {
        const term = parseProgramOrThrow(text, { form, dsl: dsl11 });
        const typed = checkType(term, programRequest(dsl11), typeEnvOf(dsl11));
        if (!typed.ok) throw new Error(`${record.file} (${form}): ${typed.error.message}`);
        expect(showType(typed.value)).toBe('S -> S');
      }
    }
  });
});

describe('inference', () => {
  it('gives lambdas fresh variables and principal types', () => {
    const env = envOf({});
    const cases: [string, string][] = [
      ['(lam $0)', 't0 -> t0'],
      ['(lam (lam $1))', 't0 -> t1 -> t0'],
      ['(lam (lam (lam ($2 $0 ($1 $0)))))', '(t0 -> t1 -> t2) -> (t0 -> t1) -> t0 -> t2'],
    ];
    for (const [text, expected] of cases) {
      const inferred = inferType(parseProgramOrThrow(text), env);
      if (!inferred.ok) throw inferred.error;
      expect(showType(inferred.value), text).toBe(expected);
    }
  });

  it('instantiates polymorphic primitive types afresh at each use', () => {
    const env = envOf({ I: 't0 -> t0', K: 't0 -> t1 -> t0', zero: 'int', nil: 'list(t0)', cons: 't0 -> list(t0) -> list(t0)' });
    const cases: [string, string][] = [
      ['(I I)', 't0 -> t0'],
      ['(K zero I)', 'int'],
      ['(K I zero)', 't0 -> t0'],
      ['(cons zero nil)', 'list(int)'],
      ['(cons I nil)', 'list(t0 -> t0)'],
    ];
    for (const [text, expected] of cases) {
      const inferred = inferType(parseProgramOrThrow(text), env);
      if (!inferred.ok) throw inferred.error;
      expect(showType(inferred.value), text).toBe(expected);
    }
  });

  it('types graph operations in continuation-passing style', () => {
    const cases: [string, string][] = [
      ['identity', 'S -> S'],
      ['add', '(S -> S) -> S -> S'],
      ['(add (connect identity))', 'S -> S'],
      ['(lam (push (add ($0 identity))))', '((S -> S) -> S -> S) -> S -> S'],
      ['(if_positions_equal identity (move identity))', '(S -> S) -> (S -> S) -> (S -> S) -> S -> S'],
      ['{fn_0}(lam (push (add (connect $0))))', '(S -> S) -> S -> S'],
    ];
    for (const [text, expected] of cases) {
      const inferred = inferType(parseProgramOrThrow(text), graphEnv);
      if (!inferred.ok) throw inferred.error;
      expect(showType(inferred.value), text).toBe(expected);
    }
  });

  it('types #i parameters of an abstraction body, consistently across uses', () => {
    const body = parseProgramOrThrow('(func #0 (next_port #0))', { form: 'stitch' });
    const inferred = inferType(body, graphEnv);
    if (!inferred.ok) throw inferred.error;
    expect(showType(inferred.value)).toBe('S -> S');
    const given = inferType(parseProgramOrThrow('(#0 identity)', { form: 'stitch' }), { ...graphEnv, params: [type('(S -> S) -> S -> S')] });
    if (!given.ok) throw given.error;
    expect(showType(given.value)).toBe('S -> S');
  });

  it('checkType unifies with the request', () => {
    const typed = checkType(parseProgramOrThrow('(lam $0)'), type('(S -> S) -> S -> S'), graphEnv);
    if (!typed.ok) throw typed.error;
    expect(showType(typed.value)).toBe('(S -> S) -> S -> S');
  });
});

describe('type errors', () => {
  it('names the offending subterm and the expected and actual types', () => {
    const error = typeError(inferType(parseProgramOrThrow('(next_port (func add identity))'), graphEnv));
    expect(error.reason).toBe('mismatch');
    expect(error.subterm).toBe('add');
    expect(showType(error.expected!)).toBe('S -> S');
    expect(showType(error.actual!)).toBe('(S -> S) -> S -> S');
    expect(error.message).toBe('type error in add: expected S -> S, got (S -> S) -> S -> S');
  });

  it('a program at the wrong type names the whole program', () => {
    const error = typeError(checkType(parseProgramOrThrow('(push add)'), programRequest(graphDsl()), graphEnv));
    expect(error.subterm).toBe('add');
    const whole = typeError(checkType(parseProgramOrThrow('(lam (push $0))'), S_TO_S, graphEnv));
    expect(whole.subterm).toBe('(lam (push $0))');
    expect(whole.message).toBe('type error in (lam (push $0)): expected S -> S, got (S -> S) -> S -> S');
  });

  it('applying a non-function names the function and its type', () => {
    const error = typeError(inferType(parseProgramOrThrow('(lam (next_port identity $0 identity))'), graphEnv));
    expect(error.subterm).toBe('(next_port identity $0)');
    expect(error.message).toBe('type error in (next_port identity $0): it is applied to an argument but is not a function: expected (S -> S) -> t0, got S');
  });

  it('rejects infinite types (occurs check)', () => {
    const error = typeError(inferType(parseProgramOrThrow('(lam ($0 $0))'), graphEnv));
    expect(error.reason).toBe('occurs');
    expect(error.subterm).toBe('$0');
    expect(error.message).toMatch(/infinite type/);
  });

  it('rejects unbound indices and unknown names', () => {
    const unbound = typeError(inferType(parseProgramOrThrow('(lam (add $1))'), graphEnv));
    expect(unbound.reason).toBe('unbound-index');
    expect(unbound.message).toBe('type error in $1: $1 refers past the 1 enclosing lambda; wrap it in enough (lam ...)');
    const unknown = typeError(inferType(parseProgramOrThrow('(add frobnicate)'), graphEnv));
    expect(unknown.reason).toBe('unknown-name');
    expect(unknown.subterm).toBe('frobnicate');
  });

  it('an invention must agree with its declared type', () => {
    const env: TypeEnv = { names: new Map([...graphEnv.names, ['fn_0', S_TO_S]]) };
    const error = typeError(inferType(parseProgramOrThrow('({fn_0}(lam (add $0)) identity)'), env));
    expect(error.reason).toBe('declared-type');
    expect(error.subterm).toBe('fn_0');
    expect(showType(error.expected!)).toBe('S -> S');
    expect(showType(error.actual!)).toBe('(S -> S) -> S -> S');
  });
});
