/**
 * `synth search` stopped with Ctrl-C in a terminal, resumed with the command it printed, then
 * read as an archived (read-only) run; and what the run says about its base rate.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bin, canTestPermissions, repoRoot, synthSync } from '../helpers/cli.ts';

const env = { SYNTH_BACKEND: 'wasm', NO_COLOR: '1' };
/** A small search whose candidates and baseline all tie at the base rate (one epoch on 32 examples). */
const SEARCH_ARGS = [
  'search', '--preset', 'tiny', '--data', 'mnist-0v1', '--iterations', '2', '--population', '3', '--keep', '1',
  '--max-programs', '4000', '--epochs', '1', '--train-size', '32', '--baselines', 'linear', '--seed', '7',
];
const hasPython = spawnSync('python3', ['--version']).status === 0;
const ptyRun = join(repoRoot, 'test/helpers/ptyRun.py');

interface PtyResult {
  readonly output: string;
  readonly exitCode: number | null;
  readonly signal: number | null;
  readonly interrupted: boolean;
}

/** Mode bits of every file and folder under `dir`, changed by `change`. */
function chmodTree(dir: string, change: (mode: number) => number): void {
  chmodSync(dir, change(statSync(dir).mode));
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) chmodTree(path, change);
    else chmodSync(path, change(statSync(path).mode));
  }
}

describe.skipIf(!hasPython)('synth search interrupted in a terminal', () => {
  const base = mkdtempSync(join(tmpdir(), 'search-interrupt-'));
  const dir = join(base, 'run');

  it('restores the cursor and line wrapping on Ctrl-C, prints the resume command, and that command finishes the run', { timeout: 300_000 }, () => {
    const pty = spawnSync('python3', [ptyRun, 'training |', '120', 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), process.execPath, bin, ...SEARCH_ARGS, '--out', dir], { cwd: repoRoot, encoding: 'utf8' });
    expect(pty.status, pty.stderr).toBe(0);
    const result = JSON.parse(pty.stdout) as PtyResult;
    expect(result.interrupted).toBe(true);
    expect(result.exitCode).toBe(130);
    const out = result.output;
    // The bar hid the cursor and turned off line wrapping; both came back after the last time.
    expect(out.lastIndexOf('\x1b[?25l')).toBeGreaterThanOrEqual(0);
    expect(out.lastIndexOf('\x1b[?25h')).toBeGreaterThan(out.lastIndexOf('\x1b[?25l'));
    expect(out.lastIndexOf('\x1b[?7h')).toBeGreaterThan(out.lastIndexOf('\x1b[?7l'));
    expect(out).toMatch(/interrupted \(SIGINT\)/);
    const resume = /Resume with:\r?\n {2}(.+?)\r?\n/.exec(out)?.[1];
    expect(resume).toBe(`synth search --resume --out ${dir}`);
    expect(existsSync(join(dir, 'report.json'))).toBe(false);

    // The printed command, run as printed by a shell where `synth` is the toolkit's command.
    const resumed = spawnSync('sh', ['-c', `synth() { "${process.execPath}" "${bin}" "$@"; }; ${resume}`], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ...env } });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/Search finished: 2 iteration/);
    // Piped, progress is a few plain lines, not silence and not a flood.
    const progress = resumed.stderr.split('\n').filter(Boolean);
    expect(progress.some((l) => /^iteration 2/.test(l))).toBe(true);
    expect(progress.length).toBeLessThan(25);
    expect(resumed.stderr).not.toMatch(/error/i);

    // Every accuracy has its base rate beside it, and the tie is called what it is.
    expect(resumed.stdout).toMatch(/Base rate \(majority class\): validation 53\.1% of 64, test 53\.1% of 128 examples/);
    expect(resumed.stdout).toMatch(/^base +53\.1% +53\.1%/m);
    expect(resumed.stdout).toMatch(/WARNING: none of the \d+ candidates trained scores above the validation base rate 53\.1%.*carry no signal/);
    const show = synthSync(['show', dir, '--json', '--no-pictures']);
    expect(show.code, show.stderr).toBe(0);
    const report = JSON.parse(show.stdout) as { baseRates: { test: { baseRate: number; examples: number } }; assessment: { warnings: string[]; population: { aboveBaseRate: number } } };
    expect(report.baseRates.test).toEqual({ baseRate: 68 / 128, examples: 128 });
    expect(report.assessment.population.aboveBaseRate).toBe(0);
    expect(report.assessment.warnings.join('\n')).toMatch(/selection was a tie-break/);
  });

  it.skipIf(!canTestPermissions)('shows a read-only run without writing into it, and refuses to resume it with a clear message', { timeout: 120_000 }, () => {
    expect(existsSync(join(dir, 'report.json'))).toBe(true);
    chmodTree(dir, (mode) => mode & ~0o222);
    try {
      const show = synthSync(['show', dir, '--top', '1'], { obeyPermissions: true });
      expect(show.code, show.stderr).toBe(0);
      expect(show.stdout).toMatch(/rank +valid\. +test/);
      expect(show.stderr).toMatch(/not writable, so no pictures were drawn; pass --pictures-dir DIR/);
      expect(existsSync(join(dir, 'pictures'))).toBe(false);

      const pictures = join(base, 'pictures');
      const elsewhere = synthSync(['show', dir, '--top', '1', '--pictures-dir', pictures], { obeyPermissions: true });
      expect(elsewhere.code, elsewhere.stderr).toBe(0);
      const png = /Pictures: (\S+\.png)/.exec(elsewhere.stdout)?.[1];
      expect(png?.startsWith(pictures)).toBe(true);
      expect(readFileSync(png!).subarray(1, 4).toString()).toBe('PNG');

      const resume = synthSync(['search', '--resume', '--out', dir], { obeyPermissions: true, env });
      expect(resume.code).toBe(1);
      expect(resume.stderr).toMatch(/--out: .* is not writable \(permission denied\)/);
      expect(resume.stderr).not.toMatch(/internal error/);
    } finally {
      chmodTree(dir, (mode) => mode | 0o200);
    }
  });
});
