/**
 * A training job as plain JSON in, plain JSON out: the unit of work that the search loop
 * hands to worker threads (and to queue workers on other machines). A job names its data
 * set, preset, model kind and seed; it loads the data itself (once per process), trains,
 * optionally saves the model, and returns the metrics. The same job always gives the same
 * result, wherever it runs.
 */
import type { Dataset, LabelControl, Split } from '../../data/dataset.ts';
import { loadDatasetOnce } from '../../data/datasets.ts';
import type { ProgramGraph } from '../../dsl/graph.ts';
import { initBackend, parseBackendName } from '../backend.ts';
import type { ModelKindName } from '../models/index.ts';
import { saveModel } from '../persist.ts';
import { getPreset, type PresetName } from '../presets.ts';
import type { Model } from '../models/model.ts';
import type { SplitMetrics, TrainResult, TrainStatus } from './trainer.ts';
import { trainModel } from './trainModel.ts';

export interface TrainJobData {
  readonly name: string;
  /** Seeds the split and label controls. */
  readonly seed: number;
  readonly trainSize?: number;
  readonly labels?: LabelControl;
}

export interface TrainJob {
  /** Names the candidate or baseline this job trains (for records and logs). */
  readonly id: string;
  readonly kind: ModelKindName;
  readonly graph?: ProgramGraph;
  readonly elements?: number;
  readonly data: TrainJobData;
  readonly preset: PresetName;
  /** Seeds initialization, dropout and data order. */
  readonly seed: number;
  readonly epochs?: number;
  /** k-fold scoring: train on the other folds of the training split, validate on this one. */
  readonly fold?: { readonly k: number; readonly index: number };
  /** Saves the trained model here when given. */
  readonly modelDir?: string;
  readonly backend?: string;
}

export interface TrainJobResult {
  readonly id: string;
  readonly status: TrainStatus;
  readonly parameterCount: number;
  readonly train: SplitMetrics;
  readonly validation: SplitMetrics;
  readonly test: SplitMetrics;
  readonly epochs: number;
  readonly steps: number;
  readonly trainSeconds: number;
  readonly backend: string;
  readonly modelDir: string | null;
  readonly divergedAt?: { readonly step: number; readonly epoch: number; readonly loss: number };
}

/** Loads a job's data set once per process (jobs of one search share it). */
export function datasetFor(job: TrainJob): Promise<Dataset> {
  const preset = getPreset(job.preset);
  const options = {
    seed: job.data.seed,
    imageSize: preset.image.inputSize,
    trainSize: job.data.trainSize ?? preset.data.trainSize,
    validationSize: preset.data.validationSize,
    testSize: preset.data.testSize,
    labels: job.data.labels,
    warn: () => undefined,
  };
  return loadDatasetOnce(job.data.name, options);
}

export async function runTrainJob(job: TrainJob): Promise<TrainJobResult> {
  const backend = await initBackend(job.backend === undefined ? undefined : parseBackendName(job.backend));
  const full = await datasetFor(job);
  const data = job.fold ? foldOf(full, job.fold.k, job.fold.index) : full;
  const preset = getPreset(job.preset);
  const { model, result, initialWeights } = trainModel({
    kind: job.kind,
    preset,
    data,
    graph: job.graph,
    elements: job.elements,
    seed: job.seed,
    train: job.epochs === undefined ? {} : { epochs: job.epochs },
  });
  return finishJob(job, model, result, initialWeights, backend.name);
}

/**
 * Saves a trained job's model (and its weights before training) when the job asks for it,
 * frees the model and returns the job's result.
 */
export function finishJob(
  job: TrainJob,
  model: Model & { readonly weightNames: readonly string[] },
  result: TrainResult,
  initialWeights: readonly Float32Array[],
  backend: string,
): TrainJobResult {
  try {
    if (job.modelDir) saveModel(model, job.modelDir, { job: { ...job, graph: undefined }, result }, { initialWeights });
  } finally {
    model.dispose();
  }
  return {
    id: job.id,
    status: result.status,
    parameterCount: result.parameterCount,
    train: result.train,
    validation: result.validation,
    test: result.test,
    epochs: result.epochs,
    steps: result.steps,
    trainSeconds: result.trainSeconds,
    backend,
    modelDir: job.modelDir ?? null,
    ...(result.divergedAt ? { divergedAt: result.divergedAt } : {}),
  };
}

/**
 * The data set with fold `index` of `k` of its training split as validation and the rest as
 * training (examples assigned round-robin, so folds differ in size by at most one).
 */
export function foldOf(data: Dataset, k: number, index: number): Dataset {
  if (!Number.isInteger(k) || k < 2 || !Number.isInteger(index) || index < 0 || index >= k) {
    throw new RangeError(`fold ${index} of ${k}: need k >= 2 and 0 <= index < k`);
  }
  const size = data.train.x.length / Math.max(1, data.train.count);
  const pick = (keep: (i: number) => boolean): Split => {
    const rows: number[] = [];
    for (let i = 0; i < data.train.count; i++) if (keep(i)) rows.push(i);
    const x = new Float32Array(rows.length * size);
    const y = new Int32Array(rows.length);
    rows.forEach((r, j) => {
      x.set(data.train.x.subarray(r * size, (r + 1) * size), j * size);
      y[j] = data.train.y[r];
    });
    return { x, y, count: rows.length };
  };
  return {
    ...data,
    train: pick((i) => i % k !== index),
    validation: pick((i) => i % k === index),
    provenance: { ...data.provenance, fold: { k, index } },
  };
}
