/**
 * A kill at every write boundary of a small search, then a resume: the records must equal an
 * uninterrupted run's, recovery must find nothing to repair (a kill is not damage), and no
 * training whose result was committed before the kill may run again.
 *
 * Boundaries are enumerated, not sampled: an observer counts the run's durable write steps
 * (temporary file written, renamed into place, log line appended, file removed) and stops
 * the run just before step k, for every k; a log append is also torn in half, as a kill in
 * the middle of the write would leave it. The run is stopped in process (the observer
 * throws and the store is abandoned with its lock, as a killed process leaves it).
 *
 * Training runs in process on the `tiny` preset. It is a pure function of its job (the search
 * tests check that two runs give byte-identical records), so each distinct job is trained
 * once and its outcome and model files are replayed, through the same atomic writes, when it
 * is asked for again: that keeps every boundary to milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphDsl } from '../../src/dsl/domains/graphDsl.ts';
import { localTrainer } from '../../src/pipeline/index.ts';
import { abandonHeldLocks } from '../../src/synth/runLock.ts';
import { recoverRun, type RecoveryNote } from '../../src/synth/runRecovery.ts';
import { RunStore } from '../../src/synth/runStore.ts';
import { runPopulationSearch, type PopulationSearchConfig, type TrainOutcome, type Trainer } from '../../src/synth/search.ts';
import { writeFileAtomic } from '../../src/util/atomicFile.ts';
import { observeWrites, type WriteStep } from '../../src/util/writeSteps.ts';
import { finalRecords, trainedIds } from '../helpers/runRecords.ts';

const config: PopulationSearchConfig = {
  iterations: 2,
  population: 3,
  keep: 1,
  seed: 7,
  selection: { metric: 'validation', folds: 2 },
  explore: { maxPrograms: 300, maxSize: 20, strategy: 'novelty' },
  compress: { arity: 2, iterations: 1 },
  reweight: { pseudoCount: 1 },
  baselines: ['linear'],
  training: { data: 'mnist-0v1', dataSeed: 7, preset: 'tiny', trainSize: 8, epochs: 1 },
};

class SimulatedKill extends Error {}

interface TrainedJob {
  readonly outcome: TrainOutcome;
  readonly files: readonly { readonly name: string; readonly bytes: Buffer }[];
}

/** Trains each distinct job once, in process; replays outcome and model files afterwards. */
class ReplayingTrainer {
  private readonly trained = new Map<string, TrainedJob>();
  /** Job ids the search asked for since the last `reset`. */
  requested: string[] = [];

  for(store: RunStore): Trainer {
    const real = localTrainer(store, { workers: 1, backend: 'cpu' });
    return async (requests, onOutcome) => {
      for (const request of requests) {
        this.requested.push(request.jobId);
        const known = this.trained.get(request.jobId);
        if (known) {
          const dir = store.resolve(request.modelPath);
          for (const file of known.files) writeFileAtomic(join(dir, file.name), file.bytes);
          onOutcome(request, known.outcome);
          continue;
        }
        await real([request], (done, outcome) => {
          const dir = store.resolve(done.modelPath);
          const files = readdirSync(dir).sort().map((name) => ({ name, bytes: readFileSync(join(dir, name)) }));
          this.trained.set(done.jobId, { outcome, files });
          onOutcome(done, outcome);
        });
      }
    };
  }
}

/** What `synth search` does, new run or `--resume`: lock, recover, search, record the base rate. */
async function searchSession(dir: string, trainer: ReplayingTrainer): Promise<RecoveryNote[]> {
  const store = RunStore.exists(dir)
    ? RunStore.resume(dir)
    : RunStore.create(dir, { runId: 'crash-test', createdAt: '2026-01-01T00:00:00Z', toolkitVersion: 'test', node: process.version, seed: config.seed, config: config as unknown as Record<string, unknown> });
  const notes = recoverRun(store);
  await runPopulationSearch(store, config, graphDsl(), trainer.for(store));
  store.commit({ type: 'base-rate' }, { 'base-rate.json': { baseRate: 0.5, split: 'test' } });
  store.close();
  return notes;
}

/** Runs a session that is killed just before write step `k` (tearing it if it is an append). */
async function killedAt(dir: string, k: number, tear: boolean, trainer: ReplayingTrainer): Promise<WriteStep> {
  let steps = 0;
  let killedStep: WriteStep | undefined;
  observeWrites((step) => {
    if (steps++ !== k) return;
    killedStep = step;
    if (tear && step.kind === 'append') writeFileSync(step.path, step.data!.slice(0, Math.ceil(step.data!.length / 2)), { flag: 'a' });
    throw new SimulatedKill(`killed before write step ${k}`);
  });
  try {
    await expect(searchSession(dir, trainer)).rejects.toBeInstanceOf(SimulatedKill);
  } finally {
    observeWrites(undefined);
    abandonHeldLocks();
  }
  return killedStep!;
}

/** Job ids whose training the log had committed (torn last line ignored). */
function committedJobs(dir: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(join(dir, 'events.ndjson'), 'utf8');
  } catch {
    return new Set();
  }
  const lines = text.split('\n').slice(0, -1);
  return new Set(lines.map((l) => JSON.parse(l) as { type: string; id?: string }).filter((e) => e.type === 'trained').map((e) => e.id!));
}

/** Model directories of a run and each one's weights, byte for byte. */
function models(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(join(dir, 'models')).sort().map((m) => [m, readFileSync(join(dir, 'models', m, 'weights.bin')).toString('base64')]));
}

describe('crash consistency of synth search', () => {
  it('resumes to the uninterrupted records after a kill at every write boundary, training nothing committed twice', { timeout: 600_000 }, async () => {
    // Kills are about the order of writes, not the disk: tmpfs keeps each flush free.
    const base = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'crash-'));
    const trainer = new ReplayingTrainer();
    const reference = join(base, 'reference');
    const steps: WriteStep['kind'][] = [];
    observeWrites((step) => steps.push(step.kind));
    try {
      expect(await searchSession(reference, trainer)).toEqual([]);
    } finally {
      observeWrites(undefined);
    }
    const expected = finalRecords(reference);
    const expectedModels = models(reference);
    const jobs = new Set(trainer.requested);
    // Every phase wrote: two iterations' populations and selections, a DSL per iteration, the report.
    expect(Object.keys(expected)).toEqual(expect.arrayContaining(['iterations/2/selection', 'dsl/iteration-1.json', 'report']));
    expect(steps.filter((kind) => kind === 'append').length).toBeGreaterThan(10);
    expect(steps.filter((kind) => kind === 'rename').length).toBeGreaterThan(20);

    const boundaries = steps.map((_, k) => ({ k, tear: false }));
    steps.forEach((kind, k) => kind === 'append' && boundaries.push({ k, tear: true }));
    for (const { k, tear } of boundaries) {
      const dir = join(base, `kill-${k}${tear ? '-torn' : ''}`);
      trainer.requested = [];
      const step = await killedAt(dir, k, tear, trainer);
      expect(step.kind).toBe(steps[k]);
      const committed = committedJobs(dir);
      trainer.requested = [];
        const notes = await searchSession(dir, trainer);
      const where = `killed before step ${k} (${step.kind}${tear ? ', torn' : ''} ${step.path.slice(dir.length)})`;
      expect(notes, where).toEqual([]);
      expect(finalRecords(dir), where).toEqual(expected);
      expect(models(dir), where).toEqual(expectedModels);
      // Each job is trained once, counting only trainings whose result was committed.
      expect(trainer.requested.filter((id) => committed.has(id)), where).toEqual([]);
      expect(new Set([...committed, ...trainer.requested]), where).toEqual(jobs);
      const ids = trainedIds(dir);
      expect(new Set(ids).size, where).toBe(ids.length);
      rmSync(dir, { recursive: true, force: true });
    }
    rmSync(base, { recursive: true, force: true });
  });
});
