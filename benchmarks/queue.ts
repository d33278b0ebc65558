/**
 * What the job queue costs: the same small training jobs run in process one after another, then
 * through a private redis-server and a queue worker (1 and 2 training threads), and with the
 * models shipped back through Redis. Reports wall time per job and the time per job spent outside
 * training itself; the queue's overhead is the difference of the latter between the queue and the
 * in-process run (enqueue, claim, thread hand-off, result read-back), after one warm-up job per
 * worker thread. Differences of wall time alone drown in machine load; this one does less.
 *
 *   npx tsx benchmarks/queue.ts [--jobs N]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../src/gssnn/backend.ts';
import { runTrainJob, type TrainJob } from '../src/gssnn/train/job.ts';
import { checkReachable, parseQueueUrl, type QueueLocation } from '../src/queue/location.ts';
import { queueJobId } from '../src/queue/protocol.ts';
import { runJobsOnQueue, type QueueJobSpec } from '../src/queue/runJobs.ts';
import { startQueueWorker } from '../src/queue/worker.ts';
import { machineInfo, reportBenchmark } from './machine.ts';

const argValue = (flag: string, fallback: number) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const JOBS = argValue('--jobs', 6);
const scratch = mkdtempSync(join(tmpdir(), 'bench-queue-'));

function job(id: string, seed: number, modelDir?: string): TrainJob {
  return { id, kind: 'gssnn-chain', elements: 9, data: { name: 'mnist-0v1', seed: 1, trainSize: 64 }, preset: 'tiny', seed, epochs: 2, backend: 'cpu', ...(modelDir ? { modelDir } : {}) };
}

async function startRedis(): Promise<{ location: QueueLocation; stop: () => void }> {
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', scratch, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const location = parseQueueUrl(`redis://127.0.0.1:${port}`);
  for (let i = 0; ; i++) {
    try {
      await checkReachable(location, 500);
      break;
    } catch (err) {
      if (i > 100) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { location, stop: () => child.kill('SIGTERM') };
}

async function timeQueue(location: QueueLocation, tag: string, concurrency: number, shipModels: boolean) {
  const worker = await startQueueWorker(location, { concurrency, lockSeconds: 30, maxStalls: 1 });
  try {
    // Warm-up: one job per thread loads tsx, tfjs and the data set.
    const warm: QueueJobSpec[] = Array.from({ length: concurrency }, (_, i) => ({ key: queueJobId(`${tag}-warm`, 'j', i), job: job(`warm-${i}`, 100 + i) }));
    await runJobsOnQueue(location, warm, { pollMs: 100 }, () => undefined);
    const specs: QueueJobSpec[] = Array.from({ length: JOBS }, (_, i) => ({
      key: queueJobId(tag, 'j', i),
      job: job(`job-${i}`, i, shipModels ? join(scratch, tag, String(i)) : undefined),
    }));
    let trainSeconds = 0;
    const start = performance.now();
    await runJobsOnQueue(location, specs, { pollMs: 100, shipModels }, (_spec, outcome) => {
      if (outcome.ok) trainSeconds += outcome.result.trainSeconds;
    });
    const wall = (performance.now() - start) / 1000;
    const shippedBytes = shipModels ? readdirSync(join(scratch, tag, '0')).reduce((s, f) => s + statSync(join(scratch, tag, '0', f)).size, 0) : null;
    // With several threads, wall time is shared: outside-training time is wall x threads - training.
    const outside = (wall * concurrency - trainSeconds) / JOBS;
    return { concurrency, shipModels, wallSecondsPerJob: wall / JOBS, trainSecondsPerJob: trainSeconds / JOBS, outsideTrainingSecondsPerJob: outside, shippedBytesPerModel: shippedBytes };
  } finally {
    await worker.close();
  }
}

async function main() {
  const backend = await initBackend('cpu');
  await runTrainJob(job('warm-local', 99));
  const start = performance.now();
  let localTrain = 0;
  for (let i = 0; i < JOBS; i++) localTrain += (await runTrainJob(job(`local-${i}`, i))).trainSeconds;
  const localWall = (performance.now() - start) / 1000;

  const redis = await startRedis();
  try {
    const one = await timeQueue(redis.location, 'one', 1, false);
    const two = await timeQueue(redis.location, 'two', 2, false);
    const shipped = await timeQueue(redis.location, 'ship', 1, true);
    const local = { wallSecondsPerJob: localWall / JOBS, trainSecondsPerJob: localTrain / JOBS, outsideTrainingSecondsPerJob: (localWall - localTrain) / JOBS };
    reportBenchmark('queue', {
      benchmark: 'queue',
      job: 'gssnn-chain (9 elements), tiny preset, mnist-0v1, 64 training examples, 2 epochs',
      jobs: JOBS,
      local,
      queue: [one, two, shipped].map((q) => ({ ...q, queueOverheadSecondsPerJob: q.outsideTrainingSecondsPerJob - local.outsideTrainingSecondsPerJob })),
      machine: machineInfo({ backend: backend.name, redis: 'private redis-server on loopback' }),
      note: 'measured under load from other processes on a shared 2-core machine; to be re-run on a quiet machine. With 2 threads on 2 shared cores, training itself slows down (trainSecondsPerJob).',
    });
  } finally {
    redis.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
