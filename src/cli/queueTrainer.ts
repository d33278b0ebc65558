/**
 * The trainer a search uses with `--queue`: every request becomes a `TrainJob` on the Redis
 * queue, trained by `synth worker` processes anywhere that reaches it. Job ids are the run id,
 * the request's job id and its seed, so a resumed search re-enqueues nothing that is queued
 * or done and picks up results that finished while it was away.
 */
import { checkReachable, parseQueueUrl, QueueConnectionError, QueueUrlError, type QueueLocation } from '../queue/location.ts';
import { queueJobId } from '../queue/protocol.ts';
import { runJobsOnQueue, type RunJobsOptions } from '../queue/runJobs.ts';
import type { RunStore } from '../synth/runStore.ts';
import type { TrainRequest, Trainer } from '../synth/search.ts';
import { UserError } from './errors.ts';
import { failedOutcome, jobOf, outcomeOf } from './searchTrainer.ts';

export interface QueueTrainerOptions extends Partial<RunJobsOptions> {
  readonly location: QueueLocation;
  readonly backend?: string;
}

export function queueTrainer(store: RunStore, options: QueueTrainerOptions): Trainer {
  const { location, backend, ...runOptions } = options;
  return async (requests, onOutcome) => {
    const byKey = new Map<string, TrainRequest>();
    const specs = requests.map((request) => {
      const key = queueJobId(store.manifest.runId, request.jobId, request.seed);
      byKey.set(key, request);
      return { key, job: jobOf(request, store, backend), run: { id: store.manifest.runId, dir: store.dir } };
    });
    const warn = (message: string) => process.stderr.write(`warning: ${message}\n`);
    await runJobsOnQueue(location, specs, { onConnectionError: warn, ...runOptions }, (spec, outcome) => {
      onOutcome(byKey.get(spec.key)!, outcome.ok ? outcomeOf(outcome.result) : failedOutcome(outcome.error));
    });
  };
}

/** Parses a `--queue` URL and checks that Redis answers there, as user errors naming the flag. */
export async function openQueueFlag(text: string, flag = '--queue'): Promise<QueueLocation> {
  try {
    const location = parseQueueUrl(text);
    await checkReachable(location);
    return location;
  } catch (err) {
    if (err instanceof QueueUrlError || err instanceof QueueConnectionError) throw new UserError(`${flag}: ${err.message}`, err.hint);
    throw err;
  }
}
