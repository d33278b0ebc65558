/**
 * The trainer a search uses on this machine: each request becomes a `TrainJob`; jobs whose
 * models can share a population are grouped (at most `--population-batch` per group) and
 * each group trains in one computation, in process (one worker) or on worker threads
 * (`--workers N`). Jobs carry their own seeds, so results do not depend on the grouping,
 * on which thread ran them or in what order.
 */
import type { LabelControl } from '../data/dataset.ts';
import type { ModelKind } from '../gssnn/models/index.ts';
import type { PresetName } from '../gssnn/presets.ts';
import type { TrainJob, TrainJobResult } from '../gssnn/trainJob.ts';
import type { TrainOutcome, TrainRequest, Trainer } from '../synth/search.ts';
import type { RunStore } from '../synth/runStore.ts';
import { runInWorkers } from '../util/workerPool.ts';
import { populationGroups } from '../gssnn/population/groups.ts';
import { runTrainJobGroup, type JobOutcome } from '../gssnn/population/jobs.ts';

/** What `SearchConfig.training` holds for our trainer. */
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

export function baselineModelKind(name: string): ModelKind {
  switch (name) {
    case 'linear':
    case 'mlp':
      return name;
    case 'random':
    case 'chain':
    case 'star':
    case 'complete':
      return `gssnn-${name}`;
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
  const family = job.kind === 'linear' || job.kind === 'mlp' ? job.kind : 'gssnn';
  return JSON.stringify([family, job.preset, job.data, job.fold?.index ?? null, job.fold?.k ?? null, job.epochs ?? null, job.backend ?? null]);
}

/** Default models per population (`--population-batch`); 1 trains one model at a time. */
export const DEFAULT_POPULATION_BATCH = 16;

/** `thread`: train on worker threads even with one worker, leaving this thread free (for Ctrl-C). */
export function localTrainer(store: RunStore, options: { workers: number; backend?: string; populationBatch?: number; thread?: boolean }): Trainer {
  const batch = options.populationBatch ?? DEFAULT_POPULATION_BATCH;
  return async (requests, onOutcome) => {
    const jobs = requests.map((r) => jobOf(r, store, options.backend));
    // Groups of one still train through the population code, so records do not depend on the batch.
    const groups = populationGroups(jobs, populationKeyOfJob, batch, options.workers);
    const report = (group: number[], outcomes: readonly JobOutcome[]) =>
      group.forEach((i, j) => onOutcome(requests[i], outcomes[j].ok ? outcomeOf(outcomes[j].value) : failedOutcome(outcomes[j].error)));
    if (options.workers <= 1 && !options.thread) {
      for (const group of groups) {
        let outcomes: JobOutcome[];
        try {
          outcomes = await runTrainJobGroup(group.map((i) => jobs[i]));
        } catch (err) {
          outcomes = group.map(() => ({ ok: false, error: err instanceof Error ? err.message : String(err) }));
        }
        report(group, outcomes);
      }
      return;
    }
    await runInWorkers<TrainJob[], JobOutcome[]>({
      moduleUrl: new URL('../gssnn/population/jobs.ts', import.meta.url).href,
      exportName: 'runTrainJobGroup',
      inputs: groups.map((g) => g.map((i) => jobs[i])),
      workers: options.workers,
      onOutcome: (o) => report(groups[o.index], o.ok ? o.value : groups[o.index].map(() => ({ ok: false, error: o.error }))),
    });
  };
}
