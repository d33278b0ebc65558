/**
 * A data-efficiency sweep on real MNIST digits through `runSweep`: a ReLU MLP against a
 * linear model of the same inputs, at training sizes 32..512 with 5 seeds each. Reports
 * learning curves with 95% t-intervals, AUC over log2 n, the size needed for 80% test
 * accuracy, and paired tests (t and exact Wilcoxon) of MLP vs linear. Writes the JSON and
 * a plot (SVG + PNG) under benchmarks/results/.
 */
import { join } from 'node:path';
import { areaUnderCurve, compareWithBaseline, learningCurve, runSweep, sizeToReach } from '../src/analysis/dataEfficiency.ts';
import { DenseStack } from '../src/analysis/denseStack.ts';
import { fit, indexedBatch } from '../src/analysis/fit.ts';
import { accuracy, disposeBatch } from '../src/analysis/loss.ts';
import { Sgd } from '../src/analysis/optimizers.ts';
import { loadDataset } from '../src/data/datasets.ts';
import { initBackend } from '../src/gssnn/backend.ts';
import { deriveSeed } from '../src/util/random.ts';
import { writeChart } from '../src/util/plot.ts';
import { dataEfficiencyChart } from './charts.ts';
import { machineInfo, reportBenchmark, resultsDir } from './machine.ts';

const SIZES = [32, 64, 128, 256, 512];
const SEEDS = [0, 1, 2, 3, 4];
const MODELS = ['mlp', 'linear'];
const TARGET = 0.8;
const IMAGE = 14;
const STEPS = 300; // the same number of SGD steps at every size, so small sets are not under-trained

const started = Date.now();
const backend = await initBackend();
const records = await runSweep({
  sizes: SIZES,
  seeds: SEEDS,
  models: MODELS,
  train: async (name, trainSize, seed) => {
    const data = await loadDataset('mnist', { seed, trainSize, imageSize: IMAGE, validationSize: 0, testSize: 1000 });
    const model = new DenseStack({ inputSize: IMAGE * IMAGE, hidden: name === 'mlp' ? [128] : [], numClasses: data.numClasses, seed: deriveSeed(seed, name) });
    const batchSize = 32;
    const epochs = Math.max(1, Math.round((STEPS * batchSize) / trainSize));
    fit(model, data.train, data.inputShape, new Sgd(0.1), { epochs, batchSize, seed });
    const test = indexedBatch(data.test, data.inputShape, Array.from({ length: data.test.count }, (_, i) => i));
    const score = accuracy(model, test);
    disposeBatch(test);
    model.dispose();
    return { score };
  },
  onRecord: (r) => process.stderr.write(`${r.model} n=${r.trainSize} seed=${r.seed}: ${r.score.toFixed(3)}\n`),
});

const curves = Object.fromEntries(MODELS.map((m) => [m, learningCurve(records, m)]));
const summary = Object.fromEntries(
  MODELS.map((m) => [m, { auc: areaUnderCurve(curves[m]), sizeFor80: sizeToReach(curves[m], TARGET), curve: curves[m] }]),
);
const comparison = compareWithBaseline(records, 'mlp', 'linear');
const plot = await writeChart(join(resultsDir, 'analysis-data-efficiency'), dataEfficiencyChart(curves, SEEDS.length));

reportBenchmark('analysis-data-efficiency', {
  benchmark: 'analysis-data-efficiency',
  note: 'Measured on a shared 2-core machine under load from other work; to be re-run on a quiet machine.',
  machine: machineInfo({ backend: backend.name }),
  setup: { dataset: 'mnist', imageSize: IMAGE, sizes: SIZES, seeds: SEEDS, stepsPerRun: STEPS, batchSize: 32, lr: 0.1, target: TARGET },
  summary,
  comparison,
  records,
  plots: [plot.svg, plot.png].map((f) => f.slice(f.indexOf('benchmarks/'))),
  seconds: Math.round((Date.now() - started) / 1000),
});
