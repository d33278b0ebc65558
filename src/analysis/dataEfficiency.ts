/**
 * Data-efficiency sweeps: train every model at every training size with every seed, then
 * summarise learning curves (mean, std, 95% t-interval per size), the area under each curve
 * over log2(n), the size each model needs to reach a target accuracy, and paired comparisons
 * with a baseline (same sizes, same seeds). The train function is the caller's, so any model
 * factory works; this module only schedules and summarises.
 */
import { pairedTTest, type Summary, summarize, type TestResult, wilcoxonSignedRank } from './stats.ts';

export interface SweepRecord {
  readonly model: string;
  readonly trainSize: number;
  readonly seed: number;
  /** The score the curves are drawn from (test accuracy by default). */
  readonly score: number;
  readonly extra?: Readonly<Record<string, number>>;
}

export interface SweepSpec {
  readonly sizes: readonly number[];
  readonly seeds: readonly number[];
  readonly models: readonly string[];
  /** Trains `model` on `trainSize` examples with `seed` and returns its score. */
  readonly train: (model: string, trainSize: number, seed: number) => Promise<{ score: number; extra?: Record<string, number> }>;
  readonly onRecord?: (record: SweepRecord) => void;
}

/** Runs the whole grid, sizes outermost (small, fast runs first). */
export async function runSweep(spec: SweepSpec): Promise<SweepRecord[]> {
  if (spec.sizes.length === 0 || spec.seeds.length === 0 || spec.models.length === 0) throw new RangeError('runSweep: sizes, seeds and models must be non-empty');
  const records: SweepRecord[] = [];
  for (const trainSize of [...spec.sizes].sort((a, b) => a - b)) {
    for (const seed of spec.seeds) {
      for (const model of spec.models) {
        const r = await spec.train(model, trainSize, seed);
        const record: SweepRecord = { model, trainSize, seed, score: r.score, extra: r.extra };
        records.push(record);
        spec.onRecord?.(record);
      }
    }
  }
  return records;
}

export interface CurvePoint extends Summary {
  readonly trainSize: number;
}

export function learningCurve(records: readonly SweepRecord[], model: string): CurvePoint[] {
  const sizes = [...new Set(records.filter((r) => r.model === model).map((r) => r.trainSize))].sort((a, b) => a - b);
  return sizes.map((trainSize) => ({ trainSize, ...summarize(records.filter((r) => r.model === model && r.trainSize === trainSize).map((r) => r.score)) }));
}

/** Trapezoid area under score(log2 n); `normalized` divides by the log2 span (a mean score). */
export function areaUnderCurve(points: readonly { trainSize: number; mean: number }[]): { area: number; normalized: number } {
  if (points.length < 2) return { area: 0, normalized: points[0]?.mean ?? Number.NaN };
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    const dx = Math.log2(points[i].trainSize) - Math.log2(points[i - 1].trainSize);
    area += (dx * (points[i].mean + points[i - 1].mean)) / 2;
  }
  const span = Math.log2(points[points.length - 1].trainSize) - Math.log2(points[0].trainSize);
  return { area, normalized: area / span };
}

/**
 * The smallest training size at which the curve reaches `target`, interpolating linearly in
 * log2(n) between the last size below and the first size at or above; null if never reached.
 */
export function sizeToReach(points: readonly { trainSize: number; mean: number }[], target: number): number | null {
  for (let i = 0; i < points.length; i++) {
    if (points[i].mean >= target) {
      if (i === 0) return points[0].trainSize;
      const [a, b] = [points[i - 1], points[i]];
      const t = (target - a.mean) / (b.mean - a.mean);
      return 2 ** (Math.log2(a.trainSize) + t * (Math.log2(b.trainSize) - Math.log2(a.trainSize)));
    }
  }
  return null;
}

export interface PairedComparison {
  readonly model: string;
  readonly baseline: string;
  /** Per training size: mean difference (model - baseline) over seeds, its 95% t-interval, and both tests. */
  readonly perSize: { trainSize: number; meanDifference: number; ci95: readonly [number, number]; pairedT: TestResult; wilcoxon: TestResult }[];
  /** Per-seed normalised AUC, compared across seeds. */
  readonly auc: { meanDifference: number; ci95: readonly [number, number]; pairedT: TestResult; wilcoxon: TestResult };
}

function scoreOf(records: readonly SweepRecord[], model: string, trainSize: number, seed: number): number | undefined {
  return records.find((r) => r.model === model && r.trainSize === trainSize && r.seed === seed)?.score;
}

/** Pairs runs by (size, seed); pairs missing either side are left out. */
export function compareWithBaseline(records: readonly SweepRecord[], model: string, baseline: string): PairedComparison {
  const sizes = [...new Set(records.map((r) => r.trainSize))].sort((a, b) => a - b);
  const seeds = [...new Set(records.map((r) => r.seed))].sort((a, b) => a - b);
  const perSize = sizes.map((trainSize) => {
    const pairs = seeds
      .map((seed) => [scoreOf(records, model, trainSize, seed), scoreOf(records, baseline, trainSize, seed)])
      .filter((p): p is [number, number] => p[0] !== undefined && p[1] !== undefined);
    const a = pairs.map((p) => p[0]);
    const b = pairs.map((p) => p[1]);
    const d = summarize(a.map((x, i) => x - b[i]));
    return { trainSize, meanDifference: d.mean, ci95: d.ci95, pairedT: pairedTTest(a, b), wilcoxon: wilcoxonSignedRank(a, b) };
  });
  const aucOf = (name: string, seed: number) => {
    const pts = sizes.map((trainSize) => ({ trainSize, mean: scoreOf(records, name, trainSize, seed) })).filter((p): p is { trainSize: number; mean: number } => p.mean !== undefined);
    return areaUnderCurve(pts).normalized;
  };
  const a = seeds.map((s) => aucOf(model, s));
  const b = seeds.map((s) => aucOf(baseline, s));
  const d = summarize(a.map((x, i) => x - b[i]));
  return { model, baseline, perSize, auc: { meanDifference: d.mean, ci95: d.ci95, pairedT: pairedTTest(a, b), wilcoxon: wilcoxonSignedRank(a, b) } };
}
