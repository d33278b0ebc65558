/**
 * Pruning and sparse search on real MNIST digits (14x14, 196-256-128-10 ReLU MLP):
 * 1. dynamic dead-neuron rate through training;
 * 2. iterative magnitude pruning with rewinding, with and without the AP step: test
 *    accuracy and DNR per round;
 * 3. node-mask search at 50% and 80% sparsity: the 3 best of 24 masks by init score vs
 *    3 random masks, each trained the same way.
 * Writes analysis-pruning.json under benchmarks/results/.
 */
import { deadNeuronRates, applyKernelMasks, pruneWithRewinding, snapshot, restore } from '../src/analysis/deadNeurons.ts';
import { DenseStack } from '../src/analysis/denseStack.ts';
import { fit, indexedBatch } from '../src/analysis/fit.ts';
import { accuracy, disposeBatch } from '../src/analysis/loss.ts';
import { type IndexedBatch, Sgd, type UpdateRule } from '../src/analysis/optimizers.ts';
import { searchVersusRandom } from '../src/analysis/sparseSearch.ts';
import { loadDataset } from '../src/data/index.ts';
import { initBackend } from '../src/gssnn/backend.ts';
import type { Model } from '../src/gssnn/model.ts';
import { machineInfo, reportBenchmark } from './machine.ts';

const IMAGE = 14;
const SEED = 3;
const EPOCHS = 12;
const started = Date.now();
const backend = await initBackend();
const data = await loadDataset('mnist', { seed: SEED, trainSize: 500, imageSize: IMAGE, validationSize: 0, testSize: 1000 });
const rows = (n: number) => Array.from({ length: n }, (_, i) => i);
const test = indexedBatch(data.test, data.inputShape, rows(data.test.count));
const probe = indexedBatch(data.train, data.inputShape, rows(200));
const newStack = () => new DenseStack({ inputSize: IMAGE * IMAGE, hidden: [256, 128], numClasses: data.numClasses, seed: SEED });

/** SGD that keeps pruned kernel entries at zero after every step. */
function maskedSgd(stack: DenseStack, masks: Float32Array[]): UpdateRule {
  const sgd = new Sgd(0.1);
  return { name: 'sgd-masked', step: (model: Model, batch: IndexedBatch) => { const loss = sgd.step(model, batch); applyKernelMasks(stack, masks); return loss; } };
}

// 1. DNR through training
const dnrModel = newStack();
const dnrHistory = [{ epoch: 0, dnr: deadNeuronRates(dnrModel, probe).layers.map((l) => l.dynamicRate) }];
fit(dnrModel, data.train, data.inputShape, new Sgd(0.1), { epochs: EPOCHS, batchSize: 32, seed: SEED, onEpoch: (e) => dnrHistory.push({ epoch: e + 1, dnr: deadNeuronRates(dnrModel, probe).layers.map((l) => l.dynamicRate) }) });
dnrModel.dispose();
process.stderr.write(`dnr: done (${Math.round((Date.now() - started) / 1000)} s)\n`);

// 2. IMP with rewinding, with and without AP; rewind to the weights after one epoch.
const pruning: Record<string, unknown> = {};
for (const apRate of [0, 0.05]) {
  const stack = newStack();
  fit(stack, data.train, data.inputShape, new Sgd(0.1), { epochs: 1, batchSize: 32, seed: SEED });
  const rewindTo = snapshot(stack);
  pruning[apRate === 0 ? 'magnitude' : 'magnitude+AP'] = pruneWithRewinding(stack, {
    rounds: 4,
    rate: 0.5,
    apRate,
    probe,
    rewindTo,
    train: (s, masks) => fit(s, data.train, data.inputShape, maskedSgd(s, masks), { epochs: EPOCHS, batchSize: 32, seed: SEED }),
    evaluate: (s) => accuracy(s, test),
  });
  stack.dispose();
  process.stderr.write(`pruning ap=${apRate}: done (${Math.round((Date.now() - started) / 1000)} s)\n`);
}

// 3. node-mask search vs random masks
const search = [];
const searchStack = newStack();
const init = snapshot(searchStack);
const scoreBatch = indexedBatch(data.train, data.inputShape, rows(64));
for (const sparsity of [0.5, 0.8]) {
  search.push(
    searchVersusRandom(searchStack, scoreBatch, {
      sparsity,
      candidates: 24,
      k: 3,
      seed: SEED,
      trainAndScore: (masks) => {
        restore(searchStack, init);
        searchStack.setUnitMasks(masks);
        fit(searchStack, data.train, data.inputShape, new Sgd(0.1), { epochs: EPOCHS, batchSize: 32, seed: SEED });
        const score = accuracy(searchStack, test);
        searchStack.setUnitMasks(masks.map(() => null));
        return score;
      },
    }),
  );
  process.stderr.write(`search ${sparsity}: done (${Math.round((Date.now() - started) / 1000)} s)\n`);
}
searchStack.dispose();
[test, probe, scoreBatch].forEach(disposeBatch);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
reportBenchmark('analysis-pruning', {
  benchmark: 'analysis-pruning',
  note: 'Measured on a shared 2-core machine under load from other work; to be re-run on a quiet machine. DNR and init scores are diagnostics.',
  machine: machineInfo({ backend: backend.name }),
  setup: { dataset: 'mnist', imageSize: IMAGE, trainSize: 500, hidden: [256, 128], epochs: EPOCHS, batchSize: 32, lr: 0.1, seed: SEED },
  dnrHistory,
  pruning,
  search: search.map((s) => ({ ...s, searchedMean: mean(s.searched.map((r) => r.trainedScore)), randomMean: mean(s.random.map((r) => r.trainedScore)) })),
  seconds: Math.round((Date.now() - started) / 1000),
});
