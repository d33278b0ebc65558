/**
 * Train / validation / test splits by seed. The test and validation sets are drawn first
 * (stratified) and depend only on the seed and their sizes, so they stay fixed while the
 * training size varies. The rest of the pool is put in a stratified order; a training set
 * of size n is the first n of that order (handed out shuffled), so for one seed a smaller
 * training set is a subset of every larger one.
 */
import { Random, deriveSeed } from '../util/random.ts';
import { DataError } from './errors.ts';

export interface SplitSizes {
  readonly trainSize?: number;
  readonly validationSize: number;
  readonly testSize: number;
}

export interface SplitIndices {
  readonly train: number[];
  readonly validation: number[];
  readonly test: number[];
  /** How many examples the stratified training order holds (the largest allowed trainSize). */
  readonly trainPool: number;
}

/** Pool indices grouped by class, each group shuffled by `random`. */
function shuffledByClass(indices: readonly number[], labels: ArrayLike<number>, numClasses: number, random: Random): number[][] {
  const groups: number[][] = Array.from({ length: numClasses }, () => []);
  for (const i of indices) groups[labels[i]].push(i);
  return groups.map((g) => random.shuffled(g));
}

/**
 * Interleaves class groups so that every prefix holds each class in proportion to its
 * share of the whole (largest deficit first; ties to the lower class index).
 */
export function stratifiedOrder(indices: readonly number[], labels: ArrayLike<number>, numClasses: number, random: Random): number[] {
  const groups = shuffledByClass(indices, labels, numClasses, random);
  const total = indices.length;
  const taken = new Array<number>(numClasses).fill(0);
  const order: number[] = [];
  for (let k = 1; k <= total; k++) {
    let best = -1;
    let bestDeficit = -Infinity;
    for (let c = 0; c < numClasses; c++) {
      if (taken[c] >= groups[c].length) continue;
      const deficit = (k * groups[c].length) / total - taken[c];
      if (deficit > bestDeficit + 1e-12) {
        bestDeficit = deficit;
        best = c;
      }
    }
    order.push(groups[best][taken[best]++]);
  }
  return order;
}

export function splitPool(labels: ArrayLike<number>, numClasses: number, sizes: SplitSizes, seed: number): SplitIndices {
  const poolSize = labels.length;
  const { validationSize, testSize } = sizes;
  for (const [name, value] of Object.entries({ validationSize, testSize, trainSize: sizes.trainSize ?? 0 })) {
    if (!Number.isInteger(value) || value < 0) {
      throw new DataError(`${name} must be a non-negative integer, got ${value}`, `pass a whole number such as --${name === 'trainSize' ? 'train-size' : name === 'testSize' ? 'test-size' : 'validation-size'} 500`);
    }
  }
  if (testSize + validationSize >= poolSize) {
    throw new DataError(
      `test (${testSize}) + validation (${validationSize}) examples leave nothing to train on in a pool of ${poolSize}`,
      'lower the test or validation size, or raise the pool size',
    );
  }
  const all = Array.from({ length: poolSize }, (_, i) => i);
  const heldOutOrder = stratifiedOrder(all, labels, numClasses, new Random(deriveSeed(seed, 'held-out')));
  const test = heldOutOrder.slice(0, testSize);
  // Validation is a stratified draw from what the test set left, so it too ignores trainSize.
  const testSet = new Set(test);
  const afterTest = all.filter((i) => !testSet.has(i));
  const validationOrder = stratifiedOrder(afterTest, labels, numClasses, new Random(deriveSeed(seed, 'validation')));
  const validation = validationOrder.slice(0, validationSize);
  const validationSet = new Set(validation);
  const rest = afterTest.filter((i) => !validationSet.has(i));
  const trainOrder = stratifiedOrder(rest, labels, numClasses, new Random(deriveSeed(seed, 'train')));
  const trainSize = sizes.trainSize ?? trainOrder.length;
  if (trainSize > trainOrder.length) {
    throw new DataError(
      `trainSize ${trainSize} is larger than the ${trainOrder.length} examples left after the test and validation sets (pool of ${poolSize})`,
      `use --train-size ${trainOrder.length} or less, or raise the pool size`,
    );
  }
  // The stratified order cycles through the classes; hand out each set in a seeded random
  // order so a trainer that batches sequentially still sees mixed batches.
  const shuffle = (indices: number[], label: string) => new Random(deriveSeed(seed, label, indices.length)).shuffled(indices);
  return {
    train: shuffle(trainOrder.slice(0, trainSize), 'train-order'),
    validation: shuffle(validation, 'validation-order'),
    test: shuffle(test, 'test-order'),
    trainPool: trainOrder.length,
  };
}
