/**
 * What the robustness / ensemble building blocks cost on MNIST-sized work: magnitude masks
 * (global and per layer) on a 784-256-128-10 MLP, penultimate-feature extraction through
 * the head and the full geometry of 500 test examples, each corruption of 500 images at
 * severity 3, SGLD steps, and the hypothesis-weight bisection.
 *   npx tsx benchmarks/analysis-robustness.ts
 */
import { CORRUPTIONS, corruptSplit } from '../src/analysis/corruptions.ts';
import { DenseStack } from '../src/analysis/denseStack.ts';
import { indexedBatch } from '../src/analysis/fit.ts';
import { lastLayerGeometry, penultimateFeatures } from '../src/analysis/geometry.ts';
import { largestPriorScale } from '../src/analysis/hypothesisWeight.ts';
import { disposeBatch } from '../src/analysis/loss.ts';
import { magnitudeMasks } from '../src/analysis/pruning.ts';
import { sgldEnsemble } from '../src/analysis/sgld.ts';
import { loadDataset } from '../src/data/datasets.ts';
import { initBackend } from '../src/gssnn/backend.ts';
import { machineInfo, reportBenchmark } from './machine.ts';

const backend = await initBackend();
const data = await loadDataset('mnist', { seed: 0, imageSize: 28, trainSize: 1000, validationSize: 100, testSize: 500 });
const width = 28 * 28;
const model = new DenseStack({ inputSize: width, hidden: [256, 128], numClasses: 10, seed: 1 });
const test = indexedBatch(data.test, data.inputShape, Array.from({ length: data.test.count }, (_, i) => i));

/** Median wall time (ms) of `repeats` runs after one warm-up. */
function time(repeats: number, body: () => void): number {
  body();
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    body();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)] * 10) / 10;
}

const masksMs = {
  global: time(3, () => magnitudeMasks(model, 0.8, 'global')),
  layer: time(3, () => magnitudeMasks(model, 0.8, 'layer')),
};
const geometryMs = {
  penultimateFeatures: time(3, () => penultimateFeatures(model, test.x)),
  lastLayerGeometry: time(3, () => lastLayerGeometry(model, test)),
};
const corruptionMs = Object.fromEntries(CORRUPTIONS.map((name) => [name, time(3, () => corruptSplit(data.test, data.inputShape, name, 3, 0))]));
const sgldSteps = 60;
const sgldMs = time(1, () => sgldEnsemble(model, data.train, data.inputShape, test, { stepSize: 1e-5, burnIn: sgldSteps - 1, thin: 1, samples: 1, temperature: 1, seed: 0, batchSize: 32, priorScale: 1 }));
const hypothesisMs = time(1, () => largestPriorScale(model, test, { epsilon: 0.01, draws: 8, seed: 0, steps: 12 }));
disposeBatch(test);
model.dispose();

reportBenchmark('analysis-robustness', {
  benchmark: 'analysis-robustness',
  note: 'Measured on a shared 2-core machine under load from other work; to be re-run on a quiet machine. Median of 3 runs after a warm-up (1 run for SGLD and the bisection).',
  machine: machineInfo({ backend: backend.name }),
  setup: { model: '784-256-128-10 ReLU MLP', parameters: model.parameterCount(), examples: data.test.count, sparsity: 0.8, severity: 3 },
  magnitudeMasksMs: masksMs,
  geometryMs,
  corruptionMsPer500Images: corruptionMs,
  sgld: { steps: sgldSteps, batchSize: 32, msPerStep: Math.round((sgldMs / sgldSteps) * 10) / 10 },
  hypothesisWeightBisectionMs: hypothesisMs,
});
