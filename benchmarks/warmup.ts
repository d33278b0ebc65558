/**
 * What the `small` preset's learning-rate warm-up buys: the same G-SSNN (a branching 6-node
 * tree, the selection of an earlier RAVEN search) and the linear baseline on MNIST < 5 and
 * RAVEN constant colour, 512 training examples, seeds 0-4, with the preset's warm-up (48
 * steps) and without it (`--warmup-steps 0`, the preset before the warm-up). Each run also
 * records how much the model's output still depends on its input: the spread of the class-1
 * logit margin over the test split (a model whose margin does not vary predicts one class).
 *
 *   npx tsx benchmarks/warmup.ts
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/gssnn/backend.ts';
import { baseRate, loadDataset } from '../src/data/datasets.ts';
import { graphDsl, runProgramText } from '../src/dsl/index.ts';
import { PRESETS } from '../src/gssnn/presets.ts';
import { makeBatch } from '../src/gssnn/train/batches.ts';
import { trainModel } from '../src/gssnn/train/trainModel.ts';
import type { Model } from '../src/gssnn/models/model.ts';
import type { Split } from '../src/data/dataset.ts';
import { pairedTTest, summarize } from '../src/analysis/stats.ts';
import { loadNote, machineInfo, reportBenchmark } from './machine.ts';

const PROGRAM = '(push (add (connect (next_port (add (connect (push (add (prev_port (connect (next_port (push (add (connect (next_port (add (connect identity)))))))))))))))))';
const SEEDS = [0, 1, 2, 3, 4];
const TRAIN_SIZE = 512;
const TASKS = ['mnist-lt5', 'raven'] as const;
const KINDS = ['gssnn', 'linear'] as const;
const preset = PRESETS.small;

/** Standard deviation over a split of logit_1 - logit_0 (eval mode). */
function marginSpread(model: Model, split: Split, inputShape: readonly number[]): number {
  const indices = Int32Array.from({ length: split.count }, (_, i) => i);
  const batch = makeBatch(split, inputShape, indices);
  try {
    return tf.tidy(() => {
      const logits = model.logits(batch.x, false);
      const margin = tf.sub(tf.slice(logits, [0, 1], [-1, 1]), tf.slice(logits, [0, 0], [-1, 1]));
      return Math.sqrt(tf.moments(margin).variance.dataSync()[0]);
    });
  } finally {
    batch.x.dispose();
    batch.y.dispose();
  }
}

const backend = await initBackend();
const outcome = runProgramText(PROGRAM, { dsl: graphDsl() });
if (!outcome.ok) throw new Error(outcome.error.message);
const graph = outcome.graph;
const results = [];
for (const task of TASKS) {
  const data = await loadDataset(task, { seed: 0, imageSize: preset.image.inputSize, trainSize: TRAIN_SIZE, validationSize: preset.data.validationSize, testSize: preset.data.testSize, warn: () => undefined });
  const base = baseRate(data.test.y, data.numClasses);
  for (const kind of KINDS) {
    const arms: Record<string, { seed: number; train: number; test: number; marginSpread: number }[]> = {};
    for (const warmupSteps of [preset.train.warmupSteps ?? 0, 0]) {
      arms[`warmup${warmupSteps}`] = SEEDS.map((seed) => {
        const { model, result } = trainModel({ kind, preset, data, graph, seed, train: { warmupSteps } });
        const spread = marginSpread(model, data.test, data.inputShape);
        model.dispose();
        process.stderr.write(`${task} ${kind} warm-up ${warmupSteps} seed ${seed}: train ${result.train.accuracy.toFixed(3)} test ${result.test.accuracy.toFixed(3)}\n`);
        return { seed, train: result.train.accuracy, test: result.test.accuracy, marginSpread: spread };
      });
    }
    const [withWarmup, without] = Object.values(arms);
    const paired = pairedTTest(withWarmup.map((r) => r.test), without.map((r) => r.test));
    results.push({
      task,
      kind,
      testBaseRate: base,
      arms: Object.fromEntries(Object.entries(arms).map(([name, runs]) => [name, { test: summarize(runs.map((r) => r.test)), train: summarize(runs.map((r) => r.train)), perSeed: runs }])),
      atBaseRate: Object.fromEntries(Object.entries(arms).map(([name, runs]) => [name, runs.filter((r) => r.test <= base + 0.01).length])),
      warmupMinusNone: { meanDifference: summarize(withWarmup.map((r, i) => r.test - without[i].test)).mean, t: paired.statistic, p: paired.p, method: 'paired t over seeds (test accuracy)' },
    });
  }
}
reportBenchmark('warmup', {
  benchmark: 'warmup',
  command: 'npx tsx benchmarks/warmup.ts',
  what: `preset small, ${TRAIN_SIZE} training examples, seeds ${SEEDS.join(', ')}: warm-up over ${preset.train.warmupSteps} steps vs none; G-SSNN wired by ${PROGRAM}`,
  machine: machineInfo({ backend: backend.name }),
  ...(loadNote() ? { note: loadNote() } : {}),
  results,
});
