/**
 * Rank agreement between a generalization measure and the observed generalization gap over
 * a population of trained models (Jiang et al. 2020), and the sign-error of pairs that
 * differ in one hyperparameter (Dziugaite et al. 2020). Correlation is evidence about a
 * measure on this population, never a guarantee.
 */

/**
 * Kendall's tau as in Jiang et al.: the mean of sign(m_i - m_j) sign(g_i - g_j) over all
 * unordered pairs (tau-a; tied pairs count 0). O(n^2), fine for populations of models.
 */
export function kendallTau(measure: readonly number[], gap: readonly number[]): number {
  if (measure.length !== gap.length) throw new RangeError(`kendallTau: ${measure.length} measures vs ${gap.length} gaps`);
  const n = measure.length;
  if (n < 2) return Number.NaN;
  let total = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) total += Math.sign(measure[i] - measure[j]) * Math.sign(gap[i] - gap[j]);
  return total / ((n * (n - 1)) / 2);
}

/** One trained model of a population: its hyperparameters, measure value and gap. */
export interface RankedModel {
  readonly hyperparameters: Readonly<Record<string, string | number>>;
  readonly measure: number;
  readonly gap: number;
}

export interface GranulatedTau {
  /** psi_i for each hyperparameter: mean tau over groups where only that one varies. */
  readonly perHyperparameter: Record<string, number>;
  /** Psi: the mean of the psi_i. */
  readonly overall: number;
  /** Plain tau over the whole population. */
  readonly overallTau: number;
}

function keyWithout(h: Readonly<Record<string, string | number>>, skip: string, names: readonly string[]): string {
  return names.filter((n) => n !== skip).map((n) => `${n}=${h[n]}`).join('|');
}

/**
 * Granulated Kendall tau: for hyperparameter i, group the models that agree on every other
 * hyperparameter, take tau within each group (groups of one are skipped), and average.
 */
export function granulatedKendallTau(models: readonly RankedModel[]): GranulatedTau {
  const names = [...new Set(models.flatMap((m) => Object.keys(m.hyperparameters)))].sort();
  const perHyperparameter: Record<string, number> = {};
  for (const name of names) {
    const groups = new Map<string, RankedModel[]>();
    for (const m of models) {
      const key = keyWithout(m.hyperparameters, name, names);
      groups.set(key, [...(groups.get(key) ?? []), m]);
    }
    const taus = [...groups.values()].filter((g) => g.length >= 2).map((g) => kendallTau(g.map((m) => m.measure), g.map((m) => m.gap)));
    perHyperparameter[name] = taus.length ? taus.reduce((a, b) => a + b, 0) / taus.length : Number.NaN;
  }
  const defined = Object.values(perHyperparameter).filter((x) => !Number.isNaN(x));
  return {
    perHyperparameter,
    overall: defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : Number.NaN,
    overallTau: kendallTau(models.map((m) => m.measure), models.map((m) => m.gap)),
  };
}

export interface SignError {
  /** Fraction of one-hyperparameter pairs where the measure moves against the gap. */
  readonly rate: number;
  readonly pairs: number;
  readonly perHyperparameter: Record<string, { rate: number; pairs: number }>;
}

/**
 * Sign-error: over pairs of models that differ in exactly one hyperparameter, the fraction
 * where sign(measure difference) disagrees with sign(gap difference). Pairs whose gaps tie
 * carry no information and are skipped.
 */
export function signError(models: readonly RankedModel[]): SignError {
  const names = [...new Set(models.flatMap((m) => Object.keys(m.hyperparameters)))].sort();
  const tally: Record<string, { wrong: number; pairs: number }> = Object.fromEntries(names.map((n) => [n, { wrong: 0, pairs: 0 }]));
  for (let i = 0; i < models.length; i++) {
    for (let j = i + 1; j < models.length; j++) {
      const differing = names.filter((n) => models[i].hyperparameters[n] !== models[j].hyperparameters[n]);
      if (differing.length !== 1) continue;
      const gapSign = Math.sign(models[i].gap - models[j].gap);
      if (gapSign === 0) continue;
      const t = tally[differing[0]];
      t.pairs++;
      if (Math.sign(models[i].measure - models[j].measure) !== gapSign) t.wrong++;
    }
  }
  const wrong = Object.values(tally).reduce((s, t) => s + t.wrong, 0);
  const pairs = Object.values(tally).reduce((s, t) => s + t.pairs, 0);
  return {
    rate: pairs ? wrong / pairs : Number.NaN,
    pairs,
    perHyperparameter: Object.fromEntries(Object.entries(tally).map(([n, t]) => [n, { rate: t.pairs ? t.wrong / t.pairs : Number.NaN, pairs: t.pairs }])),
  };
}
