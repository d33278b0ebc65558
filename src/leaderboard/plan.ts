/**
 * From a suite and the selected program's graph to the list of training jobs, each with the
 * hash of its full content (the key of the result cache). Jobs pair across models: the same
 * (task, size, seed) gives every model the same split and the same initialization seed.
 * The suite's reference protocols come last (the paper preset's runs are the slowest).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../util/canonicalJson.ts';
import type { ProgramGraph } from '../dsl/graph.ts';
import type { ModelKindName } from '../gssnn/models/index.ts';
import { JOB_FORMAT_VERSION, type LeaderboardJob } from './job.ts';
import type { LeaderboardModel, Suite } from './suite.ts';

export function modelKindOf(model: LeaderboardModel): ModelKindName {
  return model === 'gssnn-selected' ? 'gssnn' : model;
}

/** JSON with object keys sorted, so that equal content always hashes the same. */
export { canonicalJson };

export function jobHash(job: LeaderboardJob): string {
  return createHash('sha256').update(canonicalJson(job)).digest('hex');
}

export interface PlannedJob {
  readonly hash: string;
  readonly job: LeaderboardJob;
}

/** Every job of the suite, smallest training size first (the cheap runs land early). */
export function planJobs(suite: Suite, selectedGraph: ProgramGraph, backend?: string): PlannedJob[] {
  const largest = Math.max(...suite.trainSizes);
  const first = suite.seeds[0];
  const jobs: PlannedJob[] = [];
  for (const trainSize of [...suite.trainSizes].sort((a, b) => a - b)) {
    for (const task of suite.tasks) {
      for (const seed of suite.seeds) {
        for (const model of suite.models) {
          const tracked = trainSize === largest && seed === first && suite.coherence.models.includes(model);
          const job: LeaderboardJob = {
            version: JOB_FORMAT_VERSION,
            task: task.name,
            dataset: task.dataset,
            model,
            kind: modelKindOf(model),
            // Graph-free baselines do not depend on the selection: their cached results survive a new search.
            graph: model === 'linear' || model === 'mlp' ? null : selectedGraph,
            trainSize,
            validationSize: suite.validationSize,
            testSize: suite.testSize,
            seed,
            preset: suite.preset,
            ...(suite.epochs === undefined ? {} : { epochs: suite.epochs }),
            measures: suite.measures,
            coherence: tracked ? { sample: suite.coherence.sample, every: suite.coherence.every } : null,
            ...(backend ? { backend } : {}),
          };
          jobs.push({ hash: jobHash(job), job });
        }
      }
    }
  }
  return [...jobs, ...planReferences(suite, backend)];
}

/** The jobs of the suite's reference protocols (graph-free models, one split, no measures). */
export function planReferences(suite: Suite, backend?: string): PlannedJob[] {
  return (suite.references ?? []).flatMap((r) =>
    r.seeds.map((seed) => {
      const job: LeaderboardJob = {
        version: JOB_FORMAT_VERSION,
        task: r.name,
        dataset: r.dataset,
        model: r.model,
        kind: modelKindOf(r.model),
        graph: null,
        trainSize: r.trainSize,
        validationSize: r.validationSize,
        testSize: r.testSize,
        seed,
        splitSeed: r.splitSeed,
        preset: r.preset,
        measures: { names: [], examples: 1 },
        coherence: null,
        ...(backend ? { backend } : {}),
      };
      return { hash: jobHash(job), job };
    }),
  );
}
