/**
 * Program text against the original system's data: every record's combined and stitch text
 * parses and prints back byte for byte, both forms denote the same term, every Stitch corpus
 * program round-trips. Plus the error messages for bad text.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { graphDsl } from '../../src/dsl/domains/graphDsl.ts';
import { loadDsl } from '../../src/dsl/dslFile.ts';
import { ParseError, UnknownNameError } from '../../src/dsl/errors.ts';
import { parseProgram } from '../../src/dsl/parse.ts';
import { printProgram } from '../../src/dsl/print.ts';
import { app, idx, invention, lam, param, prim, termEquals } from '../../src/dsl/term.ts';
import { dslFilePath, loadProgramRecords, repoRoot } from './referenceData.ts';

const records = loadProgramRecords();
const dsl11 = (() => {
  const loaded = loadDsl(dslFilePath(11));
  if (!loaded.ok) throw loaded.error;
  return loaded.value;
})();

const stitchDir = path.resolve(repoRoot, 'reference/stitch');
const corpora = readdirSync(path.join(stitchDir, 'corpora'))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => ({ file: f, programs: JSON.parse(readFileSync(path.join(stitchDir, 'corpora', f), 'utf8')) as string[] }));

describe('original program records (119)', () => {
  it('has every record', () => {
    expect(records).toHaveLength(119);
  });

  it('combined text parses and prints back byte for byte', () => {
    for (const record of records) {
      const parsed = parseProgram(record.program, { form: 'combined', source: record.file });
      if (!parsed.ok) throw parsed.error;
      expect(printProgram(parsed.value, { form: 'combined' }), record.file).toBe(record.program);
    }
  });

  it('stitch text parses against dsl_11, prints back byte for byte, and equals the combined term', () => {
    for (const record of records) {
      const stitch = parseProgram(record.stitch_program, { form: 'stitch', dsl: dsl11, source: record.file });
      if (!stitch.ok) throw stitch.error;
      expect(printProgram(stitch.value, { form: 'stitch' }), record.file).toBe(record.stitch_program);
      const combined = parseProgram(record.program, { form: 'combined', dsl: dsl11 });
      if (!combined.ok) throw combined.error;
      expect(termEquals(stitch.value, combined.value), record.file).toBe(true);
      // The combined print of the stitch parse is the record's combined text.
      expect(printProgram(stitch.value, { form: 'combined' })).toBe(record.program);
    }
  });
});

describe('Stitch corpora', () => {
  it('has the eight cogsci corpora', () => {
    expect(corpora.map((c) => c.file)).toHaveLength(8);
  });

  // Four corpora write some applications with an application as head, `((l 1) t ...)`: the same
  // curried term as `(l 1 t ...)`, which is what we (and Stitch) print. Every other program
  // comes back byte for byte.
  it.each(corpora.map((c) => [c.file, c.programs] as const))('%s: every program parses and round-trips', (_file, programs) => {
    expect(programs.length).toBeGreaterThan(0);
    for (const program of programs) {
      const parsed = parseProgram(program, { form: 'stitch' });
      if (!parsed.ok) throw parsed.error;
      const printed = printProgram(parsed.value, { form: 'stitch' });
      if (printed === program) continue;
      // Only flattening may differ: fewer characters, and the same term.
      expect(program).toContain('((');
      expect(printed.length).toBeLessThan(program.length);
      const again = parseProgram(printed, { form: 'stitch' });
      if (!again.ok) throw again.error;
      expect(termEquals(again.value, parsed.value)).toBe(true);
    }
  });

  it('prints an application headed by an application flat, as Stitch does', () => {
    const parsed = parseProgram('((l 1) t (r 6) h)');
    if (!parsed.ok) throw parsed.error;
    expect(printProgram(parsed.value)).toBe('(l 1 t (r 6) h)');
  });

  it('expected abstraction bodies (with #i, lam, tagged symbols) round-trip', () => {
    const expectedDir = path.join(stitchDir, 'expected');
    let count = 0;
    for (const file of readdirSync(expectedDir).filter((f) => f.endsWith('.json'))) {
      const expected = JSON.parse(readFileSync(path.join(expectedDir, file), 'utf8')) as {
        abstractions?: { body: string }[];
        programs?: string[];
      };
      // The large files' programs are copies of the corpora (tested above); the small ones are not.
      const programs = (expected.programs ?? []).length <= 3 ? expected.programs ?? [] : [];
      const texts = [...(expected.abstractions ?? []).map((a) => a.body), ...programs];
      for (const text of texts) {
        const parsed = parseProgram(text, { form: 'stitch', source: file });
        if (!parsed.ok) throw parsed.error;
        expect(printProgram(parsed.value, { form: 'stitch' })).toBe(text);
        count++;
      }
    }
    expect(count).toBeGreaterThan(40);
  });
});

describe('syntax', () => {
  it('builds the expected terms', () => {
    const cases: [string, ReturnType<typeof prim> | ReturnType<typeof app> | ReturnType<typeof lam> | ReturnType<typeof idx> | ReturnType<typeof param> | ReturnType<typeof invention>][] = [
      ['identity', prim('identity')],
      ['$3', idx(3)],
      ['#1', param(1)],
      ['(f a b)', app(app(prim('f'), prim('a')), prim('b'))],
      ['((f a) b)', app(app(prim('f'), prim('a')), prim('b'))],
      ['(lambda $0)', lam(idx(0))],
      ['{fn_0}(lam (push $0))', invention('fn_0', lam(app(prim('push'), idx(0))))],
      ['(-1.5 &x /seq lam_1 $0_1)', app(app(app(app(prim('-1.5'), prim('&x')), prim('/seq')), prim('lam_1')), prim('$0_1'))],
    ];
    for (const [text, term] of cases) {
      const parsed = parseProgram(text);
      if (!parsed.ok) throw parsed.error;
      expect(termEquals(parsed.value, term), text).toBe(true);
    }
  });

  it('accepts any whitespace and prints canonical spacing', () => {
    const parsed = parseProgram('(\n  f\t a\n  (lam   $0) )');
    if (!parsed.ok) throw parsed.error;
    expect(printProgram(parsed.value)).toBe('(f a (lam $0))');
  });

  it('resolves names through a DSL: inventions by name, then primitives', () => {
    const parsed = parseProgram('(fn_0 (add identity))', { dsl: dsl11 });
    if (!parsed.ok) throw parsed.error;
    expect(printProgram(parsed.value, { form: 'stitch' })).toBe('(fn_0 (add identity))');
    expect(printProgram(parsed.value, { form: 'combined' })).toBe('({fn_0}(lam (push (add (connect $0)))) (add identity))');
  });

  it('keeps each form to its own constructs', () => {
    const inline = parseProgram('({fn_0}(lam $0) identity)', { form: 'stitch' });
    expect(inline.ok).toBe(false);
    if (!inline.ok) expect(inline.error.message).toMatch(/inline invention \{fn_0\} is combined form/);
    const parameter = parseProgram('(f #0)', { form: 'combined' });
    expect(parameter.ok).toBe(false);
    if (!parameter.ok) {
      expect(parameter.error.message).toMatch(/#0 belongs to the stitch form/);
      expect(parameter.error.column).toBe(4);
    }
  });
});

describe('bad program text', () => {
  it('a parse error shows source, line, column, the line and a caret', () => {
    const text = '(next_port\n  (add (connect identity)\n  )))';
    const parsed = parseProgram(text, { source: 'prog.txt' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const error = parsed.error;
    expect(error).toBeInstanceOf(ParseError);
    expect(error.kind).toBe('parse');
    expect([error.line, error.column]).toEqual([3, 5]);
    expect(error.excerpt).toBe('  )))');
    expect(error.caret).toBe('    ^');
    expect(error.message).toBe(`prog.txt:3:5: ${error.reason}\n  )))\n    ^`);
    expect(error.reason).toMatch(/^expected end of input/);
  });

  it('an unclosed parenthesis says what was expected, at the end', () => {
    const parsed = parseProgram('(add (connect identity)');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.reason).toBe('unexpected end of input: expected ")"');
    expect(parsed.error.column).toBe(24);
    expect(parsed.error.message.split('\n')[2]).toBe(`${' '.repeat(23)}^`);
  });

  it('an empty application or lambda asks for a term', () => {
    for (const [text, column] of [['(f)', 3], ['(lam)', 5], ['', 1]] as const) {
      const parsed = parseProgram(text);
      expect(parsed.ok, text).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.error.column).toBe(column);
      expect(parsed.error.reason).toMatch(/expected a term/);
    }
  });

  it('says what is missing where: an argument, a body, a closing brace', () => {
    const cases: [string, number, string][] = [
      ['(f)', 3, 'expected a term before ")": an application needs a function and at least one argument'],
      ['(lam)', 5, 'expected a term before ")": (lam body) needs a body'],
      ['(f {fn_0})', 10, 'expected a term before ")": an inline invention {name} is followed by its body'],
      ['{fn_0 (lam $0)', 6, 'expected "}"'],
      ['{}(lam $0)', 2, 'expected a name character'],
    ];
    for (const [text, column, reason] of cases) {
      const parsed = parseProgram(text);
      expect(parsed.ok, text).toBe(false);
      if (parsed.ok) continue;
      expect([parsed.error.column, parsed.error.reason], text).toEqual([column, reason]);
    }
  });

  it('a long line is cut around the caret', () => {
    const text = `(f ${'(g '.repeat(60)}x${')'.repeat(61)} )`;
    const parsed = parseProgram(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.column).toBe(text.length);
    expect(parsed.error.excerpt.length).toBeLessThanOrEqual(80);
    expect(parsed.error.excerpt.startsWith('...')).toBe(true);
    // The caret sits under the character at the error position.
    expect(parsed.error.excerpt[parsed.error.caret.length - 1]).toBe(text[parsed.error.offset]);
  });

  it('a keyword used as a name says how to write an abstraction', () => {
    const parsed = parseProgram('(lam $0 identity)');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error.column).toBe(2);
      expect(parsed.error.reason).toBe('"lam" opens an abstraction and takes exactly one body: (lam body)');
    }
  });

  it('nesting beyond the supported depth is an error at the first level too deep, not a crash', () => {
    const text = `${'(add '.repeat(400)}identity${')'.repeat(400)}`;
    const parsed = parseProgram(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.offset).toBe(300 * '(add '.length);
    expect(parsed.error.reason).toMatch(/nest deeper than 300 levels/);
    const chained = parseProgram(`${'{f}'.repeat(5000)}x`);
    expect(chained.ok).toBe(false);
  });

  it('an unknown primitive suggests the closest names', () => {
    const parsed = parseProgram('(next_prot (add identity))', { dsl: graphDsl(), source: 'p.txt' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const error = parsed.error as UnknownNameError;
    expect(error).toBeInstanceOf(UnknownNameError);
    expect(error.kind).toBe('unknown-name');
    expect(error.unknownName).toBe('next_prot');
    expect(error.suggestions[0]).toBe('next_port');
    expect([error.line, error.column]).toEqual([1, 2]);
    expect(error.message).toBe('p.txt:1:2: unknown name "next_prot" in DSL "graph"; did you mean "next_port"?\n(next_prot (add identity))\n ^');
  });

  it('an unknown invention name suggests inventions too', () => {
    const parsed = parseProgram('(fn_21 identity)', { form: 'stitch', dsl: dsl11 });
    expect(parsed.ok).toBe(false);
    // Distance 1 each, ties by name.
    if (!parsed.ok) expect((parsed.error as UnknownNameError).suggestions).toEqual(['fn_1', 'fn_11', 'fn_2']);
  });
});
