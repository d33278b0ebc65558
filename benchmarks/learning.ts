/**
 * Does every model kind learn at every CPU preset? Each kind trains on 128 real MNIST digits
 * (10 classes) under `tiny` and `small` with three seeds; the result sets train and test
 * accuracy beside chance and the base rate. A kind whose train accuracy stays near chance
 * learned nothing, which is a bug in the model or the preset, not a finding.
 *
 *   npx tsx benchmarks/learning.ts
 */
import { initBackend } from '../src/gssnn/backend.ts';
import { baseRate, loadDataset } from '../src/data/datasets.ts';
import { MODEL_KIND_NAMES } from '../src/gssnn/models/index.ts';
import { randomGraph } from '../src/gssnn/models/wiring.ts';
import { PRESETS, type PresetName } from '../src/gssnn/presets.ts';
import { trainModel } from '../src/gssnn/train/trainModel.ts';
import { summarize } from '../src/analysis/stats.ts';
import { loadNote, machineInfo, reportBenchmark } from './machine.ts';

const TRAIN_SIZE = 128;
const SEEDS = [0, 1, 2];
const PRESETS_MEASURED: readonly PresetName[] = ['tiny', 'small'];
// The G-SSNN's own wiring: a connected graph of 6 nodes and 7 edges (no chain, star or
// complete graph of that element count is isomorphic to it; control wirings are sized like it).
const graph = randomGraph(6, 7, 1);

const backend = await initBackend();
const results = [];
for (const presetName of PRESETS_MEASURED) {
  const preset = PRESETS[presetName];
  const data = await loadDataset('mnist', { seed: 0, imageSize: preset.image.inputSize, trainSize: TRAIN_SIZE, validationSize: 100, testSize: 500, warn: () => undefined });
  for (const kind of MODEL_KIND_NAMES) {
    const runs = SEEDS.map((seed) => {
      const { model, result } = trainModel({ kind, preset, data, graph, seed });
      model.dispose();
      return { seed, train: result.train.accuracy, test: result.test.accuracy, steps: result.steps, trainSeconds: result.trainSeconds };
    });
    const train = summarize(runs.map((r) => r.train));
    const test = summarize(runs.map((r) => r.test));
    results.push({ preset: presetName, kind, steps: runs[0].steps, trainAccuracy: train, testAccuracy: test, perSeed: runs });
    process.stderr.write(`${presetName} ${kind}: train ${train.mean.toFixed(3)} (min ${Math.min(...runs.map((r) => r.train)).toFixed(3)}), test ${test.mean.toFixed(3)}\n`);
  }
}
const mnist = await loadDataset('mnist', { seed: 0, imageSize: 16, trainSize: TRAIN_SIZE, validationSize: 100, testSize: 500, warn: () => undefined });
reportBenchmark('learning', {
  benchmark: 'learning',
  command: 'npx tsx benchmarks/learning.ts',
  what: `every model kind on ${TRAIN_SIZE} MNIST digits (10 classes), presets ${PRESETS_MEASURED.join(' and ')}, seeds ${SEEDS.join(', ')}; G-SSNN wired by a random connected graph of 6 nodes and 7 edges`,
  machine: machineInfo({ backend: backend.name }),
  ...(loadNote() ? { note: loadNote() } : {}),
  chance: 0.1,
  trainBaseRate: baseRate(mnist.train.y, mnist.numClasses),
  testBaseRate: baseRate(mnist.test.y, mnist.numClasses),
  results,
});
