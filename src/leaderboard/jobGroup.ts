/**
 * A group of leaderboard jobs as one unit of work: jobs without a coherence probe whose
 * models can share a population train together (population/trainer.ts), each on its own
 * split, and are then measured one by one; the others run as single jobs. Each job gets
 * the result it gets alone (timings aside).
 */
import type { Dataset } from '../data/dataset.ts';
import { initBackend, parseBackendName } from '../gssnn/backend.ts';
import { populationKey, trainPopulation, type PopulationMember } from '../gssnn/population/trainer.ts';
import { getPreset } from '../gssnn/presets.ts';
import { planTraining } from '../gssnn/trainModel.ts';
import { datasetFor, finishLeaderboardJob, runLeaderboardJob, type LeaderboardJob, type LeaderboardJobResult } from './job.ts';

export type LeaderboardJobOutcome = { readonly ok: true; readonly value: LeaderboardJobResult } | { readonly ok: false; readonly error: string };

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Jobs that may share a population: one model family, equal split sizes, schedule and backend (seeds may differ). */
export function leaderboardPopulationKey(job: LeaderboardJob): string {
  const family = job.kind === 'linear' || job.kind === 'mlp' ? job.kind : 'gssnn';
  return JSON.stringify([family, job.dataset, job.trainSize, job.validationSize, job.testSize, job.preset, job.epochs, job.backend ?? null, job.coherence !== null]);
}

export async function runLeaderboardJobGroup(jobs: readonly LeaderboardJob[]): Promise<LeaderboardJobOutcome[]> {
  const started = performance.now();
  const outcomes: LeaderboardJobOutcome[] = new Array(jobs.length);
  const pools = new Map<string, { index: number; member: PopulationMember; data: Dataset }[]>();
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
      pools.set(key, [...(pools.get(key) ?? []), { index: i, member, data }]);
    } catch (err) {
      outcomes[i] = { ok: false, error: message(err) };
    }
  }
  for (const pool of pools.values()) {
    try {
      const trained = trainPopulation(pool.map((p) => p.member));
      pool.forEach((p, j) => {
        try {
          outcomes[p.index] = { ok: true, value: finishLeaderboardJob(jobs[p.index], p.data, trained[j], { started, backend, coherence: null }) };
        } catch (err) {
          outcomes[p.index] = { ok: false, error: message(err) };
        }
      });
    } catch (err) {
      for (const p of pool) outcomes[p.index] = { ok: false, error: message(err) };
    }
  }
  return outcomes;
}
