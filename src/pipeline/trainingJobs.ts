/**
 * From the search loop's training requests to training jobs and back: a request becomes a
 * `TrainJob` (plain JSON that any process can train), a job's result becomes the loop's
 * `TrainOutcome`, and jobs that can share a population are keyed alike. The local and queue
 * trainers are built on these.
 */
import type { LabelControl } from '../data/dataset.ts';
import { modelKindFromName, modelKindName, type ModelKindName } from '../gssnn/models/index.ts';
import type { PresetName } from '../gssnn/presets.ts';
import type { TrainJob, TrainJobResult } from '../gssnn/train/job.ts';
import type { TrainOutcome, TrainRequest } from '../synth/searchRecords.ts';
import type { RunStore } from '../synth/runStore.ts';

/** What `PopulationSearchConfig.training` holds for our trainer. */
export interface TrainingConfig {
  readonly data: string;
  readonly dataSeed: number;
  readonly preset: PresetName;
  readonly trainSize?: number;
  readonly epochs?: number;
  readonly labels?: LabelControl;
}

export const BASELINE_KINDS = ['linear', 'mlp', 'random', 'chain', 'star', 'complete'] as const;
export type BaselineName = (typeof BASELINE_KINDS)[number];

export function baselineModelKind(name: string): ModelKindName {
  switch (name) {
    case 'linear':
    case 'mlp':
      return modelKindName({ family: name });
    case 'random':
    case 'chain':
    case 'star':
    case 'complete':
      return modelKindName({ family: 'gssnn', wiring: name });
    default:
      throw new RangeError(`unknown baseline "${name}"; use one of ${BASELINE_KINDS.join(', ')}`);
  }
}

export function jobOf(request: TrainRequest, store: RunStore, backend?: string): TrainJob {
  const training = request.training as unknown as TrainingConfig;
  return {
    id: request.jobId,
    kind: request.kind === 'program' ? 'gssnn' : baselineModelKind(request.baseline!),
    graph: request.kind === 'program' ? request.graph : undefined,
    elements: request.kind === 'baseline' && request.baseline !== 'linear' && request.baseline !== 'mlp' ? request.elements : undefined,
    data: { name: training.data, seed: training.dataSeed, trainSize: training.trainSize, labels: training.labels },
    preset: training.preset,
    seed: request.seed,
    epochs: training.epochs,
    fold: request.fold,
    modelDir: store.resolve(request.modelPath),
    backend,
  };
}

export function outcomeOf(result: TrainJobResult): TrainOutcome {
  return {
    status: result.status,
    parameterCount: result.parameterCount,
    train: { accuracy: result.train.accuracy, loss: result.train.loss },
    validation: { accuracy: result.validation.accuracy, loss: result.validation.loss },
    test: { accuracy: result.test.accuracy, loss: result.test.loss },
    trainSeconds: result.trainSeconds,
  };
}

export function failedOutcome(error: string): TrainOutcome {
  const none = { accuracy: Number.NaN, loss: Number.NaN };
  return { status: 'failed', parameterCount: 0, train: none, validation: none, test: none, trainSeconds: 0, error };
}

/** Jobs that may share a population: models of one family on the same data, schedule and backend. */
export function populationKeyOfJob(job: TrainJob): string {
  const { family } = modelKindFromName(job.kind);
  return JSON.stringify([family, job.preset, job.data, job.fold?.index ?? null, job.fold?.k ?? null, job.epochs ?? null, job.backend ?? null]);
}

/** Default models per population (`synth search --population-batch`); 1 trains one model at a time. */
export const DEFAULT_POPULATION_BATCH = 16;
