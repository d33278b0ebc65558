/**
 * Runs one queued job: trains it through the population code (a group of jobs: as populations; one job: a population of one, as the local trainer does) and,
 * when the job asks for it, reads the saved model back so its files travel home in the result. Runs on a worker thread of a
 * `synth worker` process, so the process's main thread stays free to renew its job locks.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTrainJobGroup } from '../gssnn/population/jobs.ts';
import type { TrainJob } from '../gssnn/train/job.ts';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomicFile.ts';
import { QUEUE_PROTOCOL_VERSION, type QueuedJob, type QueuedMemberResult, type QueuedResult, type ShippedModel } from './protocol.ts';

export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}

export async function executeQueuedJob(queued: QueuedJob): Promise<QueuedResult> {
  if (queued.group) return executeGroup(queued.group, queued.shipModel);
  const { job } = queued;
  if (!queued.shipModel || job.modelDir === undefined) {
    return { protocol: QUEUE_PROTOCOL_VERSION, result: await trainOne(job), worker: workerName() };
  }
  // The job's directory may not exist on this machine: save privately, ship the bytes.
  const scratch = mkdtempSync(join(tmpdir(), 'synth-model-'));
  try {
    const result = await trainOne({ ...job, modelDir: scratch });
    namePlaceOfSaving(scratch, job.modelDir);
    return { protocol: QUEUE_PROTOCOL_VERSION, result: { ...result, modelDir: job.modelDir }, worker: workerName(), model: packModel(scratch) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** One job through the population code, as the local trainer runs it (so records match); throws its error. */
async function trainOne(job: TrainJob) {
  const [outcome] = await runTrainJobGroup([job]);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.value;
}

/**
 * A group of jobs trained as populations (population/jobs.ts): one outcome per job; a job
 * that fails fails alone. Shipped models are saved privately and sent back per job.
 */
async function executeGroup(group: readonly TrainJob[], shipModels: boolean): Promise<QueuedResult> {
  const scratch = shipModels ? mkdtempSync(join(tmpdir(), 'synth-models-')) : null;
  try {
    const local = group.map((job, i) => (scratch && job.modelDir !== undefined ? { ...job, modelDir: join(scratch, String(i)) } : job));
    const outcomes = await runTrainJobGroup(local);
    const members: QueuedMemberResult[] = outcomes.map((outcome, i) => {
      if (!outcome.ok) return outcome;
      const modelDir = group[i].modelDir;
      if (!scratch || modelDir === undefined) return { ok: true, result: outcome.value };
      const dir = join(scratch, String(i));
      namePlaceOfSaving(dir, modelDir);
      return { ok: true, result: { ...outcome.value, modelDir }, model: packModel(dir) };
    });
    return { protocol: QUEUE_PROTOCOL_VERSION, worker: workerName(), members };
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

/** The model's metadata names where the search will put it, not this worker's scratch directory. */
function namePlaceOfSaving(dir: string, modelDir: string): void {
  const path = join(dir, 'model.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { metadata?: { job?: { modelDir?: string } } };
  if (manifest.metadata?.job?.modelDir === undefined) return;
  manifest.metadata.job.modelDir = modelDir;
  writeJsonAtomic(path, manifest);
}

export function packModel(dir: string): ShippedModel {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    files[name] = readFileSync(join(dir, name)).toString('base64');
  }
  return files;
}

/** Writes shipped model files into `dir`, each atomically; refuses names that would leave it. */
export function unpackModel(files: ShippedModel, dir: string): void {
  for (const [name, data] of Object.entries(files)) {
    if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) throw new Error(`shipped model file name "${name}" is not a plain file name`);
    writeFileAtomic(join(dir, name), Buffer.from(data, 'base64'));
  }
}
