/**
 * The per-model diagnostics `synth analyze` adds to the measures, each on the first
 * examples of the model's training split (inference mode): the loss Hessian (top
 * eigenvalues, outliers, trace with a 95% interval, SLQ density), m-coherence per layer
 * with the real labels and with the same examples' labels shuffled, and the dead-neuron
 * rate of every ReLU site. Diagnostics of one model, not guarantees.
 */
import type { Dataset } from '../data/dataset.ts';
import type { Model } from '../gssnn/models/model.ts';
import type { VegaLiteSpec } from '../util/plot.ts';
import { Random } from '../util/random.ts';
import { coherenceByLoop, coherencePerLayer } from './coherence.ts';
import { indexedBatch } from './fit.ts';
import { hessianSummary, type HessianSummaryOptions, lossHessianOperator } from './hessian.ts';
import { disposeBatch } from './loss.ts';
import { reluDeadRates, type ReluReport } from './reluSites.ts';

const firstRows = (count: number, limit: number) => Array.from({ length: Math.min(count, limit) }, (_, i) => i);

export interface HessianOptions extends HessianSummaryOptions {
  /** Training examples the loss is averaged over. */
  readonly examples: number;
}

export interface HessianReport {
  readonly examples: number;
  readonly parameters: number;
  readonly topEigenvalues: number[];
  /** Every Ritz value of the Lanczos run (the outliers are counted among these). */
  readonly ritzValues: number[];
  readonly outliers: number;
  readonly outlierFraction: number;
  readonly trace: { readonly value: number; readonly standardError: number; readonly interval: readonly [number, number]; readonly probes: number; readonly deflated: number };
  readonly density: { readonly grid: number[]; readonly density: number[] };
  readonly products: number;
}

export function hessianReport(model: Model, data: Dataset, options: HessianOptions): HessianReport {
  const batch = indexedBatch(data.train, data.inputShape, firstRows(data.train.count, options.examples));
  try {
    const summary = hessianSummary(lossHessianOperator(model, batch), options);
    const { trace } = summary;
    return {
      examples: batch.y.shape[0],
      parameters: summary.parameters,
      topEigenvalues: summary.topEigenvalues,
      ritzValues: summary.ritzValues,
      outliers: summary.outliers,
      outlierFraction: summary.outlierFraction,
      trace: { value: trace.trace, standardError: trace.standardError, interval: trace.interval, probes: trace.probes, deflated: trace.deflated },
      density: { grid: summary.density.grid, density: summary.density.density },
      products: summary.products,
    };
  } finally {
    disposeBatch(batch);
  }
}

/** The SLQ density on a log scale, as a chart. */
export function hessianDensityChart(report: HessianReport, title: string): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 460,
    height: 240,
    data: { values: report.density.grid.map((t, i) => ({ eigenvalue: t, density: Math.max(report.density.density[i], 1e-8) })) },
    mark: 'line',
    encoding: {
      x: { field: 'eigenvalue', type: 'quantitative' },
      y: { field: 'density', type: 'quantitative', scale: { type: 'log' } },
    },
  } as VegaLiteSpec;
}

export interface CoherenceSide {
  readonly alpha: number;
  readonly layers: { readonly layer: string; readonly alpha: number }[];
}

export interface CoherenceReport {
  /** Number of examples m (alpha is 1 for orthogonal gradients, m for identical ones). */
  readonly m: number;
  readonly real: CoherenceSide;
  /** The same examples with their labels permuted at random (seeded). */
  readonly shuffled: CoherenceSide;
}

export function coherenceReport(model: Model, data: Dataset, options: { examples: number; seed: number; weightNames: readonly string[] }): CoherenceReport {
  const rows = firstRows(data.train.count, options.examples);
  const real = indexedBatch(data.train, data.inputShape, rows);
  const order = new Random(options.seed).shuffled(rows);
  const shuffledSplit = { ...data.train, y: Int32Array.from(data.train.y) };
  rows.forEach((row, i) => (shuffledSplit.y[row] = data.train.y[order[i]]));
  const shuffled = indexedBatch(shuffledSplit, data.inputShape, rows);
  try {
    const side = (batch: typeof real): CoherenceSide => {
      const result = coherenceByLoop(model, batch, options.weightNames);
      return { alpha: result.alpha, layers: coherencePerLayer(result) };
    };
    return { m: rows.length, real: side(real), shuffled: side(shuffled) };
  } finally {
    disposeBatch(real);
    disposeBatch(shuffled);
  }
}

export function deadNeuronReport(model: Model, data: Dataset, options: { examples: number }): ReluReport {
  const probe = indexedBatch(data.train, data.inputShape, firstRows(data.train.count, options.examples));
  try {
    return reluDeadRates(model, probe);
  } finally {
    disposeBatch(probe);
  }
}
