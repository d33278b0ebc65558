/** Laws of the program language, checked on generated types, terms and garbage. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { graphDsl } from '../../src/dsl/domains/graphDsl.ts';
import { typeEnvOf, withInventions, type Dsl } from '../../src/dsl/dsl.ts';
import { ParseError } from '../../src/dsl/errors.ts';
import { checkType, inferType } from '../../src/dsl/infer.ts';
import { parseProgram } from '../../src/dsl/parse.ts';
import { printProgram } from '../../src/dsl/print.ts';
import { termEquals, type Invention, type Term } from '../../src/dsl/term.ts';
import { parseType } from '../../src/dsl/typeSyntax.ts';
import { showType, typeEquals } from '../../src/dsl/types.ts';
import { programTermArb, typeArb, wellTypedGraphTermArb } from '../arbitraries.ts';

const runs = { numRuns: 150 };

/** Inventions of a term, innermost first (so each can be added after those it uses). */
function inventionsOf(term: Term, out = new Map<string, Invention>()): Map<string, Invention> {
  if (term.kind === 'invention') {
    inventionsOf(term.body, out);
    out.set(term.name, term);
  } else if (term.kind === 'apply') {
    inventionsOf(term.fn, out);
    inventionsOf(term.arg, out);
  } else if (term.kind === 'lambda') inventionsOf(term.body, out);
  return out;
}

function dslWithInventionsOf(term: Term): Dsl {
  const added = withInventions(graphDsl(), [...inventionsOf(term).values()].map((i) => ({ name: i.name, body: i.body })));
  if (!added.ok) throw added.error;
  return added.value;
}

describe('print/parse round trip', () => {
  test.prop([programTermArb('combined')], runs)('combined form: parse(print(t)) equals t', (term) => {
    const text = printProgram(term, { form: 'combined' });
    const parsed = parseProgram(text, { form: 'combined' });
    if (!parsed.ok) throw parsed.error;
    expect(termEquals(parsed.value, term)).toBe(true);
    expect(printProgram(parsed.value, { form: 'combined' })).toBe(text);
  });

  test.prop([programTermArb('stitch')], runs)('stitch form: parse(print(t)) equals t', (term) => {
    const text = printProgram(term, { form: 'stitch' });
    const parsed = parseProgram(text, { form: 'stitch' });
    if (!parsed.ok) throw parsed.error;
    expect(termEquals(parsed.value, term)).toBe(true);
  });

  test.prop([wellTypedGraphTermArb()], runs)('stitch form of graph programs resolves inventions through the DSL', ({ term }) => {
    const dsl = dslWithInventionsOf(term);
    const text = printProgram(term, { form: 'stitch' });
    const parsed = parseProgram(text, { form: 'stitch', dsl });
    if (!parsed.ok) throw parsed.error;
    expect(termEquals(parsed.value, term)).toBe(true);
    expect(printProgram(parsed.value, { form: 'combined' })).toBe(printProgram(term, { form: 'combined' }));
  });

  test.prop([typeArb()], runs)('type text: parseType(showType(t)) equals t', (type) => {
    const parsed = parseType(showType(type));
    if (!parsed.ok) throw parsed.error;
    expect(typeEquals(parsed.value, type)).toBe(true);
  });
});

describe('inference', () => {
  test.prop([wellTypedGraphTermArb()], runs)('generated well-typed terms check at their requested type', ({ term, type }) => {
    const env = typeEnvOf(graphDsl());
    const checked = checkType(term, type, env);
    if (!checked.ok) throw new Error(`${printProgram(term)}: ${checked.error.message}`);
    expect(showType(checked.value)).toBe(showType(type));
    // The principal type is at least as general as the request.
    const principal = inferType(term, env);
    if (!principal.ok) throw principal.error;
    expect(checkType(term, principal.value, env).ok).toBe(true);
  });

  test.prop([wellTypedGraphTermArb()], runs)('inventions typed through a DSL agree with their inline bodies', ({ term, type }) => {
    const dsl = dslWithInventionsOf(term);
    const checked = checkType(term, type, typeEnvOf(dsl));
    if (!checked.ok) throw checked.error;
    expect(showType(checked.value)).toBe(showType(type));
  });
});

describe('garbage text', () => {
  const programish = fc.string({
    unit: fc.constantFrom('(', ')', ' ', '\n', '\t', '$', '#', '{', '}', '0', '1', 'lam', 'lambda', 'f', 'add', 'fn_0', '-', '.'),
    maxLength: 40,
  });
  const anything = fc.string({ unit: 'grapheme', maxLength: 40 });

  test.prop([fc.oneof(programish, anything)], { numRuns: 400 })('never throws; an error has a line and column inside the text', (text) => {
    const parsed = parseProgram(text, { dsl: graphDsl() });
    if (parsed.ok) {
      const printed = printProgram(parsed.value);
      const again = parseProgram(printed);
      expect(again.ok && termEquals(again.value, parsed.value)).toBe(true);
      return;
    }
    const error = parsed.error;
    expect(error).toBeInstanceOf(ParseError);
    const lines = text.split('\n');
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.line).toBeLessThanOrEqual(lines.length);
    expect(error.column).toBeGreaterThanOrEqual(1);
    expect(error.column).toBeLessThanOrEqual(lines[error.line - 1].length + 1);
    expect(error.message.split('\n')[0]).toMatch(/^<input>:\d+:\d+: \S/);
    expect(error.caret.endsWith('^')).toBe(true);
  });
});
