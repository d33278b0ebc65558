/**
 * Hostile input never crashes the toolkit: program text (`synth eval`), compression corpora
 * (`synth compress`) and DSL files, drawn from the language's own tokens and garbage, and
 * always including 10,000-deep nesting and 10,000-argument applications. Every failure is an
 * expected one (a parse, type, budget or file error; exit 1 on the command line, never 2), and
 * every parse error names its place (`source:line:column`).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphDsl } from '../../src/dsl/domains/graphDsl.ts';
import { dslFromJson } from '../../src/dsl/dslFile.ts';
import { DslFileError } from '../../src/dsl/errors.ts';
import { runProgramText } from '../../src/dsl/programRecord.ts';
import { compress, parseStitchCorpus } from '../../src/synth/compress/index.ts';
import { synth } from '../helpers/cli.ts';

const HUGE = 10_000;

/** Texts that are deep or wide beyond any limit, built from each construct that nests. */
const hostileShapes: Record<string, string> = {
  parens: `${'('.repeat(HUGE)}identity${')'.repeat(HUGE)}`,
  lambdas: `${'(lam '.repeat(HUGE)}$0${')'.repeat(HUGE)}`,
  continuations: `${'(add '.repeat(HUGE)}identity${')'.repeat(HUGE)}`,
  inlineInventions: `${'{fn_0}'.repeat(HUGE)}identity`,
  inventionsInParens: `${'{fn_0}('.repeat(HUGE)}identity${')'.repeat(HUGE)}`,
  wideApplication: `(add ${'identity '.repeat(HUGE)})`,
  wideOfLambdas: `((lam $0)${' (lam $0)'.repeat(HUGE)})`,
  wideNested: `(push ${'(add identity) '.repeat(HUGE)})`,
  unclosed: '('.repeat(HUGE),
  closers: ')'.repeat(HUGE),
  braces: '{'.repeat(HUGE),
  longLine: `(add ${'x'.repeat(200_000)})`,
};

/** Texts just inside the limits (300 levels of nesting, 1,000 levels of depth): accepted, then typed, run, compressed. */
const limitShapes: Record<string, string> = {
  wideLambdas: `((lam $0)${' (lam $0)'.repeat(998)})`,
  deepLambdas: `${'(lam '.repeat(299)}$0${')'.repeat(299)}`,
  deepContinuations: `${'(add '.repeat(299)}identity${')'.repeat(299)}`,
  deepInventions: `${'{fn_0}'.repeat(299)}identity`,
  deepBranches: `${'(func identity '.repeat(299)}identity${')'.repeat(299)}`,
  selfApplication: `(lam ${'($0 '.repeat(299)}$0${')'.repeat(299)})`,
};

const programToken = fc.oneof(
  fc.constantFrom('(', ')', '(', ')', ' ', 'lam', 'lambda', '$0', '$1', '$7', '#0', '#1', '{fn_0}', '{', '}', 'identity', 'add', 'push', 'pop', 'connect', 'move', 'next_port', 'func', 'if_positions_equal', 'nope'),
  fc.string({ maxLength: 3 }),
);

/** Token soup, or a hostile shape with soup around it. */
const programText = fc.oneof(
  fc.array(programToken, { maxLength: 40 }).map((tokens) => tokens.join(' ')),
  fc.tuple(fc.constantFrom(...Object.values(hostileShapes), ...Object.values(limitShapes)), fc.array(programToken, { maxLength: 4 })).map(([shape, tail]) => `${shape}${tail.join(' ')}`),
);

const POSITIONED = /^[^\n]*:\d+:\d+: \S/;

/** The message of an expected failure: positioned when it is about the text. */
function checkProgramError(kind: string, message: string): void {
  expect(['parse', 'type', 'budget', 'runtime']).toContain(kind);
  if (kind === 'parse') expect(message).toMatch(POSITIONED);
  if (kind === 'type') expect(message).toMatch(/^type error in /);
  expect(message.length).toBeLessThan(5_000);
}

describe('hostile input', () => {
  it('programs at the limits are read, typed, run and compressed without crashing', () => {
    const dsl = graphDsl();
    for (const [name, text] of Object.entries(limitShapes)) {
      const outcome = runProgramText(text, { dsl, source: name });
      if (!outcome.ok) {
        expect(outcome.error.kind, name).not.toBe('parse');
        checkProgramError(outcome.error.kind, outcome.error.message);
      }
      const corpus = parseStitchCorpus(JSON.stringify([text, text.replace(/identity/g, 'pop')]), name);
      if (!corpus.ok) {
        expect(corpus.error.message, name).toMatch(/inline invention .* is combined form/);
        continue;
      }
      const result = compress(corpus.value, { maxSteps: 300_000 });
      expect(result.finalCost, name).toBeLessThanOrEqual(result.originalCost);
    }
  });

  it('every hostile shape is refused with a positioned parse error, fast', () => {
    const dsl = graphDsl();
    for (const [name, text] of Object.entries(hostileShapes)) {
      const outcome = runProgramText(text, { dsl, source: name });
      expect(outcome.ok, name).toBe(false);
      if (outcome.ok) continue;
      expect(outcome.error.kind, name).toBe('parse');
      expect(outcome.error.message, name).toMatch(new RegExp(`^${name}:1:\\d+: `));
    }
  });

  it('program text: evaluating never throws; failures are expected kinds, parse errors positioned', () => {
    const dsl = graphDsl();
    fc.assert(
      fc.property(programText, (text) => {
        const outcome = runProgramText(text, { dsl, source: '<fuzz>', budget: { maxSteps: 20_000, maxMillis: 200 } });
        if (!outcome.ok) checkProgramError(outcome.error.kind, outcome.error.message);
      }),
      { numRuns: 300 },
    );
  });

  it('compression corpora: parsing and compressing never throw; a bad program is named with its place', () => {
    fc.assert(
      fc.property(fc.array(programText, { minLength: 1, maxLength: 4 }), (programs) => {
        const parsed = parseStitchCorpus(JSON.stringify(programs), 'corpus.json');
        if (!parsed.ok) {
          expect(parsed.error.message).toMatch(/^corpus\.json: program \d+ does not parse: corpus\.json\[\d+\]:\d+:\d+: |contains an abstraction parameter/);
          return;
        }
        const result = compress(parsed.value, { maxArity: 2, iterations: 2, maxSteps: 200_000 });
        expect(result.finalCost).toBeLessThanOrEqual(result.originalCost);
      }),
      { numRuns: 150 },
    );
  });

  it('compression of wide, repetitive programs stops at its work budget and says so', () => {
    const program = (k: number) => `(f ${Array.from({ length: 900 }, (_, i) => `(g a${(i * 7 + k) % 13})`).join(' ')})`;
    const parsed = parseStitchCorpus(JSON.stringify([program(0), program(1)]));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const result = compress(parsed.value, { maxArity: 2, iterations: 3, maxSteps: 2_000_000 });
    expect(result.budgetExhausted).toBe(true);
    expect(result.stats.work).toBeLessThan(2_000_000 + 200_000);
    expect(result.finalCost).toBeLessThanOrEqual(result.originalCost);
  });

  const typeText = fc.oneof(
    fc.array(fc.constantFrom('S', 't0', "'a", '->', '(', ')', ',', 'list', ' ', '-', '>', 'graph_state'), { maxLength: 20 }).map((t) => t.join(' ')),
    fc.constantFrom(`${'S -> '.repeat(HUGE)}S`, `${'('.repeat(HUGE)}S${')'.repeat(HUGE)}`, `${'list('.repeat(HUGE)}S${')'.repeat(HUGE)}`, '(S -> S) -> S -> S'),
  );

  /** The original's type JSON, nested `depth` arrows deep. */
  const originalArrows = (depth: number): unknown => {
    let type: unknown = ['Constructor', { name: 'graph_state', parameters: [] }];
    for (let i = 0; i < depth; i++) type = ['Arrow', { left: type, right: ['Id', 0] }];
    return type;
  };

  it('DSL files: loading never throws; failures name the file, the entry and the field', () => {
    const empty = dslFromJson({ format: 'gssnn-dsl', version: 1, name: 'empty', primitives: [] }, 'empty.json');
    expect(!empty.ok && empty.error.message).toMatch(/^empty\.json: field "primitives": a DSL needs at least one primitive/);
    const ours = fc.record({
      format: fc.constant('gssnn-dsl'),
      version: fc.constant(1),
      name: fc.constant('fuzz'),
      primitives: fc.array(fc.record({ name: fc.constantFrom('identity', 'add', 'p', 'q'), type: typeText }), { maxLength: 3 }),
      inventions: fc.array(fc.record({ name: fc.constantFrom('fn_0', 'fn_1'), body: programText }), { maxLength: 2 }),
    });
    const original = fc.record({
      library: fc.array(
        fc.record({ dc_name: fc.constantFrom('identity', 'add'), stitch_name: fc.constantFrom('identity', 'add'), ty: fc.oneof(fc.constant(originalArrows(HUGE)), fc.constant(originalArrows(2)), fc.jsonValue()), impl: fc.constant(null), log_likelihood: fc.constant(0) }),
        { maxLength: 2 },
      ),
      state_type: fc.oneof(fc.constant(['Constructor', { name: 'graph_state', parameters: [] }]), fc.constant(originalArrows(HUGE))),
      var_log_likelihood: fc.constant(0),
      size: fc.nat(2),
      mass: fc.constant(0),
    });
    fc.assert(
      fc.property(fc.oneof(ours, original, fc.jsonValue()), (json) => {
        const loaded = dslFromJson(json, 'fuzz.json');
        if (loaded.ok) return;
        const error = loaded.error;
        expect(error).toBeInstanceOf(DslFileError);
        expect(error.message).toMatch(/^fuzz\.json: /);
        // A type text that passed the schema failed to parse: the message says where in it.
        const entry = error.entry?.list === 'primitives' ? (json as { primitives: { type: string }[] }).primitives[error.entry.index] : undefined;
        if (entry && error.field === 'type' && entry.type.length > 0) expect(error.reason).toMatch(/\.type:\d+:\d+: /);
        const invention = error.entry?.list === 'inventions' ? (json as { inventions: { body: string }[] }).inventions[error.entry.index] : undefined;
        if (invention && error.field === 'body' && invention.body.length > 0) expect(error.reason).toMatch(/\.body:\d+:\d+: |^type error in /);
      }),
      { numRuns: 200 },
    );
  });

  it('on the command line: exit 1, never 2, and one bad stdin line never stops the lines after it', { timeout: 120_000 }, async () => {
    const lines = ['(push (add (connect identity)))', ...Object.values(hostileShapes), '(add garbage', '(add identity)'];
    const run = await synth(['eval'], { input: `${lines.join('\n')}\n` });
    expect(run.code).toBe(1);
    const out = run.stdout.trim().split('\n');
    expect(out).toHaveLength(lines.length);
    expect(JSON.parse(out[0]).output).toBeDefined();
    expect(JSON.parse(out[out.length - 1]).output).toBeDefined();
    for (const [i, line] of out.slice(1, -2).entries()) {
      const record = JSON.parse(line) as { error: { kind: string; message: string } };
      expect(record.error.kind, lines[i + 1].slice(0, 40)).toBe('parse');
      expect(record.error.message).toMatch(/^<stdin line \d+>:1:\d+: /);
    }
    // The 200,000-character line fails on its own, saying which flag lets it through.
    expect(out[lines.indexOf(hostileShapes.longLine)]).toMatch(/more than the limit of 100000; raise the limit \(--max-length\)/);

    const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
    const corpus = join(dir, 'corpus.json');
    writeFileSync(corpus, JSON.stringify(['(f a b)', hostileShapes.wideApplication]));
    const compressed = await synth(['compress', corpus]);
    expect(compressed.code).toBe(1);
    expect(compressed.stderr).toMatch(/program 1 does not parse: .*corpus\.json\[1\]:1:\d+: the program is more than 1000 levels deep/);
    const arity = await synth(['compress', corpus, '--arity', '50']);
    expect(arity.code).toBe(1);
    expect(arity.stderr).toMatch(/--arity: expected an integer in \[0, 8\]/);

    const dslFile = join(dir, 'deep.json');
    writeFileSync(dslFile, JSON.stringify({ format: 'gssnn-dsl', version: 1, name: 'deep', primitives: [{ name: 'identity', type: `${'S -> '.repeat(1_000)}S` }] }));
    const checked = await synth(['dsl', 'check', 'identity', '--dsl', dslFile]);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toMatch(/deep\.json: primitives entry 0 \("identity"\), field "type": .*:1:\d+: the type nests deeper than 100 levels/);
  });
});
