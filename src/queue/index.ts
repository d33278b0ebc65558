/**
 * Public API of `gssnn-synth/queue`. Distributed training on BullMQ/Redis: the job protocol, the queue client that enqueues and awaits jobs, and workers.
 * Named exports only: what is listed here is the contract; anything else is internal.
 */
export { confinementProblem, type ConfineOptions } from './confine.ts';
export { executeQueuedJob, packModel, unpackModel, workerName } from './execute.ts';
export {
  checkReachable,
  connectionOptions,
  DEFAULT_REDIS_PORT,
  describeLocation,
  parseQueueUrl,
  QueueConnectionError,
  type QueueLocation,
  QueueUrlError,
} from './location.ts';
export {
  QUEUE_PROTOCOL_VERSION,
  type QueuedJob,
  type QueuedMemberResult,
  type QueuedResult,
  type QueuedRun,
  queueJobId,
  readQueuedJob,
  readQueuedResult,
  type ShippedModel,
  TRAIN_QUEUE_NAME,
  withSpelledNumbers,
} from './protocol.ts';
export { DEFAULT_RUN_JOBS_OPTIONS, type QueueJobOutcome, type QueueJobSpec, runJobsOnQueue, type RunJobsOptions } from './runJobs.ts';
export { ThreadSlots } from './threads.ts';
export { DEFAULT_WORKER_OPTIONS, type QueueWorkerHandle, type QueueWorkerOptions, startQueueWorker, type WorkerEvent } from './worker.ts';
