/**
 * Reference protocols (the original's baseline beside the grid, scheduled first), base-rate tests, paired
 * intervals with Holm adjustment, the findings they are read into, and the wirings check.
 */
import { describe, expect, it } from 'vitest';
import { buildComparisons, buildReferences, buildRows } from '../../src/leaderboard/aggregate.ts';
import type { CachedResult } from '../../src/leaderboard/cache.ts';
import { renderMarkdown } from '../../src/leaderboard/markdown.ts';
import { estimatedJobCost, leaderboardPopulationKey } from '../../src/leaderboard/jobGroup.ts';
import { planJobs, planReferences } from '../../src/leaderboard/plan.ts';
import { populationGroups } from '../../src/gssnn/population/groups.ts';
import { assembleLeaderboard, wiringsOf } from '../../src/leaderboard/run.ts';
import type { SelectedProgram } from '../../src/leaderboard/selected.ts';
import { chainGraph } from '../../src/gssnn/models/wiring.ts';
import { parseSuite, SUITES, type Suite } from '../../src/leaderboard/suite.ts';
import { fixtureSuite, resultFor, selectedFixture } from './fixtures.ts';
import { Random } from '../../src/util/random.ts';

const PUBLISHED = { mean: 0.6714, std: 0.022, runs: 50, metric: 'evaluation accuracy', source: 'the original run' };

function suiteWithReference(): Suite {
  return parseSuite(
    {
      ...fixtureSuite(),
      references: [
        { name: 'raven-paper', description: 'The original protocol.', dataset: 'raven', model: 'linear', preset: 'paper', trainSize: 128, validationSize: 1200, testSize: 1200, splitSeed: 0, seeds: [0, 1, 2], published: PUBLISHED },
      ],
    },
    'reference suite',
  );
}

/** Entries of `suite` whose test accuracy is `score(job)` (base rate 0.55). */
function entriesScoring(suite: Suite, score: (job: CachedResult['job']) => number): CachedResult[] {
  const random = new Random(3);
  return planJobs(suite, selectedFixture().graph, 'cpu').map((p) => ({
    hash: p.hash,
    job: p.job,
    result: { ...resultFor(random, p.job.coherence !== null), testAccuracy: score(p.job), validationAccuracy: score(p.job) },
    provenance: { gitCommit: 'abc', command: 'synth leaderboard', node: 'v20' },
  }));
}

function boardOf(suite: Suite, entries: CachedResult[], selected: SelectedProgram = selectedFixture()) {
  return assembleLeaderboard({
    suite,
    selected,
    entries,
    failed: [],
    jobs: entries.length,
    fromCache: 0,
    command: 'synth leaderboard',
    gitCommit: 'abc',
    toolkitVersion: '0',
    createdAt: '2026-01-01T00:00:00.000Z',
    machine: { cpu: 'test', cores: 2, memoryGiB: 1, platform: 'linux-x64', node: 'v20', backend: 'cpu' },
    benchmarks: [],
  });
}

describe('reference protocols', () => {
  it('plan one job per seed on one split, under their own preset, without graph or measures', () => {
    const suite = suiteWithReference();
    const refs = planReferences(suite, 'cpu');
    expect(refs.map((r) => r.job.seed)).toEqual([0, 1, 2]);
    for (const { job } of refs) {
      expect(job).toMatchObject({ task: 'raven-paper', dataset: 'raven', model: 'linear', kind: 'linear', preset: 'paper', splitSeed: 0, trainSize: 128, graph: null, coherence: null });
      expect(job.measures.names).toEqual([]);
    }
    const all = planJobs(suite, selectedFixture().graph, 'cpu');
    expect(all.slice(-3).map((p) => p.hash)).toEqual(refs.map((r) => r.hash));
    expect(new Set(all.map((p) => p.hash)).size).toBe(all.length);
  });

  it("start first when a leaderboard hands out its groups: the paper preset's runs cost the most", () => {
    const suite = SUITES.small;
    const planned = planJobs(suite, selectedFixture().graph, 'wasm');
    const groups = populationGroups(planned, (p) => leaderboardPopulationKey(p.job), 16, 2, (p) => estimatedJobCost(p.job));
    expect(groups[0].map((i) => planned[i].job.task)).toEqual(Array(5).fill('raven-constant-color-paper'));
    const [paper, small] = [planned.at(-1)!.job, planned[0].job];
    expect(paper.preset).toBe('paper');
    expect(estimatedJobCost(paper)).toBeGreaterThan(20 * estimatedJobCost(small));
    // A run with the coherence probe trains alone and takes per-example gradients: it counts for more.
    const probe = planned.find((p) => p.job.coherence !== null)!.job;
    expect(estimatedJobCost(probe)).toBeGreaterThan(estimatedJobCost({ ...probe, coherence: null }));
  });

  it('summarise over seeds beside the base rate and the published result, and stay out of the grid', () => {
    const suite = suiteWithReference();
    const scores = [0.66, 0.68, 0.7];
    const entries = entriesScoring(suite, (job) => (job.task === 'raven-paper' ? scores[job.seed] : 0.6));
    const [ref] = buildReferences(suite, entries);
    expect(ref.scores).toEqual(scores);
    expect(ref.mean).toBeCloseTo(0.68, 9);
    expect(ref.std).toBeCloseTo(0.02, 9);
    expect(ref.baseRate).toBe(0.55);
    // t = (0.68 - 0.55) / (0.02 / sqrt 3) = 11.26 on 2 df: two-sided p = 0.0078.
    expect(ref.baseRateP).toBeCloseTo(0.0078, 3);
    expect(ref.published).toEqual(PUBLISHED);
    expect(buildRows(suite, entries).some((r) => r.task === 'raven-paper')).toBe(false);
    const markdown = renderMarkdown(boardOf(suite, entries), []);
    expect(markdown).toContain('## Reference protocols');
    expect(markdown).toMatch(/\| ours \| 0\.680 ± 0\.020 \|/);
    expect(markdown).toMatch(/\| published \| 0\.671 ± 0\.022 \| - \| 50 \|/);
    expect(markdown).toMatch(/\*\*raven-paper\*\* \(preset `paper`, 128 training examples\): test accuracy 0\.680 ± 0\.020 over 3 seeds, above the base rate 55\.0%/);
  });
});

describe('base rate and paired comparisons', () => {
  it('a model at the base rate is marked and named in the findings; one above is not', () => {
    const suite = fixtureSuite();
    // mlp scores the base rate give or take noise; every other model is clearly above it.
    const entries = entriesScoring(suite, (job) => (job.model === 'mlp' ? 0.55 + (job.seed - 1) * 0.01 : 0.7 + job.seed * 0.01));
    const rows = buildRows(suite, entries);
    for (const r of rows) expect(r.baseRateP! < 0.05).toBe(r.model !== 'mlp');
    const markdown = renderMarkdown(boardOf(suite, entries), []);
    expect(markdown).toMatch(/not above: `mlp` at n = 16 \(0\.550\), `mlp` at n = 32/);
    expect(markdown).toMatch(/0\.550 ± 0\.010 \(3\) °/);
  });

  it('differences get t-intervals, Holm-adjusted p and a verdict that names the evidence', () => {
    const suite = fixtureSuite();
    // The selected G-SSNN beats the linear baseline by 0.1 +- a little on every seed; equals mlp on average.
    const base = (job: CachedResult['job']) => 0.6 + 0.01 * job.seed + 0.001 * job.trainSize;
    const score = (job: CachedResult['job']) =>
      job.model === 'gssnn-selected' ? base(job) + 0.1 + 0.002 * job.seed : job.model === 'mlp' ? base(job) + 0.1 + 0.02 * (job.seed - 1) : base(job);
    const entries = entriesScoring(suite, score);
    const comparisons = buildComparisons(suite, entries).filter((c) => c.task === 'raven-constant-color');
    const linear = comparisons.find((c) => c.baseline === 'linear')!;
    expect(linear.aucDifference).toBeCloseTo(0.102, 6);
    expect(linear.aucCi95![0]).toBeLessThan(0.102);
    expect(linear.aucCi95![1]).toBeGreaterThan(0.102);
    expect(linear.perSize.map((p) => p.trainSize)).toEqual([16, 32, 64]);
    const raw = comparisons.map((c) => c.pairedTP!);
    comparisons.forEach((c, i) => expect(c.holmP!).toBeGreaterThanOrEqual(raw[i]));
    expect(linear.holmP!).toBeLessThan(0.05);
    const mlp = comparisons.find((c) => c.baseline === 'mlp')!;
    expect(mlp.holmP!).toBeGreaterThan(0.05);
    const markdown = renderMarkdown(boardOf(suite, entries), []);
    expect(markdown).toMatch(/`gssnn-selected` is [^\n]*better than `linear` \(AUC \+0\.102 \[/);
    expect(markdown).toMatch(/indistinguishable from `mlp` \(AUC [+-]0\.0\d\d \[/);
  });
});

describe('wirings', () => {
  it('count the seeds on which a control wiring is the selected graph', () => {
    const suite = { ...SUITES.small, seeds: [0, 1, 2, 3] };
    const chain = chainGraph(4);
    const asSelected = (graph: typeof chain): SelectedProgram => ({ program: 'p', graph, origin: { kind: 'program', runDir: null, searchScores: null } });
    // A 4-node path: the chain control of the same element count is the same graph on every seed.
    const onChain = wiringsOf(suite, asSelected(chain));
    expect(onChain.find((w) => w.model === 'gssnn-chain')!.isomorphicSeeds).toBe(4);
    expect(onChain.find((w) => w.model === 'gssnn-star')!.isomorphicSeeds).toBe(0);
    expect(onChain.find((w) => w.model === 'linear')!.isomorphicSeeds).toBeNull();
  });
});
