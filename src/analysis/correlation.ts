/**
 * Rank correlation with an interval: Spearman's rho (Pearson on average ranks, so ties are
 * handled) and a seeded percentile bootstrap over the pairs. With few candidates the
 * interval is wide; it is reported so that nobody reads a sign from noise.
 */
import { Random } from '../util/random.ts';
import { averageRanks } from './stats.ts';

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa === 0 || sbb === 0 ? Number.NaN : sab / Math.sqrt(saa * sbb);
}

/** Spearman's rho; NaN when either side is constant or there are fewer than 2 pairs. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError(`spearman: ${a.length} values vs ${b.length}`);
  if (a.length < 2) return Number.NaN;
  return pearson(averageRanks(a), averageRanks(b));
}

export interface Correlation {
  readonly rho: number;
  /** Percentile bootstrap interval (NaN ends when too few resamples are defined). */
  readonly low: number;
  readonly high: number;
  readonly n: number;
  readonly level: number;
}

export function spearmanWithInterval(a: readonly number[], b: readonly number[], options: { seed: number; resamples?: number; level?: number }): Correlation {
  const rho = spearman(a, b);
  const level = options.level ?? 0.95;
  const rng = new Random(options.seed);
  const values: number[] = [];
  const n = a.length;
  for (let r = 0; r < (options.resamples ?? 1000) && n >= 2; r++) {
    const pick = Array.from({ length: n }, () => rng.int(n));
    const v = spearman(pick.map((i) => a[i]), pick.map((i) => b[i]));
    if (Number.isFinite(v)) values.push(v);
  }
  values.sort((x, y) => x - y);
  const at = (q: number) => (values.length < 20 ? Number.NaN : values[Math.min(values.length - 1, Math.max(0, Math.floor(q * values.length)))]);
  return { rho, low: at((1 - level) / 2), high: at(1 - (1 - level) / 2), n, level };
}
