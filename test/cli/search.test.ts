import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { finalRecords, trainedIds } from '../helpers/runRecords.ts';
import { parseProgram } from '../../src/dsl/parse.ts';
import { evaluate } from '../../src/dsl/evaluate.ts';
import { toOriginalJson } from '../../src/dsl/graphFormats.ts';

const repo = resolve(import.meta.dirname, '../..');
const bin = join(repo, 'bin/synth.mjs');
const env = { ...process.env, SYNTH_BACKEND: 'wasm', NO_COLOR: '1' };

/** A small, fast search: every phase runs (explore, train, select, compress, explore again). */
const SEARCH_ARGS = [
  'search', '--preset', 'tiny', '--data', 'mnist-0v1', '--iterations', '2', '--population', '3', '--keep', '1',
  '--max-programs', '4000', '--epochs', '1', '--train-size', '32', '--baselines', 'linear', '--seed', '7',
];

function runSync(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: repo, env, encoding: 'utf8' });
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}


/** Starts a search and SIGKILLs it once its event log holds `events` events. */
function runUntilKilled(dir: string, events: number): Promise<void> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...SEARCH_ARGS, '--out', dir], { cwd: repo, env, stdio: 'ignore' });
    const log = join(dir, 'events.ndjson');
    const timer = setInterval(() => {
      const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0;
      if (lines >= events) child.kill('SIGKILL');
    }, 20);
    child.on('exit', () => {
      clearInterval(timer);
      done();
    });
  });
}

describe('synth search', () => {
  const base = mkdtempSync(join(tmpdir(), 'search-'));
  const reference = join(base, 'reference');

  it('runs end to end with records whose programs, graphs and metrics are consistent', { timeout: 300_000 }, () => {
    const run = runSync([...SEARCH_ARGS, '--out', reference]);
    // Piped, stderr carries a few progress lines and nothing else.
    expect(run.stderr).toMatch(/^synth search -> /);
    expect(run.stderr).not.toMatch(/error|warning/i);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Search finished: 2 iteration/);
    expect(run.stdout).toMatch(/Base rate/);

    const report = readJson<{ best: { id: string; test: number }[]; baselines: { kind: string; status: string }[] }>(join(reference, 'report.json'));
    expect(report.best.length).toBeGreaterThan(0);
    expect(report.baselines.map((b) => b.kind)).toEqual(['linear']);
    const manifest = readJson<{ format: number; seed: number; backend: string }>(join(reference, 'manifest.json'));
    expect(manifest).toMatchObject({ format: 2, seed: 7, backend: 'wasm' });

    for (const f of readdirSync(join(reference, 'candidates'))) {
      const c = readJson<{
        program: string;
        stitchProgram: string;
        graph: unknown;
        status: string;
        metrics: { validation: { accuracy: number }; test: { accuracy: number }; score: number } | null;
        modelPath: string;
      }>(join(reference, 'candidates', f));
      // The stored program really builds the stored graph.
      const term = parseProgram(c.program);
      expect(term.ok).toBe(true);
      const graph = evaluate(term.ok ? term.value : (null as never));
      expect(graph.ok && toOriginalJson(graph.value)).toEqual(c.graph);
      expect(c.stitchProgram.length).toBeGreaterThan(0);
      expect(c.status).toBe('trained');
      expect(c.metrics!.score).toBe(c.metrics!.validation.accuracy);
      expect(c.metrics!.test.accuracy).toBeGreaterThanOrEqual(0);
      expect(existsSync(join(reference, c.modelPath, 'model.json'))).toBe(true);
    }
    const ids = trainedIds(reference);
    expect(new Set(ids).size).toBe(ids.length);

    const show = runSync(['show', reference, '--top', '1']);
    expect(show.status).toBe(0);
    expect(show.stdout).toMatch(/rank +valid\. +test/);
    const picture = /Pictures: (\S+\.png)/.exec(show.stdout)?.[1];
    expect(picture && readFileSync(picture).subarray(1, 4).toString()).toBe('PNG');
  });

  it('resumes after SIGKILL at several points with the same final records, training nothing twice', { timeout: 600_000 }, async () => {
    const expected = finalRecords(reference);
    for (const killAt of [2, 5, 9]) {
      const dir = join(base, `killed-${killAt}`);
      await runUntilKilled(dir, killAt);
      const resumed = runSync(['search', '--resume', '--out', dir]);
      expect(resumed.stderr).not.toMatch(/error|warning/i);
      expect(resumed.status).toBe(0);
      expect(finalRecords(dir)).toEqual(expected);
      const ids = trainedIds(dir);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('lets one of two concurrent resumes run: the other exits 1 naming the holder, and the run ends identical', { timeout: 300_000 }, async () => {
    const dir = join(base, 'contended');
    await runUntilKilled(dir, 2);
    const first = spawn(process.execPath, [bin, 'search', '--resume', '--out', dir], { cwd: repo, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let firstErr = '';
    first.stderr.on('data', (d) => (firstErr += d));
    const firstExit = new Promise<number | null>((done) => first.on('exit', (code) => done(code)));
    // Hold the first resume still once it has the lock, so the second surely meets it.
    const lock = join(dir, 'run.lock');
    while (!(existsSync(lock) && readFileSync(lock, 'utf8').includes(`"pid":${first.pid},`))) await new Promise((r) => setTimeout(r, 20));
    first.kill('SIGSTOP');
    try {
      const second = runSync(['search', '--resume', '--out', dir]);
      expect(second.status).toBe(1);
      expect(second.stderr).toMatch(new RegExp(`is in use by pid ${first.pid} on \\S+ \\(since .*synth search --resume --out`));
      expect(second.stderr).toMatch(/hint: wait for it to finish, or stop it \(kill \d+\) and resume/);
    } finally {
      first.kill('SIGCONT');
    }
    expect(await firstExit).toBe(0);
    // Piped, stderr carries a few progress lines and nothing else.
    expect(firstErr).not.toMatch(/error|warning/i);
    expect(existsSync(lock)).toBe(false);
    expect(finalRecords(dir)).toEqual(finalRecords(reference));
    const ids = trainedIds(dir);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives the same records when candidates train on worker threads', { timeout: 300_000 }, () => {
    const dir = join(base, 'workers');
    const run = runSync([...SEARCH_ARGS, '--workers', '2', '--out', dir]);
    expect(run.status).toBe(0);
    expect(finalRecords(dir)).toEqual(finalRecords(reference));
  });

  it('refuses bad input with a clear message and overwrites nothing', { timeout: 300_000 }, () => {
    const again = runSync([...SEARCH_ARGS, '--out', reference]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already holds a run/);
    expect(runSync(['search', '--keep', '5', '--population', '3', '--out', join(base, 'x')]).stderr).toMatch(/keep \(5\) must be smaller than population \(3\)/);
    expect(runSync(['search', '--data', 'nope', '--out', join(base, 'y')]).stderr).toMatch(/unknown data set "nope"/);
    const poolOnHeap = runSync(['search', '--strategy', 'heap', '--argument-pool', '16', '--out', join(base, 'p')]);
    expect(poolOnHeap.status).toBe(1);
    expect(poolOnHeap.stderr).toMatch(/explore\.argumentPool applies to the states and novelty strategies, not heap or windows/);
    const resumeChanged = runSync(['search', '--resume', '--out', reference, '--seed', '3']);
    expect(resumeChanged.status).toBe(1);
    expect(resumeChanged.stderr).toMatch(/--seed/);
    expect(runSync(['search', '--resume', '--out', join(base, 'none')]).stderr).toMatch(/holds no run/);
    const empty = runSync(['search', '--out', '']);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toMatch(/--out: expected a directory, got an empty path/);
    const file = join(base, 'a-file');
    writeFileSync(file, 'x');
    const onFile = runSync([...SEARCH_ARGS, '--out', file]);
    expect(onFile.status).toBe(1);
    expect(onFile.stderr).toMatch(/is a file, not a directory/);
    // A creation killed before its manifest: --resume says what happened, a new run proceeds.
    const interrupted = join(base, 'interrupted');
    mkdirSync(interrupted);
    writeFileSync(join(interrupted, 'run.lock'), JSON.stringify({ pid: 999_999_999, host: hostname(), since: 'x', token: 't' }));
    writeFileSync(join(interrupted, '.manifest.json.1.0.tmp'), '{"form');
    const resumeInterrupted = runSync(['search', '--resume', '--out', interrupted]);
    expect(resumeInterrupted.status).toBe(1);
    expect(resumeInterrupted.stderr).toMatch(/creation was interrupted before its settings were recorded/);
  });
});
