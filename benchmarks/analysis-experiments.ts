/**
 * Analysis experiments on real MNIST digits (small enough for a few minutes on 2 cores):
 * 1. m-coherence through training with real vs random labels (same model, same m);
 * 2. winsorized GD (and M3) vs SGD under 50% label noise: accuracy on the noisy training
 *    examples (memorization) against test accuracy (generalization);
 * 3. the Hessian spectrum of the trained real-label model from exact Hessian-vector
 *    products: top eigenvalues (Lanczos), outliers counted among all Ritz values, the trace
 *    (Hutchinson with the top eigen-directions deflated, and plain), the SLQ density.
 * Prints one JSON object and writes it, with SVG + PNG plots, under benchmarks/results/.
 * Environment: ANALYSIS_QUICK=1 shrinks everything (smoke run).
 */
import { join } from 'node:path';
import { coherenceDense } from '../src/analysis/coherence.ts';
import { DenseStack } from '../src/analysis/denseStack.ts';
import { fit, indexedBatch } from '../src/analysis/fit.ts';
import { hessianSummary, hutchinsonTrace, lossHessianOperator } from '../src/analysis/hessian.ts';
import { accuracy, disposeBatch } from '../src/analysis/loss.ts';
import { M3, Sgd, type UpdateRule, WinsorizedGd } from '../src/analysis/optimizers.ts';
import type { Dataset, Split } from '../src/data/dataset.ts';
import { loadDataset } from '../src/data/datasets.ts';
import { initBackend } from '../src/gssnn/backend.ts';
import { writeChart } from '../src/util/plot.ts';
import { loadNote, machineInfo, reportBenchmark, resultsDir } from './machine.ts';

const quick = process.env.ANALYSIS_QUICK === '1';
const IMAGE = 14;
const TRAIN = quick ? 200 : 500;
const HIDDEN = quick ? [32] : [128];
const COHERENCE_M = quick ? 40 : 100;
const EPOCHS_COHERENCE = quick ? 3 : 100;
const EPOCHS_NOISE = quick ? 3 : 60;
const BATCH = 50;
const LR = 0.2;
const SEED = 7;

const started = Date.now();
const backend = await initBackend();
const inputSize = IMAGE * IMAGE;

function rows(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function newModel(data: Dataset): DenseStack {
  return new DenseStack({ inputSize, hidden: HIDDEN, numClasses: data.numClasses, seed: SEED });
}

function splitAccuracy(model: DenseStack, split: Split, data: Dataset, subset?: number[]): number {
  const batch = indexedBatch(split, data.inputShape, subset ?? rows(split.count));
  try {
    return accuracy(model, batch);
  } finally {
    disposeBatch(batch);
  }
}

async function load(labels: Dataset['labels']): Promise<Dataset> {
  return loadDataset('mnist', { seed: SEED, trainSize: TRAIN, imageSize: IMAGE, validationSize: 0, testSize: quick ? 200 : 1000, labels });
}

// ---- 1. coherence through training, real vs random labels ----
interface CoherenceRow {
  labels: string;
  epoch: number;
  alpha: number;
  trainAccuracy: number;
  testAccuracy: number;
}
const coherenceRows: CoherenceRow[] = [];
let trainedReal: DenseStack | null = null;
let realData: Dataset | null = null;
for (const kind of ['real', 'random'] as const) {
  const data = await load({ kind });
  if (kind === 'real') realData = data;
  const model = newModel(data);
  const sample = indexedBatch(data.train, data.inputShape, rows(COHERENCE_M));
  const record = (epoch: number) =>
    coherenceRows.push({
      labels: kind,
      epoch,
      alpha: coherenceDense(model, sample).alpha,
      trainAccuracy: splitAccuracy(model, data.train, data),
      testAccuracy: splitAccuracy(model, data.test, data),
    });
  record(0);
  fit(model, data.train, data.inputShape, new Sgd(LR), { epochs: EPOCHS_COHERENCE, batchSize: BATCH, seed: SEED, onEpoch: (e) => (e + 1) % 5 === 0 && record(e + 1) });
  disposeBatch(sample);
  if (kind === 'real') trainedReal = model;
  else model.dispose();
  process.stderr.write(`coherence ${kind}: done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}

// ---- 2. winsorized GD vs SGD under 50% label noise ----
const noisy = await load({ kind: 'noisy', rate: 0.5 });
const clean = realData!;
const flipped = rows(noisy.train.count).filter((i) => noisy.train.y[i] !== clean.train.y[i]);
const kept = rows(noisy.train.count).filter((i) => noisy.train.y[i] === clean.train.y[i]);
interface NoiseRow {
  rule: string;
  epoch: number;
  noisyTrainAccuracy: number;
  cleanTrainAccuracy: number;
  testAccuracy: number;
}
const noiseRows: NoiseRow[] = [];
const rules: (() => UpdateRule)[] = [() => new Sgd(LR), () => new WinsorizedGd(LR, 2), () => new WinsorizedGd(LR, 8), () => new M3(LR)];
for (const makeRule of rules) {
  const rule = makeRule();
  const model = newModel(noisy);
  const record = (epoch: number) =>
    noiseRows.push({
      rule: rule.name,
      epoch,
      noisyTrainAccuracy: splitAccuracy(model, noisy.train, noisy, flipped),
      cleanTrainAccuracy: splitAccuracy(model, noisy.train, noisy, kept),
      testAccuracy: splitAccuracy(model, noisy.test, noisy),
    });
  record(0);
  fit(model, noisy.train, noisy.inputShape, rule, { epochs: EPOCHS_NOISE, batchSize: BATCH, seed: SEED, onEpoch: (e) => (e + 1) % 3 === 0 && record(e + 1) });
  model.dispose();
  process.stderr.write(`noise ${rule.name}: done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}

// ---- 3. Hessian spectrum of the trained real-label model ----
const model = trainedReal!;
const hessianBatch = indexedBatch(clean.train, clean.inputShape, rows(quick ? 100 : 500));
const op = lossHessianOperator(model, hessianBatch);
const REPORTED = 12;
const hessian = hessianSummary(op, { topK: REPORTED, lanczosSteps: quick ? 24 : 60, probes: quick ? 5 : 30, densityProbes: quick ? 2 : 3, densitySteps: quick ? 16 : 40, seed: SEED });
// Plain Hutchinson on the same probes budget, to show what deflation buys.
const plainTrace = hutchinsonTrace(op, quick ? 5 : 30, SEED);
const density = hessian.density;
disposeBatch(hessianBatch);
model.dispose();
process.stderr.write(`hessian: done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);

// ---- plots ----
const base = (name: string) => join(resultsDir, name);
const plots = [
  await writeChart(base('analysis-coherence'), {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `m-coherence through training (MNIST ${IMAGE}x${IMAGE}, n=${TRAIN}, m=${COHERENCE_M})`,
    width: 420,
    height: 240,
    data: { values: coherenceRows },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative' },
      y: { field: 'alpha', type: 'quantitative', scale: { type: 'log' }, title: 'm-coherence alpha (1 = orthogonal, m = identical)' },
      color: { field: 'labels', type: 'nominal', title: 'labels' },
    },
  }),
  await writeChart(base('analysis-label-noise'), {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `50% label noise: memorization vs generalization (n=${TRAIN})`,
    data: { values: noiseRows.flatMap((r) => [
      { rule: r.rule, epoch: r.epoch, accuracy: r.noisyTrainAccuracy, set: 'flipped training labels' },
      { rule: r.rule, epoch: r.epoch, accuracy: r.testAccuracy, set: 'test (true labels)' },
    ]) },
    facet: { column: { field: 'set', type: 'nominal', title: null } },
    spec: {
      width: 300,
      height: 220,
      mark: 'line',
      encoding: {
        x: { field: 'epoch', type: 'quantitative' },
        y: { field: 'accuracy', type: 'quantitative' },
        color: { field: 'rule', type: 'nominal' },
      },
    },
  }),
  await writeChart(base('analysis-hessian'), {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Hessian spectral density (SLQ, Gaussian-broadened) of the trained real-label model',
    width: 460,
    height: 240,
    data: { values: density.grid.map((t, i) => ({ eigenvalue: t, density: Math.max(density.density[i], 1e-8) })) },
    mark: 'line',
    encoding: {
      x: { field: 'eigenvalue', type: 'quantitative' },
      y: { field: 'density', type: 'quantitative', scale: { type: 'log' } },
    },
  }),
];

const last = <T extends { epoch: number }>(list: T[], pick: (r: T) => boolean) => list.filter(pick).sort((a, b) => b.epoch - a.epoch)[0];
const result = {
  benchmark: 'analysis-experiments',
  note:
    `${loadNote() ?? 'measured on a quiet machine (1-minute load average at most the core count)'}; the machine has 2 cores shared with other work. ` +
    'Hessian-vector products are exact (double backprop). Measures and coherence are correlational diagnostics, not guarantees.',
  machine: machineInfo({ backend: backend.name }),
  quick,
  setup: { dataset: 'mnist', imageSize: IMAGE, trainSize: TRAIN, hidden: HIDDEN, batchSize: BATCH, lr: LR, seed: SEED, coherenceM: COHERENCE_M },
  coherence: {
    final: Object.fromEntries(['real', 'random'].map((k) => [k, last(coherenceRows, (r) => r.labels === k)])),
    initial: Object.fromEntries(['real', 'random'].map((k) => [k, coherenceRows.find((r) => r.labels === k && r.epoch === 0)])),
    rows: coherenceRows,
  },
  labelNoise: {
    rate: 0.5,
    flippedTrainingExamples: flipped.length,
    final: Object.fromEntries([...new Set(noiseRows.map((r) => r.rule))].map((rule) => [rule, last(noiseRows, (r) => r.rule === rule)])),
    rows: noiseRows,
  },
  hessian: {
    parameters: op.dimension,
    batch: quick ? 100 : 500,
    hessianVectorProducts: hessian.products + plainTrace.running.length,
    topEigenvalues: hessian.topEigenvalues,
    // Outliers: Ritz values above 10% of the largest, counted among all of them (more than are reported).
    outliers: hessian.outliers,
    outliersCountedAmong: hessian.ritzValues.length,
    ritzValues: hessian.ritzValues,
    trace: hessian.trace.trace,
    traceStandardError: hessian.trace.standardError,
    traceInterval95: hessian.trace.interval,
    traceProbes: hessian.trace.probes,
    traceDeflatedDirections: hessian.trace.deflated,
    plainHutchinsonTrace: plainTrace.trace,
    plainHutchinsonStandardError: plainTrace.standardError,
  },
  plots: plots.flatMap((p) => [p.svg, p.png].map((f) => f.slice(f.indexOf('benchmarks/')))),
  seconds: Math.round((Date.now() - started) / 1000),
};
reportBenchmark(quick ? 'analysis-experiments-quick' : 'analysis-experiments', result);
