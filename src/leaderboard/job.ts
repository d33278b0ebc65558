/**
 * One leaderboard cell-and-seed as plain JSON: train one model on one task at one training
 * size with one seed, then measure it (test accuracy, generalization gap, cheap measures,
 * optionally gradient coherence through training). Runs in process or on a worker thread;
 * the same job gives the same numbers wherever it runs (timings aside).
 */
import type { Dataset } from '../data/dataset.ts';
import { baseRate, loadDatasetOnce } from '../data/datasets.ts';
import type { ProgramGraph } from '../dsl/graph.ts';
import { CoherenceTracker, type CoherencePoint } from '../analysis/coherence.ts';
import { indexedBatch } from '../analysis/fit.ts';
import { disposeBatch, type LabelledBatch } from '../analysis/loss.ts';
import { computeMeasures, MEASURE_NAMES, type MeasureName } from '../analysis/measures.ts';
import { initBackend, parseBackendName } from '../gssnn/backend.ts';
import type { ModelKindName } from '../gssnn/models/index.ts';
import { getPreset, type PresetName } from '../gssnn/presets.ts';
import { trainModel } from '../gssnn/train/trainModel.ts';
import type { TrainResult } from '../gssnn/train/trainer.ts';
import type { LeaderboardModel } from './suite.ts';

/** Bumped whenever what a job computes changes, so that cached results are not reused. */
export const JOB_FORMAT_VERSION = 4;

export interface LeaderboardJob {
  readonly version: number;
  readonly task: string;
  readonly dataset: string;
  readonly model: LeaderboardModel;
  readonly kind: ModelKindName;
  /** The selected program's graph (for `gssnn`), or the graph control wirings match in size. */
  readonly graph: ProgramGraph | null;
  readonly trainSize: number;
  readonly validationSize: number;
  readonly testSize: number;
  /** Seeds the initialization, dropout and data order, and the split unless `splitSeed` is given. */
  readonly seed: number;
  /** Seeds the split (reference protocols keep one split for every seed). */
  readonly splitSeed?: number;
  readonly preset: PresetName;
  /** Absent: the preset's schedule (with its minimum steps). */
  readonly epochs?: number;
  readonly measures: { readonly names: readonly string[]; readonly examples: number };
  readonly coherence: { readonly sample: number; readonly every: number } | null;
  readonly backend?: string;
}

export interface LeaderboardJobResult {
  readonly status: string;
  readonly parameterCount: number;
  readonly trainAccuracy: number;
  readonly validationAccuracy: number;
  readonly testAccuracy: number;
  readonly trainLoss: number;
  readonly testLoss: number;
  /** Majority-class rate of the test split (what always guessing the commonest class scores). */
  readonly baseRate: number;
  readonly steps: number;
  readonly trainSeconds: number;
  /** Training, evaluation and measures together. */
  readonly wallSeconds: number;
  readonly backend: string;
  readonly measures: Readonly<Record<string, number>>;
  readonly coherence: readonly { readonly step: number; readonly epoch: number; readonly alpha: number }[] | null;
}

export function datasetFor(job: LeaderboardJob): Promise<Dataset> {
  const preset = getPreset(job.preset);
  const options = {
    seed: job.splitSeed ?? job.seed,
    imageSize: preset.image.inputSize,
    trainSize: job.trainSize,
    validationSize: job.validationSize,
    testSize: job.testSize,
    warn: () => undefined,
  };
  return loadDatasetOnce(job.dataset, options);
}

function firstRows(count: number, limit: number): number[] {
  return Array.from({ length: Math.min(count, limit) }, (_, i) => i);
}

export async function runLeaderboardJob(job: LeaderboardJob): Promise<LeaderboardJobResult> {
  const started = performance.now();
  const backend = await initBackend(job.backend === undefined ? undefined : parseBackendName(job.backend));
  const data = await datasetFor(job);
  const preset = getPreset(job.preset);
  let tracker: CoherenceTracker | null = null;
  let sample: LabelledBatch | null = null;
  if (job.coherence) {
    // A fixed sample of training examples, so that points along training are comparable.
    sample = indexedBatch(data.train, data.inputShape, firstRows(data.train.count, job.coherence.sample));
    tracker = new CoherenceTracker(sample, job.coherence.every);
  }
  try {
    const trained = trainModel({
      kind: job.kind,
      preset,
      data,
      graph: job.graph ?? undefined,
      seed: job.seed,
      train: job.epochs === undefined ? {} : { epochs: job.epochs },
      callbacks: tracker ? { onStep: (info) => void tracker!.measure(info.model, info.step, info.epoch) } : undefined,
    });
    const coherence = tracker ? tracker.history.map((p: CoherencePoint) => ({ step: p.step, epoch: p.epoch, alpha: p.alpha })) : null;
    return finishLeaderboardJob(job, data, trained, { started, backend: backend.name, coherence });
  } finally {
    if (sample) disposeBatch(sample);
  }
}

/** Measures a trained job's model, frees it and returns the job's result. */
export function finishLeaderboardJob(
  job: LeaderboardJob,
  data: Dataset,
  trained: { readonly model: Parameters<typeof computeMeasures>[0] & { dispose(): void }; readonly result: TrainResult },
  context: { readonly started: number; readonly backend: string; readonly coherence: LeaderboardJobResult['coherence'] },
): LeaderboardJobResult {
  const { model, result } = trained;
  try {
    const measures = measuresOf(job, model, data);
    return {
      status: result.status,
      parameterCount: result.parameterCount,
      trainAccuracy: result.train.accuracy,
      validationAccuracy: result.validation.accuracy,
      testAccuracy: result.test.accuracy,
      trainLoss: result.train.loss,
      testLoss: result.test.loss,
      baseRate: baseRate(data.test.y, data.numClasses),
      steps: result.steps,
      trainSeconds: result.trainSeconds,
      wallSeconds: (performance.now() - context.started) / 1000,
      backend: context.backend,
      measures,
      coherence: context.coherence,
    };
  } finally {
    model.dispose();
  }
}

function measuresOf(job: LeaderboardJob, model: Parameters<typeof computeMeasures>[0], data: Dataset): Record<string, number> {
  const names = job.measures.names.filter((n): n is MeasureName => (MEASURE_NAMES as readonly string[]).includes(n));
  if (names.length === 0) return {};
  const batch = indexedBatch(data.train, data.inputShape, firstRows(data.train.count, job.measures.examples));
  try {
    const values = computeMeasures(model, names, { data: batch, inputShape: data.inputShape, seed: job.seed });
    // JSON has no NaN or infinity: a measure that is undefined for this model is left out.
    return Object.fromEntries(Object.entries(values).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])));
  } finally {
    disposeBatch(batch);
  }
}
