/**
 * Gradient rules: what a training step steps along, when it is not the plain batch
 * gradient. Each rule returns a gradient per variable; an optimizer (SGD or Adam) applies
 * it, so every rule combines with either.
 * - SAM (Foret et al.): the gradient at w + rho g / ||g||, g the gradient at w;
 * - SAF (Du et al.): the gradient of the loss plus lambda * KL(softmax(z_past / tau) ||
 *   softmax(z_now / tau)), averaged over the batch, z_past the outputs recorded for the same
 *   training example `lag` epochs earlier (none yet: the plain loss);
 * - winsorized (Chatterjee & Zielinski 2022): each coordinate of the per-example gradients
 *   clipped to its (c+1)-th smallest and largest value over the batch, then averaged (a
 *   batch too small for c uses the largest level it allows);
 * - M3: the coordinate-wise median of the gradients of the batch's three thirds (a batch of
 *   fewer than 3 examples: the plain gradient); RM3: the median of this step's gradient and
 *   the previous two steps' (plain until two exist) (Zielinski, Krishnan & Chatterjee 2020).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../models/model.ts';

export type GradientRuleConfig =
  | { readonly kind: 'sam'; readonly rho: number }
  | { readonly kind: 'saf'; readonly coefficient: number; readonly temperature: number; readonly lag: number }
  | { readonly kind: 'winsorized'; readonly c: number }
  | { readonly kind: 'm3' }
  | { readonly kind: 'rm3' };

export const GRADIENT_RULES = ['sam', 'saf', 'winsorized', 'm3', 'rm3'] as const;

/** A batch with each example's row in the training split (SAF keys its memory on it). */
export interface RuleBatch {
  readonly x: tf.Tensor;
  readonly y: tf.Tensor1D;
  readonly indices: Int32Array;
}

export type LossFn = (logits: tf.Tensor2D, labels: tf.Tensor1D) => tf.Scalar;

/** Per-example gradients `[n, size]`, one tensor per variable (a faster path for a model may be given). */
export type PerExampleGradients = (model: Model, batch: RuleBatch) => tf.Tensor2D[];

export interface RuleContext {
  readonly lossOf: LossFn;
  /** Dropout on in the rule's forward passes. */
  readonly training: boolean;
  readonly perExample?: PerExampleGradients;
}

export interface GradientRule {
  readonly name: string;
  /** The batch loss at the current weights and the gradient to step along (owned by the caller). */
  gradient(model: Model, batch: RuleBatch, epoch: number): { loss: number; grads: tf.Tensor[] };
  dispose(): void;
}

/** Loss and per-variable gradient of `lossOf` on (x, y); variables the loss ignores get zeros. */
export function plainGradient(model: Model, x: tf.Tensor, y: tf.Tensor1D, context: Pick<RuleContext, 'lossOf' | 'training'>): { loss: number; grads: tf.Tensor[] } {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => context.lossOf(model.logits(x, context.training), y), model.variables as tf.Variable[]);
    return { loss: value.dataSync()[0], grads: model.variables.map((v) => grads[v.name] ?? tf.zerosLike(v)) };
  });
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

/** Element-wise median of three same-shaped tensors: max(min(a,b), min(max(a,b), c)). */
export function medianOfThree(a: tf.Tensor, b: tf.Tensor, c: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.maximum(tf.minimum(a, b), tf.minimum(tf.maximum(a, b), c)));
}

/** KL(p || q) per row, with p = softmax(past / tau) and q = softmax(now / tau). */
export function softenedKl(pastLogits: tf.Tensor2D, nowLogits: tf.Tensor2D, temperature: number): tf.Tensor1D {
  return tf.tidy(() => {
    const logP = tf.logSoftmax(tf.div(pastLogits, temperature));
    const logQ = tf.logSoftmax(tf.div(nowLogits, temperature));
    return tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), 1) as tf.Tensor1D;
  });
}

/** Per-example gradients by one backward pass per example (any model). */
export function loopedExampleGradients(model: Model, batch: RuleBatch, context: Pick<RuleContext, 'lossOf' | 'training'>): tf.Tensor2D[] {
  const n = batch.y.shape[0];
  const rows: Float32Array[][] = model.variables.map(() => []);
  for (let i = 0; i < n; i++) {
    const { grads } = tf.tidy(() => plainGradient(model, tf.slice(batch.x, i, 1), tf.slice(batch.y, i, 1), context));
    grads.forEach((g, v) => rows[v].push(g.dataSync() as Float32Array));
    tf.dispose(grads);
  }
  return model.variables.map((v, k) => {
    const flat = new Float32Array(n * v.size);
    rows[k].forEach((g, i) => flat.set(g, i * v.size));
    return tf.tensor2d(flat, [n, v.size]);
  });
}

class Sam implements GradientRule {
  readonly name: string;
  constructor(private readonly rho: number, private readonly context: RuleContext) {
    if (!(rho >= 0) || !Number.isFinite(rho)) throw new RangeError(`SAM radius rho must be a non-negative number, got ${rho}`);
    this.name = `sam-rho${rho}`;
  }
  gradient(model: Model, batch: RuleBatch): { loss: number; grads: tf.Tensor[] } {
    const first = plainGradient(model, batch.x, batch.y, this.context);
    const norm = tf.tidy(() => Math.sqrt(tf.addN(first.grads.map((g) => tf.sum(tf.square(g)))).dataSync()[0]));
    if (this.rho === 0 || norm === 0) return first;
    // Climb to the first-order worst point of the rho-ball, take the gradient there, come back exactly.
    const saved = model.variables.map((v) => tf.keep(tf.clone(v)));
    try {
      tf.tidy(() => model.variables.forEach((v, k) => v.assign(tf.add(v, tf.mul(first.grads[k], this.rho / norm)))));
      const second = plainGradient(model, batch.x, batch.y, this.context);
      return { loss: first.loss, grads: second.grads };
    } finally {
      model.variables.forEach((v, k) => v.assign(saved[k]));
      tf.dispose([...saved, ...first.grads]);
    }
  }
  dispose(): void {}
}

class Saf implements GradientRule {
  readonly name = 'saf';
  /** epoch -> example row -> logits recorded while training in that epoch. */
  private readonly memory = new Map<number, Map<number, Float32Array>>();
  constructor(private readonly options: Extract<GradientRuleConfig, { kind: 'saf' }>, private readonly context: RuleContext) {
    const { coefficient, temperature, lag } = options;
    if (!(coefficient >= 0) || !(temperature > 0) || !Number.isInteger(lag) || lag < 1) {
      throw new RangeError(`SAF needs coefficient >= 0, temperature > 0 and an integer lag >= 1; got ${coefficient}, ${temperature}, ${lag}`);
    }
  }

  gradient(model: Model, batch: RuleBatch, epoch: number): { loss: number; grads: tf.Tensor[] } {
    const past = this.memory.get(epoch - this.options.lag);
    const withPast = Array.from(batch.indices, (index, row) => ({ row, logits: past?.get(index) })).filter(
      (r): r is { row: number; logits: Float32Array } => r.logits !== undefined,
    );
    let recorded: Float32Array | null = null;
    const result = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const logits = model.logits(batch.x, this.context.training);
        recorded = logits.dataSync().slice() as Float32Array;
        let total = this.context.lossOf(logits, batch.y);
        if (withPast.length > 0 && this.options.coefficient > 0) {
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
    this.record(epoch, batch.indices, recorded!);
    return result;
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

  dispose(): void {
    this.memory.clear();
  }
}

class Winsorized implements GradientRule {
  readonly name: string;
  constructor(private readonly c: number, private readonly context: RuleContext) {
    if (!Number.isInteger(c) || c < 0) throw new RangeError(`winsorization level c must be a non-negative integer, got ${c}`);
    this.name = `winsorized-c${c}`;
  }
  gradient(model: Model, batch: RuleBatch): { loss: number; grads: tf.Tensor[] } {
    const n = batch.y.shape[0];
    const loss = tf.tidy(() => this.context.lossOf(model.logits(batch.x, false), batch.y).dataSync()[0]);
    const stacked = (this.context.perExample ?? ((m, b) => loopedExampleGradients(m, b, this.context)))(model, batch);
    const level = Math.min(this.c, Math.floor((n - 1) / 2));
    const grads = stacked.map((g, k) => tf.tidy(() => tf.reshape(winsorizedMean(g, level), model.variables[k].shape)));
    tf.dispose(stacked);
    return { loss, grads };
  }
  dispose(): void {}
}

class M3 implements GradientRule {
  readonly name = 'm3';
  constructor(private readonly context: RuleContext) {}
  gradient(model: Model, batch: RuleBatch): { loss: number; grads: tf.Tensor[] } {
    const n = batch.y.shape[0];
    if (n < 3) return plainGradient(model, batch.x, batch.y, this.context);
    const cut = [0, Math.floor(n / 3), Math.floor((2 * n) / 3), n];
    let loss = 0;
    const groups = [0, 1, 2].map((g) => {
      const size = cut[g + 1] - cut[g];
      const x = tf.slice(batch.x, cut[g], size);
      const y = tf.slice(batch.y, cut[g], size);
      const r = plainGradient(model, x, y, this.context);
      tf.dispose([x, y]);
      loss += (r.loss * size) / n;
      return r.grads;
    });
    const grads = model.variables.map((_, k) => medianOfThree(groups[0][k], groups[1][k], groups[2][k]));
    tf.dispose(groups.flat());
    return { loss, grads };
  }
  dispose(): void {}
}

class Rm3 implements GradientRule {
  readonly name = 'rm3';
  private history: tf.Tensor[][] = [];
  constructor(private readonly context: RuleContext) {}
  gradient(model: Model, batch: RuleBatch): { loss: number; grads: tf.Tensor[] } {
    const { loss, grads } = plainGradient(model, batch.x, batch.y, this.context);
    const kept = grads.map((g) => tf.keep(g));
    const out = this.history.length < 2 ? kept.map((g) => tf.clone(g)) : model.variables.map((_, k) => medianOfThree(this.history[0][k], this.history[1][k], kept[k]));
    this.history.push(kept);
    if (this.history.length > 2) tf.dispose(this.history.shift()!);
    return { loss, grads: out };
  }
  dispose(): void {
    this.history.forEach((h) => tf.dispose(h));
    this.history = [];
  }
}

export function createGradientRule(config: GradientRuleConfig, context: RuleContext): GradientRule {
  switch (config.kind) {
    case 'sam':
      return new Sam(config.rho, context);
    case 'saf':
      return new Saf(config, context);
    case 'winsorized':
      return new Winsorized(config.c, context);
    case 'm3':
      return new M3(context);
    case 'rm3':
      return new Rm3(context);
  }
}
