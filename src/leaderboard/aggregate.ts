/**
 * From per-job results to the leaderboard's tables: one row per (task, size, model) with the
 * mean, spread and interval over seeds; paired comparisons of the selected G-SSNN against
 * every other model (area under the learning curve, same seeds); coherence series; measure
 * points and their rank agreement with the generalization gap.
 */
import { compareWithBaseline, type SweepRecord } from '../analysis/dataEfficiency.ts';
import { kendallTau } from '../analysis/ranking.ts';
import { holmAdjust, mean, pairedTTest, summarize } from '../analysis/stats.ts';
import type { CachedResult } from './cache.ts';
import type { Leaderboard, LeaderboardRow } from './schema.ts';
import { LEADERBOARD_MODELS, type LeaderboardModel, type Suite } from './suite.ts';

/** Two-sided p of a t-test over seeds of accuracy minus base rate (null when undefined). */
function baseRateP(entries: readonly CachedResult[]): number | null {
  if (entries.length < 2) return null;
  const p = pairedTTest(entries.map((e) => e.result.testAccuracy), entries.map((e) => e.result.baseRate)).p;
  return Number.isFinite(p) ? round(p) : null;
}

function interval(ci: readonly [number, number], n: number): [number, number] | null {
  return n >= 2 && Number.isFinite(ci[0]) && Number.isFinite(ci[1]) ? [round(ci[0]), round(ci[1])] : null;
}

type Rows = Leaderboard['rows'];

/** Rounds for storage: JSON stays readable and re-renders identically (no float noise). */
export function round(x: number, digits = 6): number {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return Object.is(r, -0) ? 0 : r;
}

function joinDistinct(values: readonly string[]): string {
  return [...new Set(values)].sort().join(', ');
}

export function buildRows(suite: Suite, entries: readonly CachedResult[]): Rows {
  const rows: LeaderboardRow[] = [];
  for (const task of suite.tasks) {
    for (const trainSize of [...suite.trainSizes].sort((a, b) => a - b)) {
      for (const model of LEADERBOARD_MODELS.filter((m) => suite.models.includes(m))) {
        const cell = entries
          .filter((e) => e.job.task === task.name && e.job.trainSize === trainSize && e.job.model === model && Number.isFinite(e.result.testAccuracy))
          .sort((a, b) => a.job.seed - b.job.seed);
        if (cell.length === 0) continue;
        const scores = cell.map((e) => e.result.testAccuracy);
        const summary = summarize(scores);
        rows.push({
          task: task.name,
          dataset: task.dataset,
          trainSize,
          model,
          metric: 'test-accuracy',
          mean: round(summary.mean),
          std: round(summary.std),
          ci95: [round(summary.ci95[0]), round(summary.ci95[1])],
          seeds: cell.length,
          scores: scores.map((s) => round(s)),
          seedList: cell.map((e) => e.job.seed),
          parameters: cell[0].result.parameterCount,
          trainAccuracy: round(mean(cell.map((e) => e.result.trainAccuracy))),
          gap: round(mean(cell.map((e) => e.result.trainAccuracy - e.result.testAccuracy))),
          trainSeconds: round(mean(cell.map((e) => e.result.trainSeconds)), 3),
          wallSeconds: round(cell.reduce((s, e) => s + e.result.wallSeconds, 0), 3),
          baseRate: round(mean(cell.map((e) => e.result.baseRate))),
          baseRateP: baseRateP(cell),
          backend: joinDistinct(cell.map((e) => e.result.backend)),
          gitCommit: joinDistinct(cell.map((e) => e.provenance.gitCommit)),
          command: joinDistinct(cell.map((e) => e.provenance.command)),
        });
      }
    }
  }
  return rows;
}

/** The selected G-SSNN against every other model of the suite, per task (needs two sizes for an AUC). */
export function buildComparisons(suite: Suite, entries: readonly CachedResult[]): Leaderboard['comparisons'] {
  const focus: LeaderboardModel = 'gssnn-selected';
  if (!suite.models.includes(focus)) return [];
  const out: Leaderboard['comparisons'] = [];
  for (const task of suite.tasks) {
    const records: SweepRecord[] = entries
      .filter((e) => e.job.task === task.name && Number.isFinite(e.result.testAccuracy))
      .map((e) => ({ model: e.job.model, trainSize: e.job.trainSize, seed: e.job.seed, score: e.result.testAccuracy }));
    const family: Leaderboard['comparisons'] = [];
    for (const baseline of LEADERBOARD_MODELS.filter((m) => m !== focus && suite.models.includes(m))) {
      const seeds = suite.seeds.filter((s) => records.some((r) => r.model === focus && r.seed === s) && records.some((r) => r.model === baseline && r.seed === s));
      if (seeds.length === 0 || suite.trainSizes.length < 2) continue;
      const paired = records.filter((r) => seeds.includes(r.seed));
      const c = compareWithBaseline(paired, focus, baseline);
      const p = (x: number) => (Number.isFinite(x) ? round(x) : null);
      family.push({
        task: task.name,
        model: focus,
        baseline,
        aucDifference: round(c.auc.meanDifference),
        aucCi95: interval(c.auc.ci95, seeds.length),
        pairedTP: p(c.auc.pairedT.p),
        holmP: null,
        wilcoxonP: p(c.auc.wilcoxon.p),
        pairs: seeds.length,
        perSize: c.perSize.map((s) => ({ trainSize: s.trainSize, meanDifference: round(s.meanDifference), ci95: interval(s.ci95, s.pairedT.n), pairedTP: p(s.pairedT.p) })),
      });
    }
    const adjusted = holmAdjust(family.map((c) => c.pairedTP));
    out.push(...family.map((c, i) => ({ ...c, holmP: adjusted[i] === null ? null : round(adjusted[i]!) })));
  }
  return out;
}

/** The suite's reference protocols: accuracy over seeds beside the base rate and any published result. */
export function buildReferences(suite: Suite, entries: readonly CachedResult[]): Leaderboard['references'] {
  return (suite.references ?? []).flatMap((r) => {
    const runs = entries.filter((e) => e.job.task === r.name && Number.isFinite(e.result.testAccuracy)).sort((a, b) => a.job.seed - b.job.seed);
    if (runs.length === 0) return [];
    const summary = summarize(runs.map((e) => e.result.testAccuracy));
    return [
      {
        name: r.name,
        description: r.description,
        dataset: r.dataset,
        model: r.model,
        preset: r.preset,
        trainSize: r.trainSize,
        splitSeed: r.splitSeed,
        seedList: runs.map((e) => e.job.seed),
        scores: runs.map((e) => round(e.result.testAccuracy)),
        validationScores: runs.map((e) => round(e.result.validationAccuracy)),
        mean: round(summary.mean),
        std: round(summary.std),
        ci95: [round(summary.ci95[0]), round(summary.ci95[1])],
        validationMean: round(mean(runs.map((e) => e.result.validationAccuracy))),
        trainAccuracy: round(mean(runs.map((e) => e.result.trainAccuracy))),
        baseRate: round(mean(runs.map((e) => e.result.baseRate))),
        baseRateP: baseRateP(runs),
        trainSeconds: round(mean(runs.map((e) => e.result.trainSeconds)), 3),
        published: r.published ?? null,
      },
    ];
  });
}

export function buildCoherence(entries: readonly CachedResult[]): Leaderboard['coherence'] {
  return entries
    .filter((e) => e.job.coherence && e.result.coherence)
    .map((e) => ({
      task: e.job.task,
      model: e.job.model,
      trainSize: e.job.trainSize,
      seed: e.job.seed,
      sample: e.job.coherence!.sample,
      points: e.result.coherence!.filter((p) => Number.isFinite(p.alpha)).map((p) => ({ step: p.step, epoch: p.epoch, alpha: round(p.alpha) })),
    }))
    .sort((a, b) => (a.task < b.task ? -1 : a.task > b.task ? 1 : LEADERBOARD_MODELS.indexOf(a.model) - LEADERBOARD_MODELS.indexOf(b.model)));
}

export function buildMeasures(suite: Suite, entries: readonly CachedResult[]): Leaderboard['measures'] {
  const tasks = new Set(suite.tasks.map((t) => t.name));
  const points = entries
    .filter((e) => tasks.has(e.job.task) && Number.isFinite(e.result.testAccuracy))
    .map((e) => ({
      task: e.job.task,
      model: e.job.model,
      trainSize: e.job.trainSize,
      seed: e.job.seed,
      gap: round(e.result.trainAccuracy - e.result.testAccuracy),
      values: Object.fromEntries(Object.entries(e.result.measures).map(([k, v]) => [k, round(v)])),
    }))
    .sort((a, b) => (a.task < b.task ? -1 : a.task > b.task ? 1 : a.trainSize - b.trainSize || LEADERBOARD_MODELS.indexOf(a.model) - LEADERBOARD_MODELS.indexOf(b.model) || a.seed - b.seed));
  const ranking = suite.measures.names.map((measure) => {
    const having = points.filter((p) => measure in p.values);
    const tau = kendallTau(having.map((p) => p.values[measure]), having.map((p) => p.gap));
    return { measure, tau: Number.isFinite(tau) ? round(tau) : null, models: having.length };
  });
  return { names: [...suite.measures.names], points, ranking };
}
