/**
 * Every command that writes checks its output before any long work and fails with exit 1 and
 * a message naming the flag (never an internal error after minutes of training); and the
 * user-facing messages of train --program, DSL files, eval, compress and progress.
 */
import { describe, expect, it } from 'vitest';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canTestPermissions, repoRoot, synth, type CliResult } from '../helpers/cli.ts';

const env = { SYNTH_BACKEND: 'wasm', NO_COLOR: '1' };
const base = mkdtempSync(join(tmpdir(), 'outputs-'));

/** A folder the command may read but not write. */
function readOnlyDir(name: string): string {
  const dir = join(base, name);
  mkdirSync(dir, { mode: 0o555 });
  return dir;
}

function expectUserError(run: CliResult, message: RegExp): void {
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/internal error/);
  expect(run.code).toBe(1);
}

describe.skipIf(!canTestPermissions)('unwritable outputs are refused up front, with exit 1', () => {
  it('search, train, analyze --report, leaderboard, dsl convert and data preview', { timeout: 120_000 }, async () => {
    const ro = readOnlyDir('read-only');
    // A leaderboard to re-render, in a folder made read-only after the copy.
    const board = join(base, 'board');
    mkdirSync(board);
    copyFileSync(join(repoRoot, 'leaderboard/leaderboard.json'), join(board, 'leaderboard.json'));
    chmodSync(board, 0o555);
    const options = { obeyPermissions: true, env };
    const [search, train, analyze, leaderboard, render, convert, preview] = await Promise.all([
      synth(['search', '--preset', 'tiny', '--data', 'mnist-0v1', '--out', join(ro, 'run')], options),
      synth(['train', '--baseline', 'linear', '--data', 'mnist-0v1', '--preset', 'tiny', '--out', join(ro, 'model')], options),
      synth(['analyze', ro, '--report'], options),
      synth(['leaderboard', '--suite', 'tiny', '--out', join(ro, 'board')], options),
      synth(['leaderboard', '--render-only', '--out', board], options),
      synth(['dsl', 'convert', join(repoRoot, 'reference/gssnn-original/dsls/dsl_0.json'), join(ro, 'dsl.json')], options),
      synth(['data', 'preview', '--data', 'mnist-0v1', '--out', join(ro, 'preview.png')], options),
    ]);
    expectUserError(search, /--out: .*run cannot be created in .*read-only \(permission denied\)/);
    expectUserError(train, /--out: .*model cannot be created/);
    expect(train.stderr).not.toMatch(/epoch 1/);
    expectUserError(analyze, /--report: .*analysis-report cannot be created/);
    expectUserError(leaderboard, /--out: .*board cannot be created/);
    expectUserError(render, /--out: .*board is not writable \(permission denied\)/);
    expectUserError(convert, /<out>: cannot write .*dsl\.json/);
    expectUserError(preview, /--out: cannot write .*preview\.png/);
  });
});

describe('output files are not replaced silently, and previews stay a viewable size', () => {
  it('dsl convert needs --force to replace a file; data preview refuses a huge --n', { timeout: 60_000 }, async () => {
    const target = join(base, 'existing.json');
    writeFileSync(target, 'keep me\n');
    const dsl = join(repoRoot, 'reference/gssnn-original/dsls/dsl_0.json');
    const [refused, huge] = await Promise.all([synth(['dsl', 'convert', dsl, target]), synth(['data', 'preview', '--data', 'mnist-0v1', '--n', '100000', '--out', join(base, 'huge.png')])]);
    expectUserError(refused, /<out>: .*existing\.json already exists[\s\S]*--force/);
    expect(readFileSync(target, 'utf8')).toBe('keep me\n');
    expectUserError(huge, /--n: a preview shows at most 256 examples, got 100000/);
    expect(existsSync(join(base, 'huge.png'))).toBe(false);
    const forced = await synth(['dsl', 'convert', dsl, target, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(readFileSync(target, 'utf8')).format).toBe('gssnn-dsl');
  });
});

describe('train --program', () => {
  it('reports a typo with a suggestion, a missing file as a missing file, and a type error, before training', { timeout: 60_000 }, async () => {
    const [typo, missing, mistyped, folder] = await Promise.all([
      synth(['train', '--program', '(push (ad (connect identity)))', '--data', 'mnist-0v1'], { env }),
      synth(['train', '--program', join(base, 'nope/best-program.json'), '--data', 'mnist-0v1'], { env }),
      synth(['train', '--program', 'add', '--data', 'mnist-0v1'], { env }),
      synth(['train', '--program', base, '--data', 'mnist-0v1'], { env }),
    ]);
    expectUserError(typo, /--program does not parse: .*unknown name "ad".*did you mean "add"\?/);
    expectUserError(missing, /--program: no such file .*best-program\.json/);
    expect(missing.stderr).not.toMatch(/unknown (primitive|name)/);
    expectUserError(mistyped, /--program does not type-check: .*expected S -> S/);
    expectUserError(folder, /--program: .* is a directory/);
    for (const run of [typo, missing, mistyped]) {
      // The hint's example survives a shell: single quotes, no "$0" in double quotes.
      expect(run.stderr).toMatch(/--program '\(push \(add \(connect identity\)\)\)'/);
      expect(run.stderr).not.toMatch(/epoch 1/);
    }
  });

  it('prints the base rate beside every accuracy and warns when the model does not beat it', { timeout: 120_000 }, async () => {
    const args = ['train', '--baseline', 'linear', '--data', 'mnist-0v1', '--preset', 'tiny', '--epochs', '1', '--train-size', '32'];
    const [text, json] = await Promise.all([synth(args, { env }), synth([...args, '--json'], { env })]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/train +\d+\.\d% +\(loss [\d.]+; base rate \d+\.\d% of 32\)/);
    expect(text.stdout).toMatch(/test +53\.1% +\(loss [\d.]+; base rate 53\.1% of 128, indistinguishable from it\)/);
    expect(text.stderr).toMatch(/warning: test accuracy 53\.1% is indistinguishable from the base rate 53\.1% \(exact binomial test on 128 examples/);
    const summary = JSON.parse(json.stdout.trim().split('\n').pop()!) as { baseRate: Record<string, number>; vsBaseRate: { test: { verdict: string; pAbove: number } }; warnings: string[] };
    expect(summary.baseRate.test).toBeCloseTo(68 / 128, 12);
    expect(summary.vsBaseRate.test.verdict).toBe('indistinguishable');
    expect(summary.warnings).toHaveLength(1);
  });
});

describe('DSL files are checked against the graph domain at load', () => {
  it('refuses an unknown primitive and a wrong type in every command, with the entry and a suggestion', { timeout: 60_000 }, async () => {
    const dslFile = (primitives: { name: string; type: string }[]) => {
      const path = join(base, `dsl-${primitives.map((p) => p.name).join('-')}.json`);
      writeFileSync(path, JSON.stringify({ format: 'gssnn-dsl', version: 1, name: 'bad', stateType: 'S', primitives }));
      return path;
    };
    const unknown = dslFile([{ name: 'identity', type: 'S -> S' }, { name: 'ad', type: '(S -> S) -> S -> S' }]);
    const mistyped = dslFile([{ name: 'identity', type: 'S -> S' }, { name: 'add', type: 'S -> S' }]);
    const [enumerate, search, evaluate, wrongType] = await Promise.all([
      synth(['enumerate', '--dsl', unknown, '--seconds', '1'], { env }),
      synth(['search', '--dsl', unknown, '--out', join(base, 'never')], { env }),
      synth(['eval', '(ad identity)', '--dsl', unknown], { env }),
      synth(['enumerate', '--dsl', mistyped, '--seconds', '1'], { env }),
    ]);
    for (const run of [enumerate, search, evaluate]) expectUserError(run, /--dsl: .*primitives entry 1 \("ad"\), field "name": "ad" is not a primitive of the graph domain \(did you mean "add"\?\)/);
    expectUserError(wrongType, /"add" is declared with type S -> S, but the graph domain's add has type \(S -> S\) -> S -> S/);
    expect(existsSync(join(base, 'never'))).toBe(false);
  });
});

describe('messages people read', () => {
  it('eval prints failures unescaped on stderr; compress refuses an empty corpus instead of printing NaN', { timeout: 60_000 }, async () => {
    const empty = join(base, 'empty.json');
    writeFileSync(empty, '[]');
    const [evaluate, compress] = await Promise.all([synth(['eval', '(push (ad identity))']), synth(['compress', empty])]);
    expect(evaluate.code).toBe(1);
    expect(evaluate.stderr).toContain('did you mean "add"?\n(push (ad identity))\n       ^\n');
    expectUserError(compress, /the corpus holds no programs/);
    expect(compress.stdout).not.toMatch(/NaN/);
  });

  it('enumerate --progress prints a few lines when piped, not dozens a second', { timeout: 60_000 }, async () => {
    const run = await synth(['enumerate', '--seconds', '3', '--progress'], { env });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(lines[0]).toMatch(/programs, [\d.]+ s, \d+ graphs/);
  });
});
