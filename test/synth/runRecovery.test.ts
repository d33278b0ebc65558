/**
 * Damage to a run is never used: each kind of tampering or corruption the outside stress test
 * tried is either repaired from the event log (reported with its file and field) or refused.
 * The search trains with a deterministic stand-in (outcome and model bytes from the job's seed)
 * so the records are cheap to make; what is checked is the run store, not training.
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphDsl } from '../../src/dsl/domains/graphDsl.ts';
import { populationSearchConfigFromManifest } from '../../src/synth/runRecords.ts';
import { recoverRun, RunRecoveryError } from '../../src/synth/runRecovery.ts';
import { RunStore, RunStoreError } from '../../src/synth/runStore.ts';
import { runPopulationSearch, type PopulationSearchConfig, type Trainer } from '../../src/synth/search.ts';
import { writeFileAtomic } from '../../src/util/atomicFile.ts';
import { finalRecords } from '../helpers/runRecords.ts';

const config: PopulationSearchConfig = {
  iterations: 2,
  population: 3,
  keep: 1,
  seed: 3,
  selection: { metric: 'validation', folds: 2 },
  explore: { maxPrograms: 300, maxSize: 20, strategy: 'novelty' },
  compress: { arity: 2, iterations: 1 },
  reweight: { pseudoCount: 1 },
  baselines: ['linear'],
  training: { data: 'mnist-0v1', dataSeed: 3, preset: 'tiny' },
};

/** Scores and weights that depend on the job only, like real training's. */
const standIn = (store: RunStore): Trainer => async (requests, onOutcome) => {
  for (const request of requests) {
    const digest = createHash('sha256').update(`${request.jobId}:${request.seed}`).digest();
    const accuracy = digest[0] / 255;
    writeFileAtomic(join(store.resolve(request.modelPath), 'weights.bin'), digest);
    writeFileAtomic(join(store.resolve(request.modelPath), 'model.json'), JSON.stringify({ job: request.jobId }));
    const split = { accuracy, loss: 1 - accuracy };
    onOutcome(request, { status: 'completed', parameterCount: 10, train: split, validation: split, test: split, trainSeconds: 0 });
  }
};

async function search(dir: string): Promise<ReturnType<typeof recoverRun>> {
  const store = RunStore.exists(dir)
    ? RunStore.resume(dir)
    : RunStore.create(dir, { runId: 'recovery', createdAt: '2026-01-01T00:00:00Z', toolkitVersion: 'test', node: process.version, seed: 3, config: config as unknown as Record<string, unknown> });
  try {
    const notes = recoverRun(store);
    await runPopulationSearch(store, config, graphDsl(), standIn(store));
    return notes;
  } finally {
    store.close();
  }
}

const base = mkdtempSync(join(tmpdir(), 'recovery-'));
const reference = join(base, 'reference');

/** A copy of the finished reference run to damage. */
function copy(name: string): string {
  const dir = join(base, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(reference, dir, { recursive: true });
  return dir;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('recovery of a damaged run', () => {
  it('a finished run resumes with nothing to repair', async () => {
    expect(await search(reference)).toEqual([]);
    expect(await search(reference)).toEqual([]);
  });

  it('repairs damaged state files from the log, naming file and field, and ends with the same records', async () => {
    const expected = finalRecords(reference);
    const candidate = Object.keys(expected).find((k) => k.startsWith('candidates/'))!;
    const cases: [string, (dir: string) => void, RegExp][] = [
      ['an empty candidate record', (dir) => writeFileSync(join(dir, candidate), '{}'), /field "id": .*repaired from the event log/],
      ['an edited score', (dir) => {
        const record = readJson(join(dir, candidate));
        (record.metrics as { score: number }).score = 0.999;
        writeFileSync(join(dir, candidate), JSON.stringify(record));
      }, /field "metrics\.score": holds 0\.999 where the event log has .*; repaired/],
      ['a file that is not JSON', (dir) => writeFileSync(join(dir, 'iterations/1/selection.json'), '{"iter'), /iterations\/1\/selection\.json: not valid JSON/],
      ['a missing population', (dir) => rmSync(join(dir, 'iterations/1/population.json')), /population\.json: the file is missing; repaired/],
      ['a record nobody wrote', (dir) => writeFileSync(join(dir, 'candidates/0123456789abcdef.json'), '{}'), /0123456789abcdef\.json: no event of the log records this file; removed/],
    ];
    for (const [what, damage, note] of cases) {
      const dir = copy(what.replace(/\W+/g, '-'));
      damage(dir);
      const notes = await search(dir);
      expect(notes.map((n) => `${n.file}${n.field ? `: field "${n.field}"` : ''}: ${n.problem}; ${n.action}`).join('\n'), what).toMatch(note);
      expect(finalRecords(dir), what).toEqual(expected);
    }
  });

  it('refuses what the log cannot rebuild: a changed or missing model, an edited or garbled log', async () => {
    const events = (dir: string) => join(dir, 'events.ndjson');
    const modelDir = readFileSync(events(reference), 'utf8').match(/"models":\{"(models\/[^"]+)"/)![1];
    const refusals: [string, (dir: string) => void, RegExp][] = [
      ['missing weights', (dir) => rmSync(join(dir, modelDir, 'weights.bin')), /weights\.bin: missing since its training was recorded \(events\.ndjson line \d+\)/],
      ['changed weights', (dir) => writeFileSync(join(dir, modelDir, 'weights.bin'), 'x'), /weights\.bin: changed since its training was recorded/],
      ['an edited score in the log', (dir) => writeFileSync(events(dir), readFileSync(events(dir), 'utf8').replace(/"score":([0-9.]+)/, '"score":0.999')), /line \d+: field "prev": does not follow line \d+/],
      ['a garbage line', (dir) => {
        const lines = readFileSync(events(dir), 'utf8').split('\n');
        lines.splice(3, 0, 'garbage');
        writeFileSync(events(dir), lines.join('\n'));
      }, /events\.ndjson line 4: not a JSON event/],
      ['an event of no known type', (dir) => appendFileSync(events(dir), '{"type":"surprise","time":"x"}\n'), /line \d+: field "prev"/],
    ];
    for (const [what, damage, message] of refusals) {
      const dir = copy(what.replace(/\W+/g, '-'));
      damage(dir);
      const failure = await search(dir).catch((e: unknown) => e);
      expect(failure, what).toBeInstanceOf(Error);
      expect(failure instanceof RunRecoveryError || failure instanceof RunStoreError, what).toBe(true);
      expect((failure as Error).message, what).toMatch(message);
      expect(existsSync(join(dir, 'run.lock')), what).toBe(false);
    }
  });

  it('reads settings back field by field', () => {
    const manifest = readJson(join(reference, 'manifest.json'));
    expect(populationSearchConfigFromManifest(manifest.config).ok).toBe(true);
    const damaged = { ...(manifest.config as Record<string, unknown>), population: 'six' };
    expect(populationSearchConfigFromManifest(damaged)).toEqual({ ok: false, error: { field: 'population', message: expect.stringMatching(/expected number/) } });
    const impossible = { ...(manifest.config as Record<string, unknown>), keep: 9 };
    expect(populationSearchConfigFromManifest(impossible)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/keep \(9\) must be smaller than population/) } });
  });
});
