/**
 * Small-sample statistics for comparing models across seeds: Student-t intervals, the
 * paired t-test and the Wilcoxon signed-rank test (exact for small n, normal otherwise).
 */

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (n - 1 denominator); 0 for a single value. */
export function sampleStd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = 1 + aa / c;
    c = Math.abs(c) < tiny ? tiny : c;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = 1 + aa / c;
    c = Math.abs(c) < tiny ? tiny : c;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The continued fraction converges fast on the side x < (a+1)/(a+b+2); use symmetry otherwise.
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** CDF of Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Quantile of Student's t by bisection on the CDF. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must be in (0, 1), got ${p}`);
  let lo = -1e3;
  let hi = 1e3;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface Summary {
  readonly n: number;
  readonly mean: number;
  readonly std: number;
  /** 95% Student-t interval for the mean (equal to the mean when n = 1). */
  readonly ci95: readonly [number, number];
}

export function summarize(xs: readonly number[]): Summary {
  const n = xs.length;
  const m = mean(xs);
  const s = sampleStd(xs);
  const half = n > 1 ? (studentTQuantile(0.975, n - 1) * s) / Math.sqrt(n) : 0;
  return { n, mean: m, std: s, ci95: [m - half, m + half] };
}

function standardNormalCdf(z: number): number {
  // erf by Abramowitz-Stegun 7.1.26 is too coarse for p-values; use the t CDF limit instead.
  return studentTCdf(z, 1e7);
}

export interface TestResult {
  readonly statistic: number;
  /** Two-sided p-value. */
  readonly p: number;
  readonly n: number;
  readonly method: string;
}

/**
 * Holm's step-down adjustment of p-values for a family of tests (controls the family-wise
 * error rate); null entries are left out of the family and stay null.
 */
export function holmAdjust(ps: readonly (number | null)[]): (number | null)[] {
  const present = ps.map((p, i) => ({ p, i })).filter((x): x is { p: number; i: number } => x.p !== null && Number.isFinite(x.p)).sort((a, b) => a.p - b.p);
  const out: (number | null)[] = ps.map(() => null);
  let running = 0;
  present.forEach(({ p, i }, k) => {
    running = Math.max(running, Math.min(1, (present.length - k) * p));
    out[i] = running;
  });
  return out;
}

/** Paired t-test of mean(a - b) = 0. */
export function pairedTTest(a: readonly number[], b: readonly number[]): TestResult {
  if (a.length !== b.length) throw new RangeError(`pairedTTest: ${a.length} vs ${b.length} values`);
  const d = a.map((x, i) => x - b[i]);
  const n = d.length;
  const s = sampleStd(d);
  if (n < 2) return { statistic: Number.NaN, p: Number.NaN, n, method: 'paired t' };
  if (s === 0) return { statistic: mean(d) === 0 ? 0 : Math.sign(mean(d)) * Infinity, p: mean(d) === 0 ? 1 : 0, n, method: 'paired t' };
  const t = mean(d) / (s / Math.sqrt(n));
  return { statistic: t, p: Math.min(1, 2 * (1 - studentTCdf(Math.abs(t), n - 1))), n, method: 'paired t' };
}

/**
 * Welch's two-sample t-test of mean(a) = mean(b), without assuming equal variances
 * (Welch-Satterthwaite degrees of freedom): for two independent sets of runs, such as two
 * implementations trained from their own seeds.
 */
export function welchTTest(a: readonly number[], b: readonly number[]): TestResult & { readonly df: number } {
  const n = a.length + b.length;
  if (a.length < 2 || b.length < 2) return { statistic: Number.NaN, p: Number.NaN, df: Number.NaN, n, method: 'Welch t' };
  const va = sampleStd(a) ** 2 / a.length;
  const vb = sampleStd(b) ** 2 / b.length;
  const difference = mean(a) - mean(b);
  if (va + vb === 0) return { statistic: difference === 0 ? 0 : Math.sign(difference) * Infinity, p: difference === 0 ? 1 : 0, df: n - 2, n, method: 'Welch t' };
  const t = difference / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  return { statistic: t, p: Math.min(1, 2 * (1 - studentTCdf(Math.abs(t), df))), df, n, method: 'Welch t' };
}

/** Average ranks (1-based), ties sharing the mean of their positions. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1].v === order[start].v) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k].i] = rank;
    start = end + 1;
  }
  return ranks;
}

/**
 * Wilcoxon signed-rank test of the paired differences a - b (zeros dropped). Exact
 * two-sided p from the permutation distribution of W+ (ties handled through doubled
 * average ranks) for n <= 30; normal approximation with tie correction beyond.
 */
export function wilcoxonSignedRank(a: readonly number[], b: readonly number[]): TestResult {
  if (a.length !== b.length) throw new RangeError(`wilcoxonSignedRank: ${a.length} vs ${b.length} values`);
  const d = a.map((x, i) => x - b[i]).filter((x) => x !== 0);
  const n = d.length;
  if (n === 0) return { statistic: 0, p: 1, n, method: 'wilcoxon exact' };
  const ranks = averageRanks(d.map(Math.abs));
  const wPlus = d.reduce((s, x, i) => s + (x > 0 ? ranks[i] : 0), 0);
  if (n <= 30) {
    // Doubled ranks are integers; count sign assignments reaching each doubled sum.
    const doubled = ranks.map((r) => Math.round(2 * r));
    const total = doubled.reduce((s, r) => s + r, 0);
    let counts = new Float64Array(total + 1);
    counts[0] = 1;
    for (const r of doubled) {
      const next = Float64Array.from(counts);
      for (let s = r; s <= total; s++) next[s] += counts[s - r];
      counts = next;
    }
    const all = 2 ** n;
    const w2 = Math.round(2 * wPlus);
    let below = 0;
    let above = 0;
    for (let s = 0; s <= total; s++) {
      if (s <= w2) below += counts[s];
      if (s >= w2) above += counts[s];
    }
    return { statistic: wPlus, p: Math.min(1, (2 * Math.min(below, above)) / all), n, method: 'wilcoxon exact' };
  }
  const meanW = (n * (n + 1)) / 4;
  const tieGroups = new Map<number, number>();
  ranks.forEach((r) => tieGroups.set(r, (tieGroups.get(r) ?? 0) + 1));
  const tieTerm = [...tieGroups.values()].reduce((s, t) => s + (t ** 3 - t), 0) / 48;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm);
  const z = (wPlus - meanW) / sd;
  return { statistic: wPlus, p: Math.min(1, 2 * (1 - standardNormalCdf(Math.abs(z)))), n, method: 'wilcoxon normal' };
}

/** P(X >= k) for X ~ Binomial(n, p): how often guessing at rate p alone does at least this well. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n < 0) throw new RangeError(`binomialUpperTail: k and n must be integers, n >= 0 (got k ${k}, n ${n})`);
  if (k <= 0) return 1;
  if (k > n) return 0;
  // P(X >= k) = I_p(k, n - k + 1), the regularised incomplete beta function.
  return incompleteBeta(p, k, n - k + 1);
}

/** P(X <= k) for X ~ Binomial(n, p). */
export function binomialLowerTail(k: number, n: number, p: number): number {
  if (k >= n) return 1;
  return 1 - binomialUpperTail(k + 1, n, p);
}

/** 97.5% quantile of the standard normal: the z of a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval of a proportion (`successes` of `n`): stays inside [0, 1] and keeps
 * its coverage near 0 and 1, unlike the normal or the Student-t interval.
 */
export function wilsonInterval(successes: number, n: number, z = Z95): [number, number] {
  if (!(n > 0)) return [0, 1];
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
