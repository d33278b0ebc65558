/**
 * Magnitude pruning of any `Model` ("Understanding Robustness Lottery"): the prunable
 * weights are every variable of rank >= 2 (dense kernels, conv filters); biases and
 * vectors stay dense. Scope `global` ranks all prunable weights together, `layer` prunes
 * each variable to the same sparsity. One-shot prunes once; iterative prunes along a
 * schedule, rewinding the survivors to early weights and retraining after each round.
 * `deadNeurons.ts` keeps the DenseStack-only variant with the AP step.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../gssnn/models/model.ts';
import type { IndexedBatch, UpdateRule } from './optimizers.ts';

export type PruningScope = 'global' | 'layer';

/** One 0/1 mask per model variable; `null` for variables that are never pruned. */
export type WeightMasks = (Float32Array | null)[];

export function isPrunable(variable: tf.Variable): boolean {
  return variable.rank >= 2;
}

export function denseMasks(model: Model): WeightMasks {
  return model.variables.map((v) => (isPrunable(v) ? new Float32Array(v.size).fill(1) : null));
}

export interface SparsityCount {
  readonly pruned: number;
  readonly prunable: number;
  /** pruned / prunable. */
  readonly sparsity: number;
}

export function maskSparsity(masks: WeightMasks): SparsityCount {
  let prunable = 0;
  let kept = 0;
  for (const m of masks) {
    if (!m) continue;
    prunable += m.length;
    for (let i = 0; i < m.length; i++) kept += m[i];
  }
  return { pruned: prunable - kept, prunable, sparsity: prunable === 0 ? 0 : (prunable - kept) / prunable };
}

/** How many weights a target sparsity removes out of `count`: rounded, so the level is met exactly. */
export function prunedCount(count: number, sparsity: number): number {
  return Math.round(count * sparsity);
}

function checkSparsity(sparsity: number): void {
  if (!(sparsity >= 0 && sparsity <= 1)) throw new RangeError(`sparsity must be in [0, 1], got ${sparsity}`);
}

/**
 * Masks that prune the smallest-magnitude weights until `sparsity` of the prunable weights
 * (of all of them, or of each variable) are zero. Weights already pruned in `from` stay
 * pruned; ties break by position, so the result is deterministic.
 */
export function magnitudeMasks(model: Model, sparsity: number, scope: PruningScope, from: WeightMasks = denseMasks(model)): WeightMasks {
  checkSparsity(sparsity);
  const masks = from.map((m) => (m ? Float32Array.from(m) : null));
  const values = model.variables.map((v, k) => (masks[k] ? (v.dataSync() as Float32Array) : null));
  // Prunes `target - alreadyPruned` of the alive weights of `group`, smallest |w| first, ties
  // in (variable, index) order: a native sort of the magnitudes finds the threshold.
  const pruneSmallest = (group: number[], target: number) => {
    let alive = 0;
    for (const k of group) for (let i = 0; i < masks[k]!.length; i++) alive += masks[k]![i];
    const total = group.reduce((s, k) => s + masks[k]!.length, 0);
    const extra = target - (total - alive);
    if (extra < 0) throw new RangeError(`cannot reach sparsity ${sparsity}: ${total - alive} weights are already pruned, the target is ${target}`);
    if (extra === 0) return;
    const magnitudes = new Float32Array(alive);
    let n = 0;
    for (const k of group) for (let i = 0; i < masks[k]!.length; i++) if (masks[k]![i] === 1) magnitudes[n++] = Math.abs(values[k]![i]);
    magnitudes.sort();
    const threshold = magnitudes[extra - 1];
    let below = 0;
    for (let j = 0; j < extra; j++) if (magnitudes[j] < threshold) below++;
    let tiesToPrune = extra - below;
    for (const k of group) {
      const m = masks[k]!;
      const w = values[k]!;
      for (let i = 0; i < m.length; i++) {
        if (m[i] !== 1) continue;
        const a = Math.fround(Math.abs(w[i]));
        if (a < threshold) m[i] = 0;
        else if (a === threshold && tiesToPrune > 0) {
          m[i] = 0;
          tiesToPrune--;
        }
      }
    }
  };
  const prunable = masks.map((m, k) => (m ? k : -1)).filter((k) => k >= 0);
  if (scope === 'global') pruneSmallest(prunable, prunedCount(prunable.reduce((s, k) => s + masks[k]!.length, 0), sparsity));
  else for (const k of prunable) pruneSmallest([k], prunedCount(masks[k]!.length, sparsity));
  return masks;
}

/** Zeroes the pruned weights in place (call after every optimizer step while fine-tuning). */
export function applyMasks(model: Model, masks: WeightMasks): void {
  tf.tidy(() => {
    model.variables.forEach((v, k) => {
      const m = masks[k];
      if (m) v.assign(tf.mul(v, tf.tensor(m, v.shape)));
    });
  });
}

/** Wraps an update rule so that pruned weights are zeroed again after every step. */
export class MaskedRule implements UpdateRule {
  readonly name: string;
  constructor(private readonly inner: UpdateRule, private readonly masks: WeightMasks) {
    this.name = `${inner.name}+mask`;
  }
  step(model: Model, batch: IndexedBatch, epoch: number): number {
    const loss = this.inner.step(model, batch, epoch);
    applyMasks(model, this.masks);
    return loss;
  }
}

/** A copy of every weight, for rewinding. */
export function weightSnapshot(model: Model): Float32Array[] {
  return model.variables.map((v) => (v.dataSync() as Float32Array).slice());
}

export function restoreWeights(model: Model, snapshot: readonly Float32Array[]): void {
  tf.tidy(() => model.variables.forEach((v, k) => v.assign(tf.tensor(snapshot[k], v.shape))));
}

/** Sparsities of iterative pruning: each round removes `rate` of the surviving weights. */
export function geometricSchedule(rounds: number, rate: number): number[] {
  if (!(rate > 0 && rate < 1)) throw new RangeError(`per-round pruning rate must be in (0, 1), got ${rate}`);
  return Array.from({ length: rounds }, (_, r) => 1 - (1 - rate) ** (r + 1));
}

export interface PruneRound {
  readonly round: number;
  readonly targetSparsity: number;
  readonly sparsity: number;
  readonly score: number;
}

export interface IterativePruningOptions {
  /** Increasing target sparsities, one per round. */
  readonly schedule: readonly number[];
  readonly scope: PruningScope;
  /** Weights the survivors are reset to before each retraining (e.g. after epoch 1). */
  readonly rewindTo: readonly Float32Array[];
  /** Retrains in place; must keep the masks applied (see `applyMasks`). */
  readonly retrain: (model: Model, masks: WeightMasks) => void;
  readonly evaluate: (model: Model) => number;
  /** Called after each round with its masks (e.g. to save per-sample predictions). */
  readonly onRound?: (round: PruneRound, masks: WeightMasks) => void;
}

/**
 * Iterative magnitude pruning with rewinding: prune the trained model to the next sparsity
 * of the schedule (among the survivors), rewind the survivors, retrain, repeat. The model
 * is left at the last round's trained, pruned weights; returns the rounds and final masks.
 */
export function iterativePruning(model: Model, options: IterativePruningOptions): { rounds: PruneRound[]; masks: WeightMasks } {
  let masks = denseMasks(model);
  const rounds: PruneRound[] = [];
  options.schedule.forEach((target, r) => {
    if (r > 0 && target < options.schedule[r - 1]) throw new RangeError(`the pruning schedule must not decrease (round ${r}: ${target} after ${options.schedule[r - 1]})`);
    masks = magnitudeMasks(model, target, options.scope, masks);
    restoreWeights(model, options.rewindTo);
    applyMasks(model, masks);
    options.retrain(model, masks);
    applyMasks(model, masks);
    const round = { round: r + 1, targetSparsity: target, sparsity: maskSparsity(masks).sparsity, score: options.evaluate(model) };
    rounds.push(round);
    options.onRound?.(round, masks);
  });
  return { rounds, masks };
}
