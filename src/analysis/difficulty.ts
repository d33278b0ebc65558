/**
 * Example difficulty ("On the Generalization Mystery"): from a training log that records,
 * after each epoch, whether each training example is classified as its (possibly noisy)
 * label, the epoch at which each example is first learned and the epoch from which it
 * stays learned to the end. Examples with real labels tend to be learned early, noisy
 * or random ones late: memorisation comes after the shared structure is fitted.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Split } from '../data/dataset.ts';
import type { Model } from '../gssnn/models/model.ts';
import { indexedBatch } from './fit.ts';

/** `correct[e][i]`: example i matched its label after epoch e + 1. */
export interface TrainingLog {
  readonly correct: readonly (readonly boolean[])[];
}

export interface LearnedEpochs {
  /** 1-based epoch at which the example is first classified right; null if never. */
  readonly first: (number | null)[];
  /** 1-based epoch from which it stays right through the last epoch; null if wrong at the end. */
  readonly final: (number | null)[];
}

export function learnedEpochs(log: TrainingLog): LearnedEpochs {
  const epochs = log.correct.length;
  if (epochs === 0) return { first: [], final: [] };
  const n = log.correct[0].length;
  log.correct.forEach((row, e) => {
    if (row.length !== n) throw new RangeError(`training log: epoch ${e + 1} has ${row.length} examples, epoch 1 has ${n}`);
  });
  const first: (number | null)[] = [];
  const final: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    let f: number | null = null;
    for (let e = 0; e < epochs && f === null; e++) if (log.correct[e][i]) f = e + 1;
    first.push(f);
    let from: number | null = null;
    for (let e = epochs - 1; e >= 0 && log.correct[e][i]; e--) from = e + 1;
    final.push(from);
  }
  return { first, final };
}

/** Records a training log from an epoch callback: call `record(model)` after each epoch. */
export class TrainingLogRecorder {
  readonly correct: boolean[][] = [];
  constructor(private readonly split: Split, private readonly inputShape: readonly number[], private readonly chunk = 512) {}

  record(model: Model): void {
    const row: boolean[] = [];
    for (let start = 0; start < this.split.count; start += this.chunk) {
      const rows = Array.from({ length: Math.min(this.chunk, this.split.count - start) }, (_, i) => start + i);
      const batch = indexedBatch(this.split, this.inputShape, rows);
      try {
        const predicted = tf.tidy(() => tf.argMax(model.logits(batch.x, false), 1).dataSync());
        rows.forEach((r, i) => row.push(predicted[i] === this.split.y[r]));
      } finally {
        batch.x.dispose();
        batch.y.dispose();
      }
    }
    this.correct.push(row);
  }

  log(): TrainingLog {
    return { correct: this.correct };
  }
}

export interface DifficultyGroup {
  readonly name: string;
  readonly count: number;
  /** Fraction of the group learned (finally) by the end. */
  readonly learnedFraction: number;
  /** Mean final-learned epoch over the examples that are learned at the end. */
  readonly meanFinalEpoch: number;
  readonly meanFirstEpoch: number;
  /** Fraction of the group whose final-learned epoch is at most `earlyEpoch`. */
  readonly earlyFraction: number;
  /** Fraction learned only after `earlyEpoch` (or never). */
  readonly lateFraction: number;
}

/**
 * Summaries per group (e.g. examples with clean vs flipped labels). "Early" means finally
 * learned by `earlyEpoch` (default: the first quarter of training).
 */
export function difficultyGroups(epochs: LearnedEpochs, totalEpochs: number, groups: Record<string, readonly number[]>, earlyEpoch = Math.max(1, Math.floor(totalEpochs / 4))): DifficultyGroup[] {
  return Object.entries(groups).map(([name, indices]) => {
    const finals = indices.map((i) => epochs.final[i]);
    const firsts = indices.map((i) => epochs.first[i]).filter((e): e is number => e !== null);
    const learned = finals.filter((e): e is number => e !== null);
    const avg = (xs: number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
    const early = learned.filter((e) => e <= earlyEpoch).length;
    const count = indices.length;
    return {
      name,
      count,
      learnedFraction: count === 0 ? Number.NaN : learned.length / count,
      meanFinalEpoch: avg(learned),
      meanFirstEpoch: avg(firsts),
      earlyFraction: count === 0 ? Number.NaN : early / count,
      lateFraction: count === 0 ? Number.NaN : (count - early) / count,
    };
  });
}

/** Fraction of examples finally learned by each epoch (a learning curve over examples). */
export function learnedByEpoch(epochs: LearnedEpochs, totalEpochs: number, indices?: readonly number[]): number[] {
  const rows = indices ?? epochs.final.map((_, i) => i);
  return Array.from({ length: totalEpochs }, (_, e) => (rows.length === 0 ? Number.NaN : rows.filter((i) => epochs.final[i] !== null && epochs.final[i]! <= e + 1).length / rows.length));
}
