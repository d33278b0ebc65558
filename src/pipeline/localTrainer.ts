/**
 * The trainer a search uses on this machine: each request becomes a `TrainJob`; jobs whose
 * models can share a population are grouped (at most `populationBatch` per group) and each
 * group trains in one computation, in process (one worker) or on worker threads that start
 * with the trainer and live until `close`. Jobs carry their own seeds, so results do not depend on the
 * grouping, on which thread ran them or in what order.
 */
import type { RunStore } from '../synth/runStore.ts';
import type { Trainer, TrainOutcome, TrainRequest } from '../synth/searchRecords.ts';
import type { TrainJob } from '../gssnn/train/job.ts';
import { populationGroups } from '../gssnn/population/groups.ts';
import { runTrainJobGroup, type JobOutcome } from '../gssnn/population/jobs.ts';
import { TaskThreadPool } from '../util/workerPool.ts';
import { DEFAULT_POPULATION_BATCH, failedOutcome, jobOf, outcomeOf, populationKeyOfJob } from './trainingJobs.ts';

export interface LocalTrainerOptions {
  /** Worker threads (1: train in this thread unless `thread`). */
  readonly workers: number;
  readonly backend?: string;
  /** Models per population (default 16). */
  readonly populationBatch?: number;
  /** Train on a worker thread even with one worker, leaving this thread free (for Ctrl-C). */
  readonly thread?: boolean;
}

export function localTrainer(store: RunStore, options: LocalTrainerOptions): Trainer & { close(): Promise<void> } {
  const batch = options.populationBatch ?? DEFAULT_POPULATION_BATCH;
  // Threads start now, loading the training code while the caller explores, and serve every
  // call (a search's iterations) until `close`.
  const threaded = options.workers > 1 || Boolean(options.thread);
  let pool: TaskThreadPool<TrainJob[], JobOutcome[]> | null = threaded ? new TaskThreadPool(new URL('../gssnn/population/jobs.ts', import.meta.url).href, 'runTrainJobGroup', Math.max(1, options.workers)) : null;
  pool?.warm();
  const train = async (requests: readonly TrainRequest[], onOutcome: (request: TrainRequest, outcome: TrainOutcome) => void): Promise<void> => {
    const jobs = requests.map((r) => jobOf(r, store, options.backend));
    // Groups of one still train through the population code, so records do not depend on the batch.
    const groups = populationGroups(jobs, populationKeyOfJob, batch, options.workers);
    const report = (group: number[], outcomes: readonly JobOutcome[]) =>
      group.forEach((i, j) => onOutcome(requests[i], outcomes[j].ok ? outcomeOf(outcomes[j].value) : failedOutcome(outcomes[j].error)));
    if (!threaded) {
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
    if (!pool) throw new Error('localTrainer: called after close');
    await pool.run(
      groups.map((g) => g.map((i) => jobs[i])),
      (o) => report(groups[o.index], o.ok ? o.value : groups[o.index].map(() => ({ ok: false, error: o.error }))),
    );
  };
  return Object.assign(train, {
    close: async () => {
      await pool?.close();
      pool = null;
    },
  });
}
