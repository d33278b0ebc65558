/**
 * Update rules that suppress weak gradient directions or seek flat minima:
 * - winsorized GD (Chatterjee & Zielinski 2022): each coordinate of the per-example
 *   gradients is clipped to the (c+1)-th smallest / largest value over the batch before
 *   averaging; c = 0 clips nothing and is plain SGD;
 * - M3: the batch is split into 3 groups and the coordinate-wise median of the 3 group
 *   gradients is used; RM3: the median of this step's gradient and the previous two
 *   steps' gradients (Zielinski, Krishnan & Chatterjee 2020);
 * - SAM (Foret et al.): the gradient at w + rho g/||g||;
 * - SAF (Du et al.): cross-entropy plus lambda * KL(softmax(z_past/tau) || softmax(z_now/tau)),
 *   z_past being the outputs recorded for the same example `lag` epochs ago.
 * All of them take plain SGD steps w <- w - lr * update.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../gssnn/model.ts';
import { type Batch, meanCrossEntropy, variableGradients } from './loss.ts';
import { stackedExampleGradients } from './perExample.ts';

/** A batch with the training-set index of each example (SAF keys its memory on it). */
export interface IndexedBatch extends Batch {
  readonly indices: Int32Array;
}

export interface UpdateRule {
  readonly name: string;
  /** One optimizer step on `batch`; returns the batch loss before the step. */
  step(model: Model, batch: IndexedBatch, epoch: number): number;
}

function applyUpdate(model: Model, update: readonly tf.Tensor[], lr: number): void {
  tf.tidy(() => model.variables.forEach((v, k) => v.assign(tf.sub(v, tf.mul(update[k], lr)))));
}

export class Sgd implements UpdateRule {
  readonly name = 'sgd';
  constructor(readonly lr: number) {}
  step(model: Model, batch: IndexedBatch): number {
    const { loss, grads } = variableGradients(model, batch, true);
    applyUpdate(model, grads, this.lr);
    tf.dispose(grads);
    return loss;
  }
}

/**
 * Coordinate-wise winsorized mean of per-example gradients `[n, size]`: each column is
 * clipped to its (c+1)-th smallest and (c+1)-th largest entries, then averaged. Sorting
 * each short column in JavaScript is far faster here than tf.topk on cpu or wasm.
 */
export function winsorizedMean(perExample: tf.Tensor2D, c: number): tf.Tensor1D {
  const [n, size] = perExample.shape;
  if (!Number.isInteger(c) || c < 0 || 2 * c >= n) throw new RangeError(`winsorization level c=${c} needs 0 <= c and 2c < batch size ${n}`);
  if (c === 0) return tf.tidy(() => tf.mean(perExample, 0) as tf.Tensor1D);
  const data = perExample.dataSync();
  const out = new Float32Array(size);
  // The c+1 smallest (ascending) and c+1 largest (descending) of a column, by insertion:
  // O(n c) per column, much cheaper than sorting for the small c used in practice.
  const low = new Float64Array(c + 1);
  const high = new Float64Array(c + 1);
  for (let j = 0; j < size; j++) {
    low.fill(Infinity);
    high.fill(-Infinity);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const x = data[i * size + j];
      sum += x;
      if (x < low[c]) {
        let k = c;
        while (k > 0 && low[k - 1] > x) low[k] = low[--k];
        low[k] = x;
      }
      if (x > high[c]) {
        let k = c;
        while (k > 0 && high[k - 1] < x) high[k] = high[--k];
        high[k] = x;
      }
    }
    // Clipping moves only the c values beyond each threshold onto it.
    const lo = low[c];
    const hi = high[c];
    for (let k = 0; k < c; k++) sum += lo - low[k] + (hi - high[k]);
    out[j] = sum / n;
  }
  return tf.tensor1d(out);
}

export class WinsorizedGd implements UpdateRule {
  readonly name: string;
  constructor(readonly lr: number, readonly c: number) {
    this.name = `winsorized-c${c}`;
  }
  step(model: Model, batch: IndexedBatch): number {
    const loss = tf.tidy(() => meanCrossEntropy(model.logits(batch.x, false), batch.y).dataSync()[0]);
    const stacked = stackedExampleGradients(model, batch);
    const update = stacked.map((g, k) => tf.tidy(() => tf.reshape(winsorizedMean(g, this.c), model.variables[k].shape)));
    applyUpdate(model, update, this.lr);
    tf.dispose([...stacked, ...update]);
    return loss;
  }
}

/** Element-wise median of three same-shaped tensors: max(min(a,b), min(max(a,b), c)). */
export function medianOfThree(a: tf.Tensor, b: tf.Tensor, c: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.maximum(tf.minimum(a, b), tf.minimum(tf.maximum(a, b), c)));
}

function sliceBatch(batch: IndexedBatch, start: number, size: number): Batch {
  return { x: tf.slice(batch.x, start, size), y: tf.slice(batch.y, start, size) };
}

export class M3 implements UpdateRule {
  readonly name = 'm3';
  constructor(readonly lr: number) {}
  step(model: Model, batch: IndexedBatch): number {
    const n = batch.y.shape[0];
    if (n < 3) throw new RangeError(`M3 needs a batch of at least 3 examples, got ${n}`);
    const cut = [0, Math.floor(n / 3), Math.floor((2 * n) / 3), n];
    let loss = 0;
    const groups = [0, 1, 2].map((g) => {
      const part = sliceBatch(batch, cut[g], cut[g + 1] - cut[g]);
      const r = variableGradients(model, part, true);
      tf.dispose([part.x, part.y]);
      loss += (r.loss * (cut[g + 1] - cut[g])) / n;
      return r.grads;
    });
    const update = model.variables.map((_, k) => medianOfThree(groups[0][k], groups[1][k], groups[2][k]));
    applyUpdate(model, update, this.lr);
    tf.dispose([...groups.flat(), ...update]);
    return loss;
  }
}

export class Rm3 implements UpdateRule {
  readonly name = 'rm3';
  private history: tf.Tensor[][] = [];
  constructor(readonly lr: number) {}
  step(model: Model, batch: IndexedBatch): number {
    const { loss, grads } = variableGradients(model, batch, true);
    const kept = grads.map((g) => tf.keep(g));
    // Until two earlier gradients exist, the step is plain SGD.
    const update =
      this.history.length < 2 ? kept : model.variables.map((_, k) => medianOfThree(this.history[0][k], this.history[1][k], kept[k]));
    applyUpdate(model, update, this.lr);
    if (update !== kept) tf.dispose(update);
    this.history.push(kept);
    if (this.history.length > 2) tf.dispose(this.history.shift()!);
    return loss;
  }
  dispose(): void {
    this.history.forEach((h) => tf.dispose(h));
    this.history = [];
  }
}

export class Sam implements UpdateRule {
  readonly name: string;
  constructor(readonly lr: number, readonly rho: number) {
    this.name = `sam-rho${rho}`;
  }
  step(model: Model, batch: IndexedBatch): number {
    const first = variableGradients(model, batch, true);
    const gradNorm = tf.tidy(() => Math.sqrt(tf.addN(first.grads.map((g) => tf.sum(tf.square(g)))).dataSync()[0]));
    const scale = this.rho / (gradNorm + 1e-12);
    // Climb to the worst point of the rho-ball (first order), take its gradient, come back.
    const epsilon = first.grads.map((g) => tf.keep(tf.mul(g, scale)));
    tf.tidy(() => model.variables.forEach((v, k) => v.assign(tf.add(v, epsilon[k]))));
    const second = variableGradients(model, batch, true);
    tf.tidy(() => model.variables.forEach((v, k) => v.assign(tf.sub(v, epsilon[k]))));
    applyUpdate(model, second.grads, this.lr);
    tf.dispose([...first.grads, ...epsilon, ...second.grads]);
    return first.loss;
  }
}

export interface SafOptions {
  readonly lr: number;
  /** Coefficient lambda of the trajectory loss. */
  readonly coefficient: number;
  /** Softmax temperature tau. */
  readonly temperature: number;
  /** E: compare with the outputs recorded this many epochs earlier. */
  readonly lag: number;
}

/** KL(p || q) per row, with p = softmax(past / tau) and q = softmax(now / tau). */
export function softenedKl(pastLogits: tf.Tensor2D, nowLogits: tf.Tensor2D, temperature: number): tf.Tensor1D {
  return tf.tidy(() => {
    const logP = tf.logSoftmax(tf.div(pastLogits, temperature));
    const logQ = tf.logSoftmax(tf.div(nowLogits, temperature));
    return tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), 1) as tf.Tensor1D;
  });
}

export class Saf implements UpdateRule {
  readonly name = 'saf';
  /** epoch -> example index -> logits recorded while training in that epoch. */
  private readonly memory = new Map<number, Map<number, Float32Array>>();
  constructor(readonly options: SafOptions) {}

  step(model: Model, batch: IndexedBatch, epoch: number): number {
    const past = this.memory.get(epoch - this.options.lag);
    const rows = Array.from(batch.indices, (index, row) => ({ row, logits: past?.get(index) }));
    const withPast = rows.filter((r): r is { row: number; logits: Float32Array } => r.logits !== undefined);
    let recorded: Float32Array | null = null;
    const { loss, grads } = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const logits = model.logits(batch.x, true);
        recorded = logits.dataSync().slice() as Float32Array;
        let total = meanCrossEntropy(logits, batch.y);
        if (withPast.length > 0) {
          const classes = logits.shape[1];
          const pastLogits = tf.tensor2d(Float32Array.from(withPast.flatMap((r) => Array.from(r.logits))), [withPast.length, classes]);
          const now = tf.gather(logits, withPast.map((r) => r.row)) as tf.Tensor2D;
          // Averaged over the whole batch, as the trajectory loss is in SAF.
          const kl = tf.div(tf.sum(softenedKl(pastLogits, now, this.options.temperature)), batch.y.shape[0]);
          total = tf.add(total, tf.mul(kl, this.options.coefficient)) as tf.Scalar;
        }
        return total;
      }, model.variables as tf.Variable[]);
      return { loss: value.dataSync()[0], grads: model.variables.map((v) => grads[v.name] ?? tf.zerosLike(v)) };
    });
    applyUpdate(model, grads, this.options.lr);
    tf.dispose(grads);
    this.record(epoch, batch.indices, recorded!);
    return loss;
  }

  private record(epoch: number, indices: Int32Array, logits: Float32Array): void {
    let store = this.memory.get(epoch);
    if (!store) {
      store = new Map();
      this.memory.set(epoch, store);
      // Only the last `lag` epochs are ever looked up again.
      for (const old of this.memory.keys()) if (old < epoch - this.options.lag) this.memory.delete(old);
    }
    const classes = logits.length / indices.length;
    indices.forEach((index, row) => store!.set(index, logits.slice(row * classes, (row + 1) * classes)));
  }
}
