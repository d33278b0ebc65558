import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { finalRecords, trainedIds } from '../helpers/runRecords.ts';
import { startRedis, type RedisServer } from './redisServer.ts';

const repo = resolve(import.meta.dirname, '../..');
const bin = join(repo, 'bin/synth.mjs');
const env = { ...process.env, SYNTH_BACKEND: 'wasm', NO_COLOR: '1' };

/** Small but complete: two iterations, k-fold jobs, two baselines. */
const SEARCH_ARGS = [
  'search', '--preset', 'tiny', '--data', 'mnist-0v1', '--iterations', '2', '--population', '3', '--keep', '1',
  '--max-programs', '30000', '--epochs', '1', '--train-size', '32', '--selection', 'kfold', '--folds', '2',
  '--baselines', 'linear,chain', '--seed', '7',
];

interface Spawned {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly exit: Promise<number | null>;
}

function synth(args: string[], onLine: (line: string) => void = () => undefined): Spawned {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      stdout.push(line);
      onLine(line);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exit = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return { child, stdout, stderr, exit };
}

interface WorkerLine {
  type: string;
  job?: string;
}

const events = (w: Spawned): WorkerLine[] => w.stdout.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as WorkerLine);

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}


/** SIGKILLs a search as soon as its event log holds a training result. */
async function killOnceRecorded(search: Spawned, dir: string): Promise<void> {
  const log = join(dir, 'events.ndjson');
  while (search.child.exitCode === null) {
    if (existsSync(log) && readFileSync(log, 'utf8').includes('"type":"trained"')) {
      search.child.kill('SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await search.exit;
}

describe('synth search --queue with synth worker processes', () => {
  const base = mkdtempSync(join(tmpdir(), 'synth-distributed-'));
  let redis: RedisServer;
  const started: Spawned[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });

  afterAll(async () => {
    for (const s of started) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await redis?.stop();
    rmSync(base, { recursive: true, force: true });
  });

  it('survives a worker killed mid-job and a search killed and resumed: every job trained once, records equal to a local run', { timeout: 240_000 }, async () => {
    const localDir = join(base, 'local');
    const queueDir = join(base, 'queue');
    // The local reference runs alongside the distributed run.
    const local = synth([...SEARCH_ARGS, '--out', localDir]);
    started.push(local);

    const workerArgs = ['worker', '--queue', redis.url, '--json', '--lock-seconds', '3', '--max-stalls', '2'];
    let victim: Spawned | undefined;
    let killedJob: string | undefined;
    const workers: Spawned[] = [];
    for (let i = 0; i < 2; i++) {
      const self: Spawned = synth(workerArgs, (line) => {
        const event = JSON.parse(line) as WorkerLine;
        // The first job to start dies with its worker: the job's thread is still loading or training.
        if (event.type === 'started' && victim === undefined) {
          victim = self;
          killedJob = event.job;
          self.child.kill('SIGKILL');
        }
      });
      workers.push(self);
      started.push(self);
    }
    // The search itself is killed once it has recorded its first result, then resumed while the workers keep going.
    const first = synth([...SEARCH_ARGS, '--out', queueDir, '--queue', redis.url]);
    started.push(first);
    await killOnceRecorded(first, queueDir);
    const search = synth(['search', '--resume', '--out', queueDir, '--queue', redis.url]);
    started.push(search);

    expect(await search.exit, search.stderr.join('')).toBe(0);
    expect(await local.exit, local.stderr.join('')).toBe(0);
    // Piped, stderr carries a few progress lines and nothing else.
    expect(search.stderr.join('')).not.toMatch(/error|warning/i);
    expect(finalRecords(queueDir)).toEqual(finalRecords(localDir));

    // The search recorded each candidate and baseline once, across its kill and resume.
    const ids = trainedIds(queueDir);
    expect(new Set(ids).size).toBe(ids.length);
    for (const f of readdirSync(join(queueDir, 'candidates'))) expect(readJson<{ status: string }>(join(queueDir, 'candidates', f)).status).toBe('trained');

    // The queue side: the killed job started twice and completed once, on the survivor; no job completed twice.
    expect(victim).toBeDefined();
    expect(await victim!.exit).toBeNull();
    const survivor = workers.find((w) => w !== victim)!;
    const completed = workers.flatMap((w) => events(w).filter((e) => e.type === 'completed').map((e) => e.job!));
    expect(new Set(completed).size).toBe(completed.length);
    // Two fold jobs per candidate, one job per baseline; models that share a population ride in one queue job.
    const jobs = 2 * readdirSync(join(queueDir, 'candidates')).length + readdirSync(join(queueDir, 'baselines')).length;
    expect(jobs).toBeGreaterThanOrEqual(4);
    expect(completed.length).toBeGreaterThanOrEqual(1);
    expect(completed.length).toBeLessThan(jobs);
    expect(events(victim!).filter((e) => e.type === 'completed')).toEqual([]);
    expect(events(survivor).filter((e) => e.job === killedJob).map((e) => e.type)).toEqual(['stalled', 'started', 'completed']);

    // SIGTERM: the survivor finishes what it runs (nothing now) and leaves cleanly.
    survivor.child.kill('SIGTERM');
    expect(await survivor.exit).toBe(0);
    expect(events(survivor).at(-1)?.type).toBe('closed');
  });
});
