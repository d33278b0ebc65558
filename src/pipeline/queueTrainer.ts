/**
 * The trainer a search uses with `--queue`: every request becomes a `TrainJob` on the Redis
 * queue, trained by `synth worker` processes anywhere that reaches it; jobs that can share a
 * population ride in one queue job (`--population-batch`) and train together. Queue ids are
 * the run id with the request's job id and seed (a group: a hash of its members'), so a
 * resumed search re-enqueues nothing that is queued or done and picks up results that
 * finished while it was away.
 */
import type { QueueLocation } from '../queue/location.ts';
import { queueJobId } from '../queue/protocol.ts';
import { runJobsOnQueue, type RunJobsOptions } from '../queue/runJobs.ts';
import type { RunStore } from '../synth/runStore.ts';
import type { TrainRequest, Trainer } from '../synth/searchRecords.ts';
import { DEFAULT_POPULATION_BATCH, failedOutcome, jobOf, outcomeOf, populationKeyOfJob } from './trainingJobs.ts';
import { populationGroups } from '../gssnn/population/groups.ts';
import { createHash } from 'node:crypto';

export interface QueueTrainerOptions extends Partial<RunJobsOptions> {
  readonly location: QueueLocation;
  readonly backend?: string;
  /** Jobs per queue job, trained together as populations (1: one job per queue job). */
  readonly populationBatch?: number;
}

export function queueTrainer(store: RunStore, options: QueueTrainerOptions): Trainer {
  const { location, backend, populationBatch = DEFAULT_POPULATION_BATCH, ...runOptions } = options;
  return async (requests, onOutcome) => {
    const jobs = requests.map((request) => jobOf(request, store, backend));
    const byKey = new Map<string, TrainRequest[]>();
    // One queue job per population group; a group of one is a plain job, as before.
    const specs = populationGroups(jobs, populationKeyOfJob, populationBatch).map((group) => {
      const members = group.map((i) => requests[i]);
      const single = members.length === 1;
      const key = single
        ? queueJobId(store.manifest.runId, members[0].jobId, members[0].seed)
        : queueJobId(store.manifest.runId, `group-${createHash('sha256').update(members.map((r) => `${r.jobId}/${r.seed}`).join('\n')).digest('hex').slice(0, 16)}`, members[0].seed);
      byKey.set(key, members);
      return { key, job: jobs[group[0]], ...(single ? {} : { group: group.map((i) => jobs[i]) }), run: { id: store.manifest.runId, dir: store.dir } };
    });
    const warn = (message: string) => process.stderr.write(`warning: ${message}\n`);
    await runJobsOnQueue(location, specs, { onConnectionError: warn, ...runOptions }, (spec, outcome, member) => {
      onOutcome(byKey.get(spec.key)![member], outcome.ok ? outcomeOf(outcome.result) : failedOutcome(outcome.error));
    });
  };
}
