/**
 * m-coherence of per-example gradients (Chatterjee & Zielinski 2022):
 *   alpha_m = ||sum_i g_i||^2 / sum_i ||g_i||^2,
 * which is 1 when the m gradients are pairwise orthogonal and m when they are identical.
 * High coherence means the examples pull the weights the same way; memorizing random
 * labels shows low coherence. It is a diagnostic, not a guarantee of generalization.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../gssnn/models/model.ts';
import { DenseStack } from './denseStack.ts';
import type { LabelledBatch } from './loss.ts';
import { denseLayerSignals, forEachExampleGradient } from './perExample.ts';

export interface CoherenceResult {
  /** Number of examples m. */
  readonly m: number;
  /** Whole-model m-coherence. */
  readonly alpha: number;
  /** m-coherence of each variable's gradient, in `model.variables` order. */
  readonly perVariable: number[];
  readonly variableNames: string[];
  /** Per variable: ||sum_i g_i||^2 and sum_i ||g_i||^2 (for regrouping, e.g. by layer). */
  readonly totals: { readonly normOfSumSq: number[]; readonly sumOfNormSq: number[] };
}

/** Streams gradients in, keeping only their running sum and squared norms: O(parameters). */
export class CoherenceAccumulator {
  private readonly sums: Float64Array[];
  private readonly squaredNorms: Float64Array;
  private count = 0;

  constructor(private readonly sizes: readonly number[], private readonly names: readonly string[] = sizes.map((_, i) => `v${i}`)) {
    this.sums = sizes.map((s) => new Float64Array(s));
    this.squaredNorms = new Float64Array(sizes.length);
  }

  /** Adds one example's gradient, given per variable. */
  add(grads: readonly ArrayLike<number>[]): void {
    if (grads.length !== this.sizes.length) throw new RangeError(`expected ${this.sizes.length} gradient parts, got ${grads.length}`);
    grads.forEach((g, v) => {
      const sum = this.sums[v];
      let sq = 0;
      for (let j = 0; j < g.length; j++) {
        sum[j] += g[j];
        sq += g[j] * g[j];
      }
      this.squaredNorms[v] += sq;
    });
    this.count++;
  }

  result(): CoherenceResult {
    const sumSq = this.sums.map((s) => s.reduce((acc, x) => acc + x * x, 0));
    return coherenceFromTotals(this.count, sumSq, Array.from(this.squaredNorms), this.names);
  }
}

/** alpha from per-variable ||sum g||^2 and sum ||g||^2. */
export function coherenceFromTotals(m: number, normOfSumSq: readonly number[], sumOfNormSq: readonly number[], names: readonly string[]): CoherenceResult {
  const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
  const top = normOfSumSq.reduce((a, b) => a + b, 0);
  const bottom = sumOfNormSq.reduce((a, b) => a + b, 0);
  return {
    m,
    alpha: ratio(top, bottom),
    perVariable: normOfSumSq.map((s, v) => ratio(s, sumOfNormSq[v])),
    variableNames: [...names],
    totals: { normOfSumSq: [...normOfSumSq], sumOfNormSq: [...sumOfNormSq] },
  };
}

/**
 * The layer a weight belongs to: its name without the part naming the tensor (`.weight`,
 * `.bias`, a norm's `.gain`/`.shift`, an adopted index `.0`), or `layer<l>` for a dense
 * stack's `..._k<l>`/`..._b<l>`.
 */
export function layerOf(name: string): string {
  const stack = /_[kb](\d+)$/.exec(name);
  if (stack) return `layer${stack[1]}`;
  return name.replace(/\.(weight|bias|gain|shift|\d+)$/, '');
}

/** m-coherence per layer (the variables of a layer pooled), in order of first appearance. */
export function coherencePerLayer(result: CoherenceResult): { layer: string; alpha: number }[] {
  const order: string[] = [];
  const top = new Map<string, number>();
  const bottom = new Map<string, number>();
  result.variableNames.forEach((name, v) => {
    const layer = layerOf(name);
    if (!top.has(layer)) order.push(layer);
    top.set(layer, (top.get(layer) ?? 0) + result.totals.normOfSumSq[v]);
    bottom.set(layer, (bottom.get(layer) ?? 0) + result.totals.sumOfNormSq[v]);
  });
  return order.map((layer) => ({ layer, alpha: bottom.get(layer)! > 0 ? top.get(layer)! / bottom.get(layer)! : Number.NaN }));
}

/** Reference path for any model: one backward pass per example (`names`: the weights' names, default tfjs's). */
export function coherenceByLoop(model: Model, batch: LabelledBatch, names: readonly string[] = model.variables.map((v) => v.name)): CoherenceResult {
  const acc = new CoherenceAccumulator(model.variables.map((v) => v.size), names);
  forEachExampleGradient(model, batch, (_, grads) => acc.add(grads));
  return acc.result();
}

/**
 * Cheap path for dense layers: with layer inputs a_i and output gradients delta_i from one
 * batched backward pass, ||g_i(W)||^2 = ||a_i||^2 ||delta_i||^2 and sum_i g_i(W) = A^T Delta.
 */
export function coherenceDense(stack: DenseStack, batch: LabelledBatch): CoherenceResult {
  const totals = tf.tidy(() => {
    const { inputs, deltas } = denseLayerSignals(stack, batch);
    const normOfSum: tf.Scalar[] = [];
    const sumOfNorm: tf.Scalar[] = [];
    stack.layers.forEach((_, l) => {
      const a = inputs[l];
      const d = deltas[l];
      const deltaSq = tf.sum(tf.square(d), 1);
      normOfSum.push(tf.sum(tf.square(tf.matMul(a, d, true, false))));
      sumOfNorm.push(tf.sum(tf.mul(tf.sum(tf.square(a), 1), deltaSq)));
      normOfSum.push(tf.sum(tf.square(tf.sum(d, 0))));
      sumOfNorm.push(tf.sum(deltaSq));
    });
    return { normOfSum: tf.stack(normOfSum).dataSync(), sumOfNorm: tf.stack(sumOfNorm).dataSync() };
  });
  return coherenceFromTotals(batch.y.shape[0], Array.from(totals.normOfSum), Array.from(totals.sumOfNorm), stack.variables.map((v) => v.name));
}

/** Picks the dense fast path when the model exposes its layers, the loop otherwise. */
export function mCoherence(model: Model, batch: LabelledBatch): CoherenceResult {
  if (model instanceof DenseStack) return coherenceDense(model, batch);
  return coherenceByLoop(model, batch);
}

export interface CoherencePoint {
  readonly step: number;
  readonly epoch: number;
  readonly alpha: number;
  readonly perVariable: number[];
}

/**
 * Tracks m-coherence on one fixed sample through training. Call `measure` from a trainer's
 * per-step or per-epoch callback; the sample never changes, so points are comparable.
 */
export class CoherenceTracker {
  readonly history: CoherencePoint[] = [];

  constructor(private readonly sample: LabelledBatch, private readonly every = 1) {}

  measure(model: Model, step: number, epoch: number): CoherencePoint | null {
    if (step % this.every !== 0) return null;
    const r = mCoherence(model, this.sample);
    const point = { step, epoch, alpha: r.alpha, perVariable: r.perVariable };
    this.history.push(point);
    return point;
  }
}
