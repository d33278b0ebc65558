/**
 * Runs training jobs on the queue and reports each job's result exactly once (a queue job
 * may carry a group of training jobs trained together; each of them is reported).
 *
 * Each job is enqueued under its idempotent key, so enqueuing the same jobs again (a resumed
 * search, a second suite run) finds them already queued, running or done, and adds nothing.
 * Results are read from the jobs' stored state: queue events only wake the reader early and
 * a periodic sweep catches whatever an event missed, so a job finished while nobody was
 * listening is still picked up. A job that throws is retried with exponential backoff up to
 * `attempts` times, then reported as failed with its error.
 */
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { TrainJob, TrainJobResult } from '../gssnn/train/job.ts';
import { unpackModel } from './execute.ts';
import { connectionOptions, describeLocation, type QueueLocation } from './location.ts';
import { QUEUE_PROTOCOL_VERSION, TRAIN_QUEUE_NAME, readQueuedResult, type QueuedJob, type QueuedRun, type ShippedModel } from './protocol.ts';

export interface QueueJobSpec {
  /** Idempotent queue id (see `queueJobId`). */
  readonly key: string;
  readonly job: TrainJob;
  /** The run whose directory holds `job.modelDir`; workers write nowhere else (see confine.ts). */
  readonly run?: QueuedRun;
  /** Jobs trained together as populations (`job` is the first); each gets its own outcome. */
  readonly group?: readonly TrainJob[];
}

export type QueueJobOutcome =
  | { readonly ok: true; readonly result: TrainJobResult; readonly worker: string; readonly attempts: number }
  | { readonly ok: false; readonly error: string; readonly attempts: number };

export interface RunJobsOptions {
  /** Tries per job before it fails for good. */
  readonly attempts: number;
  /** First retry delay; each later one doubles. */
  readonly backoffMs: number;
  /** Workers send the saved model back through Redis; it is written to the job's modelDir here. */
  readonly shipModels: boolean;
  /** How often every unfinished job's state is read, events or not. */
  readonly pollMs: number;
  /** Finished jobs (and their results) stay in Redis this long, so a resumed run finds them. */
  readonly keepDays: number;
  /** Told when the connection to Redis fails (BullMQ keeps retrying); once per distinct message. */
  readonly onConnectionError?: (message: string) => void;
}

export const DEFAULT_RUN_JOBS_OPTIONS: RunJobsOptions = { attempts: 3, backoffMs: 5000, shipModels: false, pollMs: 2000, keepDays: 7 };

/**
 * Enqueues `jobs` (or finds them already queued) and calls `onResult` once per job as each
 * finishes for good; resolves when all have. Throws if `onResult` throws or Redis fails.
 */
export async function runJobsOnQueue(
  location: QueueLocation,
  jobs: readonly QueueJobSpec[],
  options: Partial<RunJobsOptions>,
  onResult: (spec: QueueJobSpec, outcome: QueueJobOutcome, member: number) => void,
): Promise<void> {
  const settings = { ...DEFAULT_RUN_JOBS_OPTIONS, ...options };
  const pending = new Map<string, QueueJobSpec>();
  for (const spec of jobs) {
    if (pending.has(spec.key)) throw new RangeError(`two jobs share the queue id ${spec.key}`);
    pending.set(spec.key, spec);
  }
  if (pending.size === 0) return;

  const connection = connectionOptions(location);
  const queue = new Queue(TRAIN_QUEUE_NAME, { connection });
  const events = new QueueEvents(TRAIN_QUEUE_NAME, { connection });
  let wake: () => void = () => undefined;
  // An event during a sweep means the next sweep starts at once rather than after pollMs.
  let finishedMeanwhile = false;
  let failure: unknown;
  const onFinished = ({ jobId }: { jobId: string }) => {
    if (!pending.has(jobId)) return;
    finishedMeanwhile = true;
    wake();
  };
  events.on('completed', onFinished);
  events.on('failed', onFinished);
  // Commands wait while Redis is away and go on when it is back; the caller hears about it once.
  let lastError = '';
  const connectionError = (error: Error) => {
    if (error.message === lastError) return;
    lastError = error.message;
    settings.onConnectionError?.(`Redis at ${describeLocation(location)}: ${error.message} (waiting for it to come back)`);
  };
  queue.on('error', connectionError);
  events.on('error', connectionError);

  const keepSeconds = Math.round(settings.keepDays * 86_400);
  const enqueue = (specs: readonly QueueJobSpec[]) =>
    queue.addBulk(
      specs.map((spec) => ({
        name: spec.job.id,
        data: { protocol: QUEUE_PROTOCOL_VERSION, job: spec.job, ...(spec.group ? { group: spec.group } : {}), shipModel: settings.shipModels, ...(spec.run ? { run: spec.run } : {}) } satisfies QueuedJob,
        opts: {
          jobId: spec.key,
          attempts: settings.attempts,
          backoff: { type: 'exponential', delay: settings.backoffMs },
          removeOnComplete: { age: keepSeconds },
          removeOnFail: { age: keepSeconds },
        },
      })),
    );

  /** A job's outcome if it has finished for good; re-enqueues it if it has vanished. */
  const settle = async (spec: QueueJobSpec): Promise<QueueJobOutcome[] | undefined> => {
    const state = await queue.getJobState(spec.key);
    if (state === 'unknown') {
      await enqueue([spec]);
      return undefined;
    }
    if (state !== 'completed' && state !== 'failed') return undefined;
    const job: Job | undefined = await queue.getJob(spec.key);
    return job ? outcomeOf(job, state, spec) : undefined;
  };

  try {
    await events.waitUntilReady();
    await enqueue([...pending.values()]);
    while (pending.size > 0) {
      finishedMeanwhile = false;
      const sweep = [...pending.values()];
      const outcomes = await Promise.all(sweep.map(settle));
      // Reported one by one after the sweep, so a throwing onResult stops all reporting.
      sweep.forEach((spec, i) => {
        const outcome = outcomes[i];
        if (outcome === undefined) return;
        pending.delete(spec.key);
        outcome.forEach((o, member) => onResult(spec, o, member));
      });
      if (pending.size === 0 || finishedMeanwhile) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, settings.pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = () => undefined;
    }
  } catch (err) {
    failure = err;
  } finally {
    await Promise.allSettled([events.close(), queue.close()]);
  }
  if (failure !== undefined) throw failure;
}

/** One outcome per job of the spec (one for a job without a group). */
function outcomeOf(job: Job, state: 'completed' | 'failed', spec: QueueJobSpec): QueueJobOutcome[] {
  const attempts = job.attemptsMade;
  const size = spec.group?.length ?? 1;
  const all = (outcome: QueueJobOutcome) => Array.from({ length: size }, () => outcome);
  if (state === 'failed') return all({ ok: false, error: job.failedReason || 'the job failed without a reason', attempts });
  const read = readQueuedResult(job.returnvalue);
  if (!read.ok) return all({ ok: false, error: read.error, attempts });
  const { result, worker, model, members } = read.value;
  const settleOne = (trained: TrainJobResult, shipped: ShippedModel | undefined, modelDir: string | undefined): QueueJobOutcome => {
    if (shipped !== undefined) {
      if (modelDir === undefined) return { ok: false, error: 'a worker shipped a model for a job that saves none', attempts };
      unpackModel(shipped, modelDir);
    }
    return { ok: true, result: trained, worker, attempts };
  };
  if (!spec.group) {
    if (result === undefined) return all({ ok: false, error: 'a worker answered a single job with a group result', attempts });
    return [settleOne(result, model, spec.job.modelDir)];
  }
  if (members === undefined || members.length !== size) return all({ ok: false, error: `a worker answered a group of ${size} jobs without ${size} outcomes`, attempts });
  return members.map((m, i) => (m.ok ? settleOne(m.result, m.model, spec.group![i].modelDir) : { ok: false, error: m.error, attempts }));
}
