/**
 * A group of leaderboard jobs as one unit of work: jobs without a coherence probe whose
 * models can share a population train together (population/trainer.ts), each on its own
 * split, and are then measured one by one; the others run as single jobs. Each job gets
 * the result it gets alone (timings aside).
 */
import type { Dataset } from '../data/dataset.ts';
import { initBackend, parseBackendName } from '../gssnn/backend.ts';
import { errorMessage, PopulationPools, type Outcome } from '../gssnn/population/pools.ts';
import { populationKey } from '../gssnn/population/trainer.ts';
import { getPreset, scheduleFor, type PresetName } from '../gssnn/presets.ts';
import { epochsFor } from '../gssnn/train/trainer.ts';
import { modelKindFromName } from '../gssnn/models/spec.ts';
import { planTraining } from '../gssnn/train/trainModel.ts';
import { datasetFor, finishLeaderboardJob, runLeaderboardJob, type LeaderboardJob, type LeaderboardJobResult } from './job.ts';

export type LeaderboardJobOutcome = Outcome<LeaderboardJobResult>;

/** Jobs that may share a population: one model family, equal split sizes, schedule and backend (seeds may differ). */
export function leaderboardPopulationKey(job: LeaderboardJob): string {
  const { family } = modelKindFromName(job.kind);
  return JSON.stringify([family, job.dataset, job.trainSize, job.validationSize, job.testSize, job.preset, job.epochs, job.backend ?? null, job.coherence !== null]);
}

/**
 * Relative cost of one example through a preset's model (training step or three evaluations):
 * `vs-pytorch` measures about 2,200-5,300 examples/s for `small` models and 28-29 for `paper`'s.
 */
const PRESET_COST: Readonly<Record<PresetName, number>> = { tiny: 0.25, small: 1, paper: 100 };

/**
 * A rough estimate of a job's cost, so that the costliest groups start first: the examples
 * its training steps take plus a third of those it is evaluated on, times its preset's cost
 * per example; a coherence probe trains alone and takes per-example gradients (counted twice).
 */
export function estimatedJobCost(job: LeaderboardJob): number {
  const schedule = scheduleFor(getPreset(job.preset), job.epochs);
  const steps = epochsFor(schedule, job.trainSize) * Math.ceil(job.trainSize / schedule.batchSize);
  const examples = steps * schedule.batchSize + (job.trainSize + job.validationSize + job.testSize) / 3;
  return PRESET_COST[job.preset] * examples * (job.coherence ? 2 : 1);
}

export async function runLeaderboardJobGroup(jobs: readonly LeaderboardJob[]): Promise<LeaderboardJobOutcome[]> {
  const started = performance.now();
  const outcomes: LeaderboardJobOutcome[] = new Array(jobs.length);
  const pools = new PopulationPools<{ job: LeaderboardJob; data: Dataset }>();
  let backend = '';
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i];
    try {
      backend = (await initBackend(job.backend === undefined ? undefined : parseBackendName(job.backend))).name;
      const data = await datasetFor(job);
      const { spec, config } = planTraining({ kind: job.kind, preset: getPreset(job.preset), data, graph: job.graph ?? undefined, seed: job.seed, train: { epochs: job.epochs } });
      const member = { spec, data, config };
      const key = job.coherence ? null : populationKey(member);
      if (key === null) {
        outcomes[i] = { ok: true, value: await runLeaderboardJob(job) };
        continue;
      }
      pools.add(key, i, { job, data }, member);
    } catch (err) {
      outcomes[i] = { ok: false, error: errorMessage(err) };
    }
  }
  pools.train(outcomes, ({ job, data }, trained) => finishLeaderboardJob(job, data, trained, { started, backend, coherence: null }));
  return outcomes;
}
