/**
 * A queue worker: takes training jobs from the queue, runs each on one of its training
 * threads and hands the result back to BullMQ, which stores it for whoever enqueued the job.
 * A worker that dies mid-job loses its lock; another worker's stall check puts the job
 * back on the queue, and it runs again from its own seed, giving the same result.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { confinementProblem } from './confine.ts';
import { connectionOptions, type QueueLocation } from './location.ts';
import { TRAIN_QUEUE_NAME, readQueuedJob, withSpelledNumbers, type QueuedJob, type QueuedResult } from './protocol.ts';
import { ThreadSlots } from './threads.ts';

export interface QueueWorkerOptions {
  /** Jobs trained at once, each on its own thread. */
  readonly concurrency: number;
  /** Replaces each job's backend (for machines that lack the one the search used). */
  readonly backend?: string;
  /** How long a job stays claimed without a renewal; a dead worker's job is retried after about twice this. */
  readonly lockSeconds: number;
  /** Times a job may be found abandoned before it fails for good. */
  readonly maxStalls: number;
  /** Only run directories under this one are written to (see confine.ts). */
  readonly runsRoot?: string;
}

export const DEFAULT_WORKER_OPTIONS: QueueWorkerOptions = { concurrency: 1, lockSeconds: 30, maxStalls: 2 };

export type WorkerEvent =
  | { type: 'ready'; queue: string; concurrency: number }
  | { type: 'started'; job: string; attempt: number }
  | { type: 'rejected'; job: string; reason: string }
  | { type: 'completed'; job: string; status: string; validation: number; seconds: number }
  | { type: 'failed'; job: string; attempt: number; error: string; final: boolean }
  | { type: 'stalled'; job: string }
  | { type: 'error'; error: string }
  | { type: 'closing'; force: boolean }
  | { type: 'closed' };

export interface QueueWorkerHandle {
  /** Takes no new jobs; waits for the running ones unless `force`, then disconnects. */
  close(force?: boolean): Promise<void>;
  /** Resolves once the worker has closed. */
  readonly closed: Promise<void>;
}

export async function startQueueWorker(
  location: QueueLocation,
  options: QueueWorkerOptions,
  onEvent: (event: WorkerEvent) => void = () => undefined,
): Promise<QueueWorkerHandle> {
  const threads = new ThreadSlots<QueuedJob, QueuedResult>(new URL('./execute.ts', import.meta.url).href, 'executeQueuedJob', options.concurrency);
  const handle = async (job: Job): Promise<unknown> => {
    const envelope = readQueuedJob(job.data);
    const problem = envelope.ok ? confinementProblem(envelope.value, job.id ?? '', { runsRoot: options.runsRoot }) : envelope.error;
    if (!envelope.ok || problem !== undefined) {
      // Refused for good (no retry), with the reason logged here and stored with the job.
      onEvent({ type: 'rejected', job: job.id ?? '?', reason: problem! });
      throw new UnrecoverableError(`rejected by the worker: ${problem}`);
    }
    onEvent({ type: 'started', job: job.id ?? '?', attempt: job.attemptsMade + 1 });
    const queued = options.backend === undefined ? envelope.value : { ...envelope.value, job: { ...envelope.value.job, backend: options.backend } };
    const result = await threads.run(queued);
    return withSpelledNumbers(result);
  };
  const lockMs = Math.round(options.lockSeconds * 1000);
  const worker = new Worker(TRAIN_QUEUE_NAME, handle, {
    connection: connectionOptions(location),
    concurrency: options.concurrency,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: options.maxStalls,
    autorun: false,
  });
  worker.on('completed', (job, value) => {
    const answer = value as { result?: { status?: string; validation?: { accuracy?: unknown }; trainSeconds?: unknown }; members?: { ok: boolean }[] };
    if (answer.members) {
      const trained = answer.members.filter((m) => m.ok).length;
      onEvent({ type: 'completed', job: job.id ?? '?', status: `group: ${trained} of ${answer.members.length} trained`, validation: Number.NaN, seconds: Number.NaN });
      return;
    }
    const result = answer.result;
    onEvent({
      type: 'completed',
      job: job.id ?? '?',
      status: String(result?.status),
      validation: Number(result?.validation?.accuracy),
      seconds: Number(result?.trainSeconds),
    });
  });
  worker.on('failed', (job, error) => {
    if (!job) return;
    const attempts = job.opts.attempts ?? 1;
    onEvent({ type: 'failed', job: job.id ?? '?', attempt: job.attemptsMade, error: error.message, final: error instanceof UnrecoverableError || job.attemptsMade >= attempts });
  });
  worker.on('stalled', (jobId) => onEvent({ type: 'stalled', job: jobId }));
  // A Redis outage repeats the same error on every reconnect attempt: say it once.
  let lastError = '';
  worker.on('error', (error) => {
    if (error.message === lastError) return;
    lastError = error.message;
    onEvent({ type: 'error', error: error.message });
  });
  worker.on('ready', () => (lastError = ''));

  let closing: Promise<void> | undefined;
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  const close = (force = false): Promise<void> => {
    if (closing && !force) return closing;
    onEvent({ type: 'closing', force });
    closing = (async () => {
      await worker.close(force);
      await threads.close();
      onEvent({ type: 'closed' });
      markClosed();
    })();
    return closing;
  };
  await worker.waitUntilReady();
  void worker.run().catch((err: unknown) => {
    onEvent({ type: 'error', error: err instanceof Error ? err.message : String(err) });
    void close(true);
  });
  onEvent({ type: 'ready', queue: TRAIN_QUEUE_NAME, concurrency: options.concurrency });
  return { close, closed };
}
