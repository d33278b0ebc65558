/**
 * What travels through Redis: the queue's name, each job's idempotent id, the envelope a
 * `TrainJob` rides in and the result a worker sends back. Both sides validate what they
 * read against the schemas below, field by field, so a worker of another toolkit version (or
 * a job someone wrote into Redis by hand) is refused with a reason instead of run.
 */
import { z } from 'zod';
import { MODEL_KIND_NAMES } from '../gssnn/models/spec.ts';
import { PRESET_NAMES } from '../gssnn/presets.ts';
import type { TrainJob, TrainJobResult } from '../gssnn/train/job.ts';

/** Bumped whenever the envelope or the result changes meaning. */
export const QUEUE_PROTOCOL_VERSION = 3;

/** One queue serves every search and suite; job ids keep runs apart. */
export const TRAIN_QUEUE_NAME = 'synth-train';

/** The run a job belongs to: its id (the prefix of the job's queue id) and its directory. */
export interface QueuedRun {
  readonly id: string;
  /** Absolute path of the run directory, where `manifest.json` names the run id. */
  readonly dir: string;
}

/** What a worker receives. */
export interface QueuedJob {
  readonly protocol: number;
  readonly job: TrainJob;
  /**
   * When several jobs train together as one population: all of them (`job` is the first).
   * The worker then answers with `members`, one outcome per job, instead of `result`.
   */
  readonly group?: readonly TrainJob[];
  /** Send the saved model's files back in the result instead of relying on a shared directory. */
  readonly shipModel: boolean;
  /** Where a job that saves its model (without shipping it) may write: only inside this run. */
  readonly run?: QueuedRun;
}

/** A saved model's files, base64-encoded, keyed by file name. */
export type ShippedModel = Readonly<Record<string, string>>;

/** What a worker sends back for a job it finished. */
export interface QueuedResult {
  readonly protocol: number;
  /** The job's result (a job without a group). */
  readonly result?: TrainJobResult;
  /** `host:pid` of the process that trained it. */
  readonly worker: string;
  readonly model?: ShippedModel;
  /** A group's outcomes, one per job in group order. */
  readonly members?: readonly QueuedMemberResult[];
}

export type QueuedMemberResult =
  | { readonly ok: true; readonly result: TrainJobResult; readonly model?: ShippedModel }
  | { readonly ok: false; readonly error: string };

/**
 * The queue id of a job: the same inputs always give the same id, so enqueuing it again
 * (a resumed search) finds the job already there, running or done, instead of adding one.
 */
export function queueJobId(scope: string, jobId: string, seed: number): string {
  // BullMQ refuses ':' in custom ids and ids that parse as integers.
  return `${scope}/${jobId}/seed${seed}`.replace(/:/g, '_');
}

// Non-finite numbers (a diverged loss) are spelled out: JSON would turn them into null.
const SPECIAL = ['NaN', 'Infinity', '-Infinity'] as const;
const exactNumber = z.union([z.number(), z.enum(SPECIAL)]).transform((v) => (typeof v === 'number' ? v : Number(v)));

/** A copy of `value` in which every non-finite number is a string that `exactNumber` reads back. */
export function withSpelledNumbers<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)));
}

const splitMetrics = z.object({ loss: exactNumber, accuracy: exactNumber, count: z.number().int() });

const trainJobResult = z.object({
  id: z.string(),
  status: z.enum(['completed', 'diverged', 'stopped']),
  parameterCount: z.number().int(),
  train: splitMetrics,
  validation: splitMetrics,
  test: splitMetrics,
  epochs: z.number().int(),
  steps: z.number().int(),
  trainSeconds: exactNumber,
  backend: z.string(),
  modelDir: z.string().nullable(),
  divergedAt: z.object({ step: z.number().int(), epoch: z.number().int(), loss: exactNumber }).optional(),
});

const shippedModel = z.record(z.string(), z.string());

const queuedResult = z
  .object({
    protocol: z.literal(QUEUE_PROTOCOL_VERSION),
    result: trainJobResult.optional(),
    worker: z.string(),
    model: shippedModel.optional(),
    members: z
      .array(z.union([z.object({ ok: z.literal(true), result: trainJobResult, model: shippedModel.optional() }), z.object({ ok: z.literal(false), error: z.string() })]))
      .optional(),
  })
  .refine((r) => (r.result === undefined) !== (r.members === undefined), 'a result holds either result or members');

const count = (max: number) => z.number().int().nonnegative().max(max);

/** A program's graph as a job carries it (bounded: a worker allocates tensors from it). */
const programGraph = z.strictObject({
  nodes: z.array(count(1_000_000)).max(10_000),
  edges: z
    .array(z.strictObject({ id: count(1_000_000), source: count(1_000_000), sourcePort: count(1_000), target: count(1_000_000), targetPort: count(1_000) }))
    .max(100_000),
  nextId: count(1_000_000),
  maxConn: z.number().int().positive().max(1_000),
});

const trainJob = z.strictObject({
  id: z.string().min(1).max(200),
  kind: z.enum(MODEL_KIND_NAMES as [string, ...string[]]),
  graph: programGraph.optional(),
  elements: z.number().int().positive().max(100_000).optional(),
  data: z.strictObject({
    name: z.string().regex(/^[\w.-]+$/, 'a data set name'),
    seed: z.number().int(),
    trainSize: z.number().int().positive().optional(),
    labels: z.strictObject({ kind: z.enum(['real', 'noisy', 'random']), rate: z.number().min(0).max(1).optional(), seed: z.number().int().optional() }).optional(),
  }),
  preset: z.enum(PRESET_NAMES as [string, ...string[]]),
  seed: z.number().int(),
  epochs: z.number().int().positive().optional(),
  fold: z.strictObject({ k: z.number().int().min(2), index: z.number().int().nonnegative() }).optional(),
  modelDir: z.string().min(1).max(4_096).optional(),
  backend: z.string().regex(/^[\w-]+$/).optional(),
});

const queuedJob = z.strictObject({
  protocol: z.literal(QUEUE_PROTOCOL_VERSION),
  job: trainJob,
  group: z.array(trainJob).min(1).max(1_024).optional(),
  shipModel: z.boolean(),
  run: z.strictObject({ id: z.string().min(1).max(200), dir: z.string().min(1).max(4_096) }).optional(),
});

/** Reads a worker's result; a message saying what is wrong when it is not one. */
export function readQueuedResult(value: unknown): { ok: true; value: QueuedResult } | { ok: false; error: string } {
  const parsed = queuedResult.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data as QueuedResult };
  return { ok: false, error: `malformed result from a worker (${describeIssues(parsed.error)}); are all workers running this toolkit version?` };
}

/** Reads a job envelope; a message saying what is wrong when it is not one. */
export function readQueuedJob(value: unknown): { ok: true; value: QueuedJob } | { ok: false; error: string } {
  const parsed = queuedJob.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data as unknown as QueuedJob };
  return { ok: false, error: `malformed job (${describeIssues(parsed.error)}); was it enqueued by \`synth search\` of this toolkit version?` };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || 'value'}: ${i.message}`)
    .join('; ');
}
