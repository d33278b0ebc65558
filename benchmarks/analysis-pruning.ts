/**
 * Pruning and sparse search on real MNIST digits (14x14, 196-256-128-10 ReLU MLP):
 * 1. dynamic dead-neuron rate through training;
 * 2. iterative magnitude pruning with rewinding, with and without the AP step: test
 *    accuracy and DNR per round;
 * 3. node-mask search at 50% and 80% sparsity: the 3 best of 24 masks by init score vs
 *    3 random masks, each trained the same way.
 * Writes analysis-pruning.json under benchmarks/results/.
 */
import { sparsityStudy } from '../src/analysis/sparsityStudy.ts';
import { loadDataset } from '../src/data/datasets.ts';
import { initBackend } from '../src/gssnn/backend.ts';
import { loadNote, machineInfo, reportBenchmark } from './machine.ts';

const IMAGE = 14;
const SEED = 3;
const started = Date.now();
const backend = await initBackend();
const data = await loadDataset('mnist', { seed: SEED, trainSize: 500, imageSize: IMAGE, validationSize: 0, testSize: 1000 });
const setup = {
  hidden: [256, 128],
  epochs: 12,
  batchSize: 32,
  lr: 0.1,
  rounds: 4,
  rate: 0.5,
  apRate: 0.05,
  maskSparsities: [0.5, 0.8],
  candidates: 24,
  k: 3,
  probeExamples: 200,
  scoreExamples: 64,
  seed: SEED,
};
const study = sparsityStudy(data, { ...setup, onProgress: (m) => process.stderr.write(`${m} (${Math.round((Date.now() - started) / 1000)} s)\n`) });

reportBenchmark('analysis-pruning', {
  benchmark: 'analysis-pruning',
  note: `${loadNote() ?? 'measured on a quiet machine (1-minute load average at most the core count)'}; the machine has 2 cores shared with other work. DNR and init scores are diagnostics.`,
  machine: machineInfo({ backend: backend.name }),
  setup: { dataset: 'mnist', imageSize: IMAGE, trainSize: 500, ...setup },
  dnrHistory: study.dnrHistory,
  pruning: study.pruning,
  search: study.search,
  seconds: Math.round((Date.now() - started) / 1000),
});
