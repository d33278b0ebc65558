import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { Queue } from 'bullmq';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTrainJobGroup } from '../../src/gssnn/population/jobs.ts';
import { runTrainJob, type TrainJob, type TrainJobResult } from '../../src/gssnn/train/job.ts';
import { checkReachable, parseQueueUrl, QueueConnectionError, type QueueLocation } from '../../src/queue/location.ts';
import { connectionOptions } from '../../src/queue/location.ts';
import { QUEUE_PROTOCOL_VERSION, queueJobId, TRAIN_QUEUE_NAME } from '../../src/queue/protocol.ts';
import { RunStore } from '../../src/synth/runStore.ts';
import { runJobsOnQueue, type QueueJobOutcome, type QueueJobSpec } from '../../src/queue/runJobs.ts';
import { startQueueWorker, type QueueWorkerHandle, type WorkerEvent } from '../../src/queue/worker.ts';
import { freePort, startRedis, type RedisServer } from './redisServer.ts';

process.env.SYNTH_BACKEND = 'cpu';
const work = mkdtempSync(join(tmpdir(), 'synth-queue-'));
let redis: RedisServer;
let location: QueueLocation;
let worker: QueueWorkerHandle;
const workerEvents: WorkerEvent[] = [];

beforeAll(async () => {
  redis = await startRedis();
  location = parseQueueUrl(redis.url);
  worker = await startQueueWorker(location, { concurrency: 1, lockSeconds: 10, maxStalls: 1 }, (e) => workerEvents.push(e));
});

afterAll(async () => {
  await worker?.close();
  await redis?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A run directory with its manifest (what a worker checks before writing into it). */
function runDir(runId: string): string {
  const dir = join(work, runId);
  RunStore.create(dir, { runId, createdAt: '2026-01-01T00:00:00Z', toolkitVersion: 'test', node: process.version, seed: 1, config: {} }).close();
  return dir;
}

function linearJob(id: string, seed: number, extra: Partial<TrainJob> = {}): TrainJob {
  return { id, kind: 'linear', data: { name: 'mnist-0v1', seed: 1, trainSize: 32 }, preset: 'tiny', seed, epochs: 1, backend: 'cpu', ...extra };
}

async function collect(specs: QueueJobSpec[], options: Parameters<typeof runJobsOnQueue>[2] = {}) {
  const outcomes: [string, QueueJobOutcome][] = [];
  await runJobsOnQueue(location, specs, { pollMs: 200, ...options }, (spec, outcome) => outcomes.push([spec.key, outcome]));
  return outcomes;
}

const started = (key: string) => workerEvents.filter((e) => e.type === 'started' && e.job === key).length;

describe('runJobsOnQueue', () => {
  it('reports each job once, and enqueuing the same jobs again trains nothing and gives the same results', { timeout: 120_000 }, async () => {
    const run = { id: 'run-a', dir: runDir('run-a') };
    const specs = [7, 8].map((seed) => ({ key: queueJobId('run-a', `baseline-linear`, seed), job: linearJob(`baseline-linear-${seed}`, seed, { modelDir: join(run.dir, 'models', `a-${seed}`) }), run }));
    const first = await collect(specs);
    expect(first.map(([key]) => key).sort()).toEqual(specs.map((s) => s.key).sort());
    for (const [, outcome] of first) {
      expect(outcome.ok).toBe(true);
      if (!outcome.ok) continue;
      expect(outcome.result.status).toBe('completed');
      expect(outcome.result.validation.accuracy).toBeGreaterThanOrEqual(0);
      expect(outcome.worker).toMatch(/:\d+$/);
      expect(existsSync(join(outcome.result.modelDir!, 'model.json'))).toBe(true);
    }
    const again = await collect(specs);
    const strip = (list: [string, QueueJobOutcome][]) => Object.fromEntries(list.map(([k, o]) => [k, o]));
    expect(strip(again)).toEqual(strip(first));
    for (const spec of specs) expect(started(spec.key)).toBe(1);
    // The queue changes where a job runs, not what it gives (the local trainer runs jobs as groups).
    const [trainedHere] = await runTrainJobGroup([specs[0].job]);
    if (!trainedHere.ok) throw new Error(trainedHere.error);
    const local = trainedHere.value;
    const queued = strip(first)[specs[0].key];
    const comparable = ({ trainSeconds: _t, ...rest }: TrainJobResult) => rest;
    expect(queued.ok && comparable(queued.result)).toEqual(comparable(local));
  });

  it('a queue job carrying a group trains it as populations: one outcome per job, each as trained alone, models shipped per job', { timeout: 120_000 }, async () => {
    const group = [3, 4, 5].map((seed) => linearJob(`group-linear-${seed}`, seed, { modelDir: join(work, `group-${seed}`) }));
    // A job that cannot train fails alone; the others still get their results.
    const broken = linearJob('group-broken', 6, { data: { name: 'no-such-data', seed: 1 } });
    const key = queueJobId('run-g', 'group', 3);
    const outcomes: [number, QueueJobOutcome][] = [];
    await runJobsOnQueue(location, [{ key, job: group[0], group: [...group, broken] }], { pollMs: 200, shipModels: true }, (_spec, outcome, member) => outcomes.push([member, outcome]));
    expect(outcomes.map(([m]) => m).sort()).toEqual([0, 1, 2, 3]);
    const byMember = new Map(outcomes);
    const failed = byMember.get(3)!;
    expect(!failed.ok && failed.error).toMatch(/no-such-data/);
    // Equal to float tolerance: the population's kernels add in another order.
    const comparable = (r: TrainJobResult) => ({
      ...r,
      trainSeconds: 0,
      ...Object.fromEntries((['train', 'validation', 'test'] as const).map((k) => [k, { ...r[k], loss: Number(r[k].loss.toFixed(5)) }])),
    });
    for (let i = 0; i < group.length; i++) {
      const outcome = byMember.get(i)!;
      expect(outcome.ok).toBe(true);
      if (!outcome.ok) continue;
      expect(outcome.result.modelDir).toBe(group[i].modelDir);
      expect(existsSync(join(group[i].modelDir!, 'model.json'))).toBe(true);
      const alone = await runTrainJob({ ...group[i], modelDir: undefined });
      expect(comparable(outcome.result)).toEqual(comparable({ ...alone, modelDir: group[i].modelDir! }));
    }
    expect(started(key)).toBe(1);
  });

  it('ships the saved model through Redis into the job directory when asked', { timeout: 120_000 }, async () => {
    const dir = join(work, 'shipped');
    const [[, outcome]] = await collect([{ key: queueJobId('run-b', 'baseline-linear', 7), job: linearJob('shipped', 7, { modelDir: dir }) }], { shipModels: true });
    expect(outcome.ok).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { format: string; metadata: { job: { modelDir: string } } };
    expect(manifest.format).toMatch(/^gssnn-saved-model\//);
    expect(manifest.metadata.job.modelDir).toBe(dir);
    expect(readFileSync(join(dir, 'weights.bin')).byteLength).toBeGreaterThan(0);
    if (outcome.ok) expect(outcome.result.modelDir).toBe(dir);
  });

  it('rejects jobs that would write outside their run, and writes nothing for them', { timeout: 120_000 }, async () => {
    const run = { id: 'run-e', dir: runDir('run-e') };
    const outside = join(work, 'outside');
    mkdirSync(outside, { recursive: true });
    mkdirSync(join(run.dir, 'models'), { recursive: true });
    symlinkSync(outside, join(run.dir, 'models', 'linked'));
    const forged: [string, QueueJobSpec, RegExp][] = [
      ['no run named', { key: queueJobId('run-e', 'a', 1), job: linearJob('a', 1, { modelDir: join(outside, 'a') }) }, /names no run to save it in/],
      ['outside the run', { key: queueJobId('run-e', 'b', 1), job: linearJob('b', 1, { modelDir: join(outside, 'b') }), run }, /is not a model directory inside run/],
      ['climbing out', { key: queueJobId('run-e', 'c', 1), job: linearJob('c', 1, { modelDir: join(run.dir, 'models', '..', '..', 'outside', 'c') }), run }, /is not a model directory inside run/],
      ['a directory that is no run', { key: queueJobId('run-f', 'd', 1), job: linearJob('d', 1, { modelDir: join(outside, 'models', 'd') }), run: { id: 'run-f', dir: outside } }, /holds no run/],
      ['another run', { key: queueJobId('run-g', 'e', 1), job: linearJob('e', 1, { modelDir: join(run.dir, 'models', 'e') }), run: { id: 'run-g', dir: run.dir } }, /holds run run-e, not run-g/],
      ['a queue id of another run', { key: queueJobId('run-h', 'f', 1), job: linearJob('f', 1, { modelDir: join(run.dir, 'models', 'f') }), run }, /does not belong to run run-e/],
      ['through a link', { key: queueJobId('run-e', 'g', 1), job: linearJob('g', 1, { modelDir: join(run.dir, 'models', 'linked') }), run }, /through a symbolic link/],
    ];
    const outcomes = new Map(await collect(forged.map(([, spec]) => spec)));
    for (const [what, spec, reason] of forged) {
      const outcome = outcomes.get(spec.key)!;
      expect(outcome.ok, what).toBe(false);
      if (outcome.ok) continue;
      expect(outcome.error, what).toMatch(reason);
      expect(outcome.attempts, what).toBe(1);
      const logged = workerEvents.find((e): e is Extract<WorkerEvent, { type: 'rejected' }> => e.type === 'rejected' && e.job === spec.key);
      expect(logged?.reason, what).toMatch(reason);
      expect(started(spec.key), what).toBe(0);
    }
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(join(run.dir, 'models'))).toEqual(['linked']);

    // A job written into Redis by hand, not by a search: refused by its schema, with the field.
    const queue = new Queue(TRAIN_QUEUE_NAME, { connection: connectionOptions(location) });
    try {
      await queue.add('forged', { protocol: QUEUE_PROTOCOL_VERSION, job: { ...linearJob('h', 1), modelDir: join(outside, 'h'), shell: 'rm -rf /' }, shipModel: false }, { jobId: 'forged/h/seed1', attempts: 3 });
      for (let i = 0; i < 200 && !workerEvents.some((e) => e.type === 'rejected' && e.job === 'forged/h/seed1'); i++) await new Promise((r) => setTimeout(r, 50));
      const rejected = workerEvents.find((e): e is Extract<WorkerEvent, { type: 'rejected' }> => e.type === 'rejected' && e.job === 'forged/h/seed1');
      expect(rejected?.reason).toMatch(/malformed job \(job: unexpected field\(s\)|Unrecognized key.*shell/);
      for (let i = 0; i < 100 && (await queue.getJobState('forged/h/seed1')) !== 'failed'; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await queue.getJobState('forged/h/seed1')).toBe('failed');
    } finally {
      await queue.close();
    }
    expect(readdirSync(outside)).toEqual([]);
  });

  it('retries a failing job with backoff, then reports it failed with its error', { timeout: 120_000 }, async () => {
    const key = queueJobId('run-c', 'broken', 1);
    const [[, outcome]] = await collect([{ key, job: linearJob('broken', 1, { data: { name: 'no-such-data', seed: 1 } }) }], { attempts: 2, backoffMs: 50 });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error).toMatch(/no-such-data/);
      expect(outcome.attempts).toBe(2);
    }
    const failures = workerEvents.filter((e): e is Extract<WorkerEvent, { type: 'failed' }> => e.type === 'failed' && e.job === key);
    expect(failures.map((f) => f.final)).toEqual([false, true]);
  });

  it('waits out a Redis restart, says so once, and enqueues again the jobs the restart lost', { timeout: 120_000 }, async () => {
    const flaky = await startRedis();
    const where = parseQueueUrl(flaky.url);
    const messages: string[] = [];
    const outcomes: QueueJobOutcome[] = [];
    const running = runJobsOnQueue(where, [{ key: queueJobId('run-d', 'baseline-linear', 3), job: linearJob('restart', 3) }], {
      pollMs: 200,
      onConnectionError: (m) => messages.push(m),
    }, (_spec, outcome) => outcomes.push(outcome));
    await new Promise((r) => setTimeout(r, 1000));
    await flaky.stop();
    for (let i = 0; i < 200 && messages.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    // The same port again, with nothing in it: the job must be enqueued anew.
    const restarted = await startRedis(flaky.port);
    const rescuer = await startQueueWorker(where, { concurrency: 1, lockSeconds: 10, maxStalls: 1 });
    try {
      await running;
    } finally {
      await rescuer.close();
      await restarted.stop();
    }
    expect(messages.length).toBeGreaterThan(0);
    expect(messages[0]).toMatch(new RegExp(`^Redis at redis://127\\.0\\.0\\.1:${flaky.port}/0: .*waiting for it to come back`));
    expect(new Set(messages).size).toBe(messages.length);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0].ok).toBe(true);
  });

  it('refuses two jobs with one id', async () => {
    const spec = { key: 'same', job: linearJob('x', 1) };
    await expect(runJobsOnQueue(location, [spec, spec], {}, () => undefined)).rejects.toThrow(/two jobs share the queue id same/);
  });

  it('says where Redis was expected and what to check when nothing answers', async () => {
    const port = await freePort();
    const error = await checkReachable(parseQueueUrl(`redis://127.0.0.1:${port}/3`), 2000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueConnectionError);
    expect((error as QueueConnectionError).message).toMatch(new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/3`));
    expect((error as QueueConnectionError).hint).toMatch(/redis-server/);
  });
});
