/**
 * Dead neurons, the AP pruning step and sparse architecture search with random search as
 * the baseline, on a ReLU MLP (`DenseStack`) over the flattened inputs of a data set: these
 * methods act on dense ReLU layers, which the toolkit's image encoders do not expose, so
 * `synth analyze --report` runs them on this MLP trained on the saved model's data.
 * 1. the dynamic dead-neuron rate through training;
 * 2. iterative magnitude pruning with rewinding (to the weights after one epoch), with and
 *    without the AP step: test accuracy and DNR per round;
 * 3. node-mask search at each mask sparsity: the k best of `candidates` masks by the
 *    init-time score against k masks drawn at random, each trained the same way.
 */
import type { Dataset } from '../data/dataset.ts';
import type { Model } from '../gssnn/models/model.ts';
import { applyKernelMasks, deadNeuronRates, type PruningRound, pruneWithRewinding, restore, snapshot } from './deadNeurons.ts';
import { DenseStack } from './denseStack.ts';
import { fit, indexedBatch } from './fit.ts';
import { accuracy, disposeBatch } from './loss.ts';
import { type IndexedBatch, Sgd, type UpdateRule } from './optimizers.ts';
import { type SparseSearchComparison, searchVersusRandom } from './sparseSearch.ts';

export interface SparsityStudyOptions {
  readonly hidden: readonly number[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  /** Pruning rounds, the fraction of remaining weights each removes, and the AP step's extra fraction. */
  readonly rounds: number;
  readonly rate: number;
  readonly apRate: number;
  /** Hidden-unit sparsities of the node-mask search, masks scored per level, masks trained per side. */
  readonly maskSparsities: readonly number[];
  readonly candidates: number;
  readonly k: number;
  /** Training examples of the DNR probe and of the init score (a score batch larger than the units makes every kernel singular). */
  readonly probeExamples: number;
  readonly scoreExamples: number;
  readonly seed: number;
  readonly onProgress?: (message: string) => void;
}

export const SPARSITY_DEFAULTS = {
  hidden: [128, 64],
  epochs: 10,
  batchSize: 32,
  lr: 0.1,
  rounds: 3,
  rate: 0.5,
  apRate: 0.05,
  maskSparsities: [0.5, 0.8],
  candidates: 16,
  k: 3,
  probeExamples: 200,
  scoreExamples: 64,
} as const;

export interface SparsityStudy {
  readonly setup: Omit<SparsityStudyOptions, 'onProgress'> & { readonly inputSize: number; readonly trainExamples: number; readonly testExamples: number };
  readonly dnrHistory: { epoch: number; dnr: number[] }[];
  readonly pruning: { readonly magnitude: PruningRound[]; readonly 'magnitude+AP': PruningRound[] };
  readonly search: (SparseSearchComparison & { searchedMean: number; randomMean: number })[];
}

const rows = (n: number) => Array.from({ length: n }, (_, i) => i);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function sparsityStudy(data: Dataset, options: SparsityStudyOptions): SparsityStudy {
  const inputSize = data.inputShape.reduce((a, b) => a * b, 1);
  const test = indexedBatch(data.test, data.inputShape, rows(data.test.count));
  const probe = indexedBatch(data.train, data.inputShape, rows(Math.min(options.probeExamples, data.train.count)));
  const scoreBatch = indexedBatch(data.train, data.inputShape, rows(Math.min(options.scoreExamples, data.train.count)));
  const newStack = () => new DenseStack({ inputSize, hidden: options.hidden, numClasses: data.numClasses, seed: options.seed });
  const train = (stack: Model, rule: UpdateRule, epochs = options.epochs) => fit(stack, data.train, data.inputShape, rule, { epochs, batchSize: options.batchSize, seed: options.seed });
  /** SGD that keeps pruned kernel entries at zero after every step. */
  const maskedSgd = (stack: DenseStack, masks: Float32Array[]): UpdateRule => {
    const sgd = new Sgd(options.lr);
    return { name: 'sgd-masked', step: (model: Model, batch: IndexedBatch, epoch: number) => { const loss = sgd.step(model, batch, epoch); applyKernelMasks(stack, masks); return loss; } };
  };
  try {
    options.onProgress?.('dead-neuron rate through training');
    const dnrModel = newStack();
    const dnrHistory = [{ epoch: 0, dnr: deadNeuronRates(dnrModel, probe).layers.map((l) => l.dynamicRate) }];
    fit(dnrModel, data.train, data.inputShape, new Sgd(options.lr), {
      epochs: options.epochs,
      batchSize: options.batchSize,
      seed: options.seed,
      onEpoch: (e) => dnrHistory.push({ epoch: e + 1, dnr: deadNeuronRates(dnrModel, probe).layers.map((l) => l.dynamicRate) }),
    });
    dnrModel.dispose();

    const pruning = {} as Record<'magnitude' | 'magnitude+AP', PruningRound[]>;
    for (const apRate of [0, options.apRate]) {
      options.onProgress?.(apRate === 0 ? 'iterative magnitude pruning' : 'iterative magnitude pruning with the AP step');
      const stack = newStack();
      train(stack, new Sgd(options.lr), 1);
      pruning[apRate === 0 ? 'magnitude' : 'magnitude+AP'] = pruneWithRewinding(stack, {
        rounds: options.rounds,
        rate: options.rate,
        apRate,
        probe,
        rewindTo: snapshot(stack),
        train: (s, masks) => train(s, maskedSgd(s, masks)),
        evaluate: (s) => accuracy(s, test),
      });
      stack.dispose();
    }

    const search: SparsityStudy['search'] = [];
    const searchStack = newStack();
    const init = snapshot(searchStack);
    for (const level of options.maskSparsities) {
      options.onProgress?.(`node-mask search vs random masks at sparsity ${level}`);
      const comparison = searchVersusRandom(searchStack, scoreBatch, {
        sparsity: level,
        candidates: options.candidates,
        k: options.k,
        seed: options.seed,
        trainAndScore: (masks) => {
          restore(searchStack, init);
          searchStack.setUnitMasks(masks);
          train(searchStack, new Sgd(options.lr));
          const score = accuracy(searchStack, test);
          searchStack.setUnitMasks(masks.map(() => null));
          return score;
        },
      });
      search.push({ ...comparison, searchedMean: mean(comparison.searched.map((r) => r.trainedScore)), randomMean: mean(comparison.random.map((r) => r.trainedScore)) });
    }
    searchStack.dispose();
    const { onProgress: _progress, ...setup } = options;
    const used = { probeExamples: probe.y.shape[0], scoreExamples: scoreBatch.y.shape[0] };
    return { setup: { ...setup, ...used, inputSize, trainExamples: data.train.count, testExamples: data.test.count }, dnrHistory, pruning, search };
  } finally {
    [test, probe, scoreBatch].forEach(disposeBatch);
  }
}
