/**
 * Chart specs of the analysis benchmarks, kept apart from the scripts that measure, so that a
 * plot can be drawn again from the benchmark's JSON without training anything.
 */
import type { VegaLiteSpec } from '../src/util/plot.ts';

export interface CurvePoint {
  readonly trainSize: number;
  readonly mean: number;
  readonly ci95: readonly [number, number];
}

/** Test accuracy against training size per model, with each mean's 95% t-interval as a band. */
export function dataEfficiencyChart(curves: Readonly<Record<string, readonly CurvePoint[]>>, seeds: number): VegaLiteSpec {
  const color = { field: 'model', type: 'nominal' as const };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `MNIST 14x14 test accuracy vs training size (mean, 95% t-interval, ${seeds} seeds)`,
    width: 420,
    height: 260,
    data: { values: Object.entries(curves).flatMap(([model, curve]) => curve.map((p) => ({ model, n: p.trainSize, mean: p.mean, lo: p.ci95[0], hi: p.ci95[1] }))) },
    encoding: { x: { field: 'n', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'training examples' } },
    // The bands' pale colours stay out of the legend; the lines' solid ones name the models.
    resolve: { legend: { color: 'independent' } },
    layer: [
      { mark: { type: 'area', opacity: 0.2 }, encoding: { y: { field: 'lo', type: 'quantitative', title: 'test accuracy', scale: { zero: false } }, y2: { field: 'hi' }, color: { ...color, legend: null } } },
      { mark: { type: 'line', point: true }, encoding: { y: { field: 'mean', type: 'quantitative' }, color } },
    ],
  } as VegaLiteSpec;
}
