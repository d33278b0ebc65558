/**
 * The leaderboard's charts as Vega-Lite specs built from leaderboard.json alone: learning
 * curves with 95% interval bands and the base rate as a dashed line, gradient coherence
 * through training, and generalization measures against the gap. Same JSON, same bytes.
 */
import type { VegaLiteSpec } from '../util/plot.ts';
import { accuracyInterval } from './interval.ts';
import type { Leaderboard } from './schema.ts';
import { LEADERBOARD_MODELS } from './suite.ts';

export interface ChartSpec {
  /** File name without extension, under plots/. */
  readonly name: string;
  readonly title: string;
  readonly spec: VegaLiteSpec;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function modelColor(models: readonly string[]) {
  return { field: 'model', type: 'nominal' as const, title: 'model', scale: { domain: LEADERBOARD_MODELS.filter((m) => models.includes(m)) } };
}

export function learningCurveSpec(board: Leaderboard, task: string): ChartSpec {
  const info = board.tasks.find((t) => t.name === task)!;
  const rows = board.rows.filter((r) => r.task === task).map((r) => {
    const [low, high] = accuracyInterval(r, board.suite.testSize);
    return { model: r.model, trainSize: r.trainSize, mean: r.mean, low, high, seeds: r.seeds };
  });
  const models = [...new Set(rows.map((r) => r.model))];
  const x = { field: 'trainSize', type: 'quantitative' as const, title: 'training examples', scale: { type: 'log' as const, base: 2 }, axis: { values: board.suite.trainSizes } };
  const y = { type: 'quantitative' as const, title: 'test accuracy', scale: { zero: false } };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${task}: test accuracy vs training size`,
      subtitle: [
        `mean over seeds; bars: 95% Wilson interval over all test predictions (seeds x ${board.suite.testSize} examples)`,
        `dashed: base rate ${pct(info.baseRate)} (majority class); models with equal wiring draw on top of each other`,
      ],
    },
    width: 460,
    height: 300,
    // The bars' colour legend is left out; the lines' one stays.
    resolve: { legend: { color: 'independent' } },
    layer: [
      // Interval bars, drawn first and thin so that lines stay readable; the legend comes from the lines.
      { data: { values: rows }, mark: { type: 'rule', strokeWidth: 6, opacity: 0.25 }, encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' }, color: { ...modelColor(models), legend: null } } },
      { data: { values: rows }, mark: { type: 'line', point: { filled: true, size: 45 }, strokeWidth: 2 }, encoding: { x, y: { ...y, field: 'mean' }, color: modelColor(models) } },
      { data: { values: [{ baseRate: info.baseRate, label: `base rate ${pct(info.baseRate)}` }] }, mark: { type: 'rule', strokeDash: [6, 4], color: 'black' }, encoding: { y: { ...y, field: 'baseRate' } } },
      {
        data: { values: [{ baseRate: info.baseRate, label: `base rate ${pct(info.baseRate)}` }] },
        mark: { type: 'text', align: 'right', dx: -4, dy: -6, x: 460 },
        encoding: { y: { ...y, field: 'baseRate' }, text: { field: 'label' } },
      },
    ],
  };
  return { name: `learning-curve-${task}`, title: `Learning curves: ${task}`, spec: spec as unknown as VegaLiteSpec };
}

export function coherenceSpec(board: Leaderboard, task: string): ChartSpec | null {
  const series = board.coherence.filter((c) => c.task === task && c.points.length > 0);
  if (series.length === 0) return null;
  const info = board.tasks.find((t) => t.name === task)!;
  const values = series.flatMap((s) => s.points.map((p) => ({ model: s.model, step: p.step, alpha: p.alpha })));
  const { trainSize, seed, sample } = series[0];
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${task}: gradient coherence through training`,
      subtitle: [`m-coherence on ${sample} fixed training examples (0 = cancelling, 1 = orthogonal, ${sample} = identical)`, `n = ${trainSize}, seed ${seed}; base rate ${pct(info.baseRate)}`],
    },
    width: 460,
    height: 260,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'optimizer step' },
      y: { field: 'alpha', type: 'quantitative', title: 'm-coherence', scale: { zero: false } },
      color: modelColor(series.map((s) => s.model)),
    },
  };
  return { name: `coherence-${task}`, title: `Coherence: ${task}`, spec: spec as unknown as VegaLiteSpec };
}

export function measuresSpec(board: Leaderboard, task: string): ChartSpec | null {
  const info = board.tasks.find((t) => t.name === task)!;
  const points = board.measures.points.filter((p) => p.task === task);
  const values = board.measures.names.flatMap((measure) =>
    points.filter((p) => measure in p.values).map((p) => ({ measure, value: p.values[measure], gap: p.gap, model: p.model, trainSize: p.trainSize })),
  );
  if (values.length === 0) return null;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${task}: generalization measures vs gap`,
      subtitle: `gap = train accuracy - test accuracy, one point per trained model; base rate ${pct(info.baseRate)}; correlational diagnostics only`,
    },
    data: { values },
    facet: { field: 'measure', type: 'nominal', title: null, sort: board.measures.names },
    columns: 3,
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: 180,
      height: 140,
      mark: { type: 'point', filled: true, opacity: 0.7 },
      encoding: {
        x: { field: 'value', type: 'quantitative', title: 'measure', scale: { zero: false } },
        y: { field: 'gap', type: 'quantitative', title: 'generalization gap' },
        color: modelColor(points.map((p) => p.model)),
        shape: { field: 'trainSize', type: 'nominal', title: 'train size' },
      },
    },
  };
  return { name: `measures-${task}`, title: `Measures vs gap: ${task}`, spec: spec as unknown as VegaLiteSpec };
}

/** Every chart of the leaderboard, in report order. */
export function leaderboardCharts(board: Leaderboard): ChartSpec[] {
  const charts: ChartSpec[] = [];
  for (const task of board.tasks) {
    if (board.rows.some((r) => r.task === task.name)) charts.push(learningCurveSpec(board, task.name));
    const coherence = coherenceSpec(board, task.name);
    if (coherence) charts.push(coherence);
    const measures = measuresSpec(board, task.name);
    if (measures) charts.push(measures);
  }
  return charts;
}
