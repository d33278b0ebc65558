/**
 * A search as a script runs it: one `populationSearchInDirectory` call with `populationSearchConfig` defaults,
 * training on this machine; a second call on the same directory resumes the finished run and
 * trains nothing again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localTrainer, populationSearchConfig, populationSearchInDirectory } from '../../src/pipeline/index.ts';
import type { PopulationSearchEvent, Trainer } from '../../src/synth/searchRecords.ts';

const root = mkdtempSync(join(tmpdir(), 'pipeline-search-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const config = populationSearchConfig(
  { data: 'mnist-0v1', dataSeed: 7, preset: 'tiny', trainSize: 8, epochs: 1 },
  { iterations: 1, population: 3, keep: 1, explore: { maxPrograms: 300, maxSize: 20, strategy: 'novelty' }, baselines: ['linear'] },
);

describe('populationSearchInDirectory', () => {
  it('fills populationSearchConfig with the defaults of synth search', () => {
    expect(config).toMatchObject({ selection: { metric: 'validation', folds: 3 }, compress: { arity: 2, iterations: 2 }, seed: 7 });
    expect(populationSearchConfig({ data: 'mnist', dataSeed: 0, preset: 'small' }).baselines).toEqual(['linear', 'mlp', 'random', 'chain']);
  });

  it('runs a search in one call, and resumes a finished one without training again', async () => {
    const dir = join(root, 'run');
    let trainedJobs = 0;
    const counting = (store: Parameters<typeof localTrainer>[0], backend: string): Trainer => {
      const real = localTrainer(store, { workers: 1, backend });
      return (requests, onOutcome) => {
        trainedJobs += requests.length;
        return real(requests, onOutcome);
      };
    };
    const events: PopulationSearchEvent['type'][] = [];
    const report = await populationSearchInDirectory({ dir, config, backend: 'cpu', trainer: counting, onEvent: (e) => events.push(e.type) });
    expect(report.candidatesTrained).toBeGreaterThan(0);
    expect(report.best.length).toBe(1);
    expect(report.baselines.map((b) => b.kind)).toEqual(['linear']);
    expect(events[0]).toBe('iteration-start');
    expect(events.at(-1)).toBe('done');
    const trainedFirst = trainedJobs;
    expect(trainedFirst).toBeGreaterThan(0);

    const again = await populationSearchInDirectory({ dir, config, backend: 'cpu', trainer: counting });
    expect(again).toEqual(report);
    expect(trainedJobs).toBe(trainedFirst);
  }, 120_000);
});
