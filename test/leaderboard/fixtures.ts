/**
 * Leaderboards without training: cache entries drawn from a seeded stream (or from
 * fast-check), assembled with the same function the command uses.
 */
import fc from 'fast-check';
import type { CachedResult } from '../../src/leaderboard/cache.ts';
import type { LeaderboardJobResult } from '../../src/leaderboard/job.ts';
import { planJobs } from '../../src/leaderboard/plan.ts';
import { assembleLeaderboard } from '../../src/leaderboard/run.ts';
import type { Leaderboard } from '../../src/leaderboard/schema.ts';
import { graphOfProgram, type SelectedProgram } from '../../src/leaderboard/selected.ts';
import { parseSuite, SUITES, type Suite } from '../../src/leaderboard/suite.ts';
import { benchmarkEntry } from '../../src/leaderboard/benchmarks.ts';
import { Random } from '../../src/util/random.ts';

export const PROGRAM = '(push (add (connect (add identity))))';

export function selectedFixture(): SelectedProgram {
  return { program: PROGRAM, graph: graphOfProgram(PROGRAM, 'fixture'), origin: { kind: 'program', runDir: null, searchScores: null } };
}

/** A two-task suite small enough to render quickly. */
export function fixtureSuite(): Suite {
  return parseSuite(
    {
      ...SUITES.tiny,
      name: 'fixture',
      tasks: [
        { name: 'raven-constant-color', dataset: 'raven' },
        { name: 'mnist-even-odd', dataset: 'mnist-even-odd' },
      ],
      trainSizes: [16, 32, 64],
      seeds: [0, 1, 2],
      models: ['gssnn-selected', 'gssnn-random', 'linear', 'mlp'],
      selected: { kind: 'program', program: PROGRAM },
      coherence: { models: ['gssnn-selected'], sample: 4, every: 2 },
    },
    'fixture suite',
  );
}

export function resultFor(random: Random, coherence: boolean): LeaderboardJobResult {
  const test = Math.round(random.next() * 1000) / 1000;
  const trainAcc = Math.min(1, test + Math.round(random.next() * 300) / 1000);
  return {
    status: 'completed',
    parameterCount: 1000 + Math.floor(random.next() * 100),
    trainAccuracy: trainAcc,
    validationAccuracy: test,
    testAccuracy: test,
    trainLoss: random.next(),
    testLoss: random.next() + 0.5,
    baseRate: 0.55,
    steps: 10,
    trainSeconds: random.next(),
    wallSeconds: 1 + random.next(),
    backend: 'cpu',
    measures: { margin: random.next() * 3, l2: 10 + random.next(), 'path-norm': random.next() * 100 },
    coherence: coherence ? [2, 4, 6].map((step) => ({ step, epoch: 0, alpha: 1 + random.next() })) : null,
  };
}

/** Entries for every planned job of `suite`, results drawn from `seed`. */
export function fixtureEntries(suite: Suite, seed: number): CachedResult[] {
  const random = new Random(seed);
  return planJobs(suite, selectedFixture().graph, 'cpu').map((p) => ({
    hash: p.hash,
    job: p.job,
    result: resultFor(random, p.job.coherence !== null),
    provenance: { gitCommit: 'abc123', command: 'synth leaderboard --suite fixture', node: 'v20' },
  }));
}

export function fixtureBoard(seed = 7, suite = fixtureSuite()): Leaderboard {
  const entries = fixtureEntries(suite, seed);
  return assembleLeaderboard({
    suite,
    selected: selectedFixture(),
    entries,
    failed: [],
    jobs: entries.length,
    fromCache: 0,
    command: 'synth leaderboard --suite fixture --out x',
    gitCommit: 'abc123',
    toolkitVersion: '0.1.0',
    createdAt: '2026-01-01T00:00:00.000Z',
    machine: { cpu: 'test cpu', cores: 2, memoryGiB: 4, platform: 'linux-x64', node: 'v20', backend: 'cpu' },
    benchmarks: [benchmarkEntry('train', { benchmark: 'train', what: 'examples per second', runs: 3, machine: { cpu: 'test cpu', cores: 2, node: 'v20', date: '2026-01-01', backend: 'wasm' }, note: 'under load' })],
  });
}

/** Test accuracies as fast-check draws (for property tests of the aggregation). */
export const accuracyArb = fc.integer({ min: 0, max: 1000 }).map((k) => k / 1000);
