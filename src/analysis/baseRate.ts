/**
 * Is an accuracy distinguishable from the base rate (always answering the majority class)?
 * An exact binomial test of the correct answers on the evaluated examples against the base
 * rate, with a Wilson interval of the accuracy: an accuracy at or near the base rate says
 * that a model learned nothing measurable, whatever the ranking among such models.
 */
import { binomialLowerTail, binomialUpperTail, wilsonInterval } from './stats.ts';

/** Significance level of the verdicts. */
export const BASE_RATE_ALPHA = 0.05;

export type BaseRateVerdict = 'above' | 'indistinguishable' | 'below';

export interface BaseRateComparison {
  readonly accuracy: number;
  readonly examples: number;
  readonly baseRate: number;
  /** One-sided exact binomial p-value of reaching this accuracy by guessing at the base rate. */
  readonly pAbove: number;
  /** 95% Wilson interval of the accuracy. */
  readonly interval95: readonly [number, number];
  /** `above`/`below`: significantly above/below the base rate (one-sided, alpha 0.05 each). */
  readonly verdict: BaseRateVerdict;
}

/** Compares `accuracy` on `examples` examples with `baseRate`; null when either is unknown. */
export function compareWithBaseRate(accuracy: number, examples: number, baseRate: number, alpha = BASE_RATE_ALPHA): BaseRateComparison | null {
  if (!Number.isFinite(accuracy) || !Number.isFinite(baseRate) || !(examples > 0)) return null;
  const correct = Math.round(accuracy * examples);
  const pAbove = binomialUpperTail(correct, examples, baseRate);
  const pBelow = binomialLowerTail(correct, examples, baseRate);
  const verdict: BaseRateVerdict = pAbove < alpha ? 'above' : pBelow < alpha ? 'below' : 'indistinguishable';
  return { accuracy, examples, baseRate, pAbove, interval95: wilsonInterval(correct, examples), verdict };
}

/** A short phrase for a table cell: "above base (p<0.001)", "≈ base rate", "below base". */
export function verdictText(c: BaseRateComparison | null): string {
  if (c === null) return 'n/a';
  if (c.verdict === 'above') return `above (p ${c.pAbove < 0.001 ? '<0.001' : `=${c.pAbove.toFixed(3)}`})`;
  return c.verdict === 'below' ? 'BELOW base' : '= base rate';
}
