/**
 * Dead ReLU units and pruning. The dynamic dead-neuron rate (DNR, Liu et al., "AP:
 * Selective Activation for De-sparsifying Pruned Neural Networks") is the fraction of
 * (example, unit) pairs whose ReLU output is zero on a probe set: it moves during training,
 * hence "dynamic". Units that are zero on every probe example are reported separately.
 *
 * Pruning: magnitude pruning of the dense kernels with weight rewinding (train, prune the
 * smallest remaining weights, reset the survivors to their values at the rewind point,
 * retrain). The AP step, our reading of the paper's "activate while pruning": in each ReLU
 * layer, among units dead more often than the layer's median, prune the extra remaining
 * incoming weights whose mean contribution (E[input] * weight) is most negative, which
 * raises those units' pre-activations and so lowers the DNR.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DenseStack } from './denseStack.ts';
import type { LabelledBatch } from './loss.ts';

export interface LayerDnr {
  readonly layer: number;
  readonly units: number;
  /** Fraction of (example, unit) outputs that are exactly zero. */
  readonly dynamicRate: number;
  /** Fraction of units that are zero on every probe example. */
  readonly deadUnitRate: number;
  /** Per unit: fraction of probe examples on which it outputs zero. */
  readonly unitDeadFrequency: Float32Array;
}

export interface DnrReport {
  readonly layers: LayerDnr[];
  /** Over all ReLU layers, weighted by units. */
  readonly dynamicRate: number;
}

export function deadNeuronRates(stack: DenseStack, probe: LabelledBatch): DnrReport {
  const n = probe.y.shape[0];
  const layers = tf.tidy(() => {
    const trace = stack.trace(probe.x);
    return stack.layers
      .map((layer, l) => ({ layer, l }))
      .filter(({ layer }) => layer.activation === 'relu')
      .map(({ l }) => {
        const zero = tf.cast(tf.lessEqual(trace.preActivations[l], 0), 'float32');
        const frequency = tf.mean(zero, 0).dataSync() as Float32Array;
        const units = frequency.length;
        const dynamicRate = frequency.reduce((s, f) => s + f, 0) / units;
        const deadUnitRate = frequency.filter((f) => f === 1).length / units;
        return { layer: l, units, dynamicRate, deadUnitRate, unitDeadFrequency: Float32Array.from(frequency) };
      });
  });
  const totalUnits = layers.reduce((s, l) => s + l.units, 0);
  if (n === 0) throw new RangeError('deadNeuronRates: the probe set is empty');
  return { layers, dynamicRate: layers.reduce((s, l) => s + l.dynamicRate * l.units, 0) / Math.max(1, totalUnits) };
}

/** Records the DNR on a fixed probe set from a trainer callback. */
export class DnrTracker {
  readonly history: { step: number; epoch: number; dynamicRate: number; perLayer: number[] }[] = [];
  constructor(private readonly probe: LabelledBatch) {}
  measure(stack: DenseStack, step: number, epoch: number): void {
    const r = deadNeuronRates(stack, this.probe);
    this.history.push({ step, epoch, dynamicRate: r.dynamicRate, perLayer: r.layers.map((l) => l.dynamicRate) });
  }
}

/** 0/1 masks over each layer's kernel (biases are never pruned). */
export type KernelMasks = Float32Array[];

export function fullMasks(stack: DenseStack): KernelMasks {
  return stack.layers.map((layer) => new Float32Array(layer.weight.size).fill(1));
}

export function sparsity(masks: KernelMasks): number {
  const total = masks.reduce((s, m) => s + m.length, 0);
  const kept = masks.reduce((s, m) => s + m.reduce((a, b) => a + b, 0), 0);
  return 1 - kept / total;
}

/** Zeroes the pruned kernel entries (call after every optimizer step). */
export function applyKernelMasks(stack: DenseStack, masks: KernelMasks): void {
  tf.tidy(() => stack.layers.forEach((layer, l) => layer.weight.assign(tf.mul(layer.weight, tf.tensor(masks[l], layer.weight.shape)))));
}

/** Layer-wise magnitude pruning: removes `rate` of each layer's remaining kernel weights. */
export function magnitudePrune(stack: DenseStack, masks: KernelMasks, rate: number): KernelMasks {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`pruning rate must be in [0, 1), got ${rate}`);
  return stack.layers.map((layer, l) => {
    const w = layer.weight.dataSync();
    const mask = Float32Array.from(masks[l]);
    const alive = Array.from(mask.keys()).filter((i) => mask[i] === 1);
    const remove = Math.floor(alive.length * rate);
    alive.sort((a, b) => Math.abs(w[a]) - Math.abs(w[b]) || a - b);
    for (let k = 0; k < remove; k++) mask[alive[k]] = 0;
    return mask;
  });
}

/**
 * The AP step: in each ReLU layer, for units dead more often than the layer's median unit,
 * prune up to `rate` of the layer's remaining weights, choosing the incoming weights with
 * the most negative mean contribution E[input_i] * w_ij.
 */
export function activatingPruneStep(stack: DenseStack, masks: KernelMasks, probe: LabelledBatch, rate: number): KernelMasks {
  const dnr = deadNeuronRates(stack, probe);
  const meanInputs = tf.tidy(() => stack.trace(probe.x).inputs.map((a) => tf.mean(a, 0).dataSync() as Float32Array));
  const out = masks.map((m) => Float32Array.from(m));
  for (const layerDnr of dnr.layers) {
    const l = layerDnr.layer;
    const [fanIn, fanOut] = stack.layers[l].weight.shape;
    const w = stack.layers[l].weight.dataSync();
    const freq = Array.from(layerDnr.unitDeadFrequency);
    const median = [...freq].sort((a, b) => a - b)[Math.floor(freq.length / 2)];
    const mask = out[l];
    const remaining = mask.reduce((s, x) => s + x, 0);
    const candidates: { index: number; contribution: number }[] = [];
    for (let j = 0; j < fanOut; j++) {
      if (freq[j] <= median) continue;
      for (let i = 0; i < fanIn; i++) {
        const index = i * fanOut + j;
        const contribution = meanInputs[l][i] * w[index];
        if (mask[index] === 1 && contribution < 0) candidates.push({ index, contribution });
      }
    }
    candidates.sort((a, b) => a.contribution - b.contribution);
    candidates.slice(0, Math.floor(remaining * rate)).forEach((c) => (mask[c.index] = 0));
  }
  return out;
}

/** Snapshot of all variables (for rewinding). */
export function snapshot(stack: DenseStack): Float32Array[] {
  return stack.variables.map((v) => (v.dataSync() as Float32Array).slice());
}

export function restore(stack: DenseStack, state: readonly Float32Array[]): void {
  tf.tidy(() => stack.variables.forEach((v, k) => v.assign(tf.tensor(state[k], v.shape))));
}

export interface PruningRound {
  readonly round: number;
  readonly sparsity: number;
  readonly dnrAfterTraining: number;
  readonly score: number;
}

export interface PruningOptions {
  readonly rounds: number;
  /** Fraction of remaining kernel weights removed by magnitude per round. */
  readonly rate: number;
  /** Extra fraction removed by the AP step per round (0 turns AP off). */
  readonly apRate: number;
  readonly probe: LabelledBatch;
  /** Trains the stack in place; must call `applyKernelMasks(stack, masks)` after each step. */
  readonly train: (stack: DenseStack, masks: KernelMasks) => void;
  /** Scores the trained stack (e.g. test accuracy). */
  readonly evaluate: (stack: DenseStack) => number;
  /** Weights to rewind to (taken early in training); defaults to the weights on entry. */
  readonly rewindTo?: readonly Float32Array[];
}

/** Iterative magnitude pruning with rewinding, optionally with the AP step each round. */
export function pruneWithRewinding(stack: DenseStack, options: PruningOptions): PruningRound[] {
  const rewind = options.rewindTo ?? snapshot(stack);
  let masks = fullMasks(stack);
  const rounds: PruningRound[] = [];
  for (let round = 0; round <= options.rounds; round++) {
    restore(stack, rewind);
    applyKernelMasks(stack, masks);
    options.train(stack, masks);
    rounds.push({ round, sparsity: sparsity(masks), dnrAfterTraining: deadNeuronRates(stack, options.probe).dynamicRate, score: options.evaluate(stack) });
    if (round === options.rounds) break;
    masks = magnitudePrune(stack, masks, options.rate);
    if (options.apRate > 0) {
      applyKernelMasks(stack, masks);
      masks = activatingPruneStep(stack, masks, options.probe, options.apRate);
    }
  }
  return rounds;
}
