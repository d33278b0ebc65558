/**
 * Where a queued job may write. Anyone who can write to Redis can put a job on the queue, so a
 * worker does not take a job's word for where to save its model: a job that saves one (without
 * shipping it back) must name its run, the run's directory must hold a run of that id (its
 * `manifest.json` says so), the job's queue id must belong to that run, and the model directory
 * must be one a search uses inside it (`models/<id>`, `models/<id>/fold-<i>`), symbolic links
 * included. A worker started with a runs root also requires the run to lie under it.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { QueuedJob } from './protocol.ts';

export interface ConfineOptions {
  /** Only run directories under this one are written to. */
  readonly runsRoot?: string;
}

/** The model directories a search gives its jobs, relative to the run. */
const MODEL_PATH = /^models\/[\w.-]+(\/fold-\d+)?$/;

/** Why `queued` (with queue id `queueId`) may not run here, or undefined when it may: every job of a group is checked. */
export function confinementProblem(queued: QueuedJob, queueId: string, options: ConfineOptions = {}): string | undefined {
  for (const job of [queued.job, ...(queued.group ?? [])]) {
    const problem = jobProblem(job, queued, queueId, options);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function jobProblem(job: QueuedJob['job'], queued: QueuedJob, queueId: string, options: ConfineOptions): string | undefined {
  const { run } = queued;
  // Nothing is written, or it is written to a private scratch directory and shipped back.
  if (job.modelDir === undefined || queued.shipModel) return undefined;
  if (run === undefined) return `job ${job.id} saves a model to ${job.modelDir} but names no run to save it in`;
  if (!isAbsolute(run.dir) || !isAbsolute(job.modelDir)) return `job ${job.id}: the run directory and the model directory must be absolute paths`;
  if (!queueId.startsWith(`${run.id.replace(/:/g, '_')}/`)) return `job ${queueId} does not belong to run ${run.id}`;
  const rel = relative(resolve(run.dir), resolve(job.modelDir)).split(sep).join('/');
  if (!MODEL_PATH.test(rel)) return `job ${job.id}: ${job.modelDir} is not a model directory inside run ${run.dir} (models/<id>)`;
  let realRun: string;
  try {
    realRun = realpathSync(run.dir);
  } catch {
    return `job ${job.id}: run directory ${run.dir} does not exist on this machine (share it at the same path, or search with --ship-models)`;
  }
  const manifest = join(realRun, 'manifest.json');
  let runId: unknown;
  try {
    runId = (JSON.parse(readFileSync(manifest, 'utf8')) as { runId?: unknown }).runId;
  } catch {
    return `job ${job.id}: ${run.dir} holds no run (no readable manifest.json)`;
  }
  if (runId !== run.id) return `job ${job.id}: ${run.dir} holds run ${String(runId)}, not ${run.id}`;
  if (options.runsRoot !== undefined) {
    let root: string;
    try {
      root = realpathSync(options.runsRoot);
    } catch {
      return `the runs root ${options.runsRoot} does not exist`;
    }
    const under = relative(root, realRun);
    if (under === '' || under.startsWith('..') || isAbsolute(under)) return `job ${job.id}: run ${run.dir} lies outside the runs root ${options.runsRoot}`;
  }
  // A symbolic link inside the run must not lead the write elsewhere.
  let path = realRun;
  for (const part of rel.split('/')) {
    path = join(path, part);
    if (!existsSync(path)) break;
    if (realpathSync(path) !== path) return `job ${job.id}: ${join(run.dir, rel)} leads outside the run through a symbolic link`;
  }
  return undefined;
}
