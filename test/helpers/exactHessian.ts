/**
 * An exact float64 reference for Hessian-vector products, independent of tfjs: the
 * toolkit's models re-written in plain loops over the scalars of a forward-over-reverse
 * tape. Every scalar carries a value and a tangent (its derivative along a direction v of
 * the weights); reverse mode over those dual numbers gives the gradient (values) and H v
 * (tangents) at once, in float64, with no step size anywhere.
 *
 * `referenceLoss(model, x, y)` builds the mean cross-entropy of a `DenseStack`, an
 * encoder-head model (`linear`, `mlp`) or a G-SSNN (either GINE update) over an MLP or ViT
 * encoder, reading the weights from the model by name; `exactHvp` and `exactTrace` run it.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { DenseStack } from '../../src/analysis/denseStack.ts';
import { sinCos2dGrid } from '../../src/gssnn/encoders/positional.ts';
import type { MlpEncoderConfig, VitEncoderConfig } from '../../src/gssnn/encoders/index.ts';
import { elementCode, planInjection, tilingIndex } from '../../src/gssnn/inject.ts';
import type { Model } from '../../src/gssnn/models/model.ts';
import type { ModelSpec } from '../../src/gssnn/models/index.ts';

/** A scalar on the tape: its index. */
type S = number;

/** Forward-over-reverse tape: every node has a dual value and at most two parents. */
export class DualTape {
  private size = 0;
  private capacity = 1 << 12;
  value = new Float64Array(this.capacity);
  tangent = new Float64Array(this.capacity);
  private parent1 = new Int32Array(this.capacity);
  private partial1 = new Float64Array(this.capacity);
  private partial1Tangent = new Float64Array(this.capacity);
  private parent2 = new Int32Array(this.capacity);
  private partial2 = new Float64Array(this.capacity);
  private partial2Tangent = new Float64Array(this.capacity);

  private grow(): void {
    this.capacity *= 2;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(this.capacity);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(this.capacity);
      b.set(a);
      return b;
    };
    this.value = f64(this.value);
    this.tangent = f64(this.tangent);
    this.parent1 = i32(this.parent1);
    this.partial1 = f64(this.partial1);
    this.partial1Tangent = f64(this.partial1Tangent);
    this.parent2 = i32(this.parent2);
    this.partial2 = f64(this.partial2);
    this.partial2Tangent = f64(this.partial2Tangent);
  }

  private node(value: number, tangent: number, p1 = -1, d1 = 0, t1 = 0, p2 = -1, d2 = 0, t2 = 0): S {
    if (this.size === this.capacity) this.grow();
    const i = this.size++;
    this.value[i] = value;
    this.tangent[i] = tangent;
    this.parent1[i] = p1;
    this.partial1[i] = d1;
    this.partial1Tangent[i] = t1;
    this.parent2[i] = p2;
    this.partial2[i] = d2;
    this.partial2Tangent[i] = t2;
    return i;
  }

  leaf(value: number, tangent = 0): S {
    return this.node(value, tangent);
  }

  /** y = f(a) with f'(a) = d and d/de f'(a + e t) = dd * t (dd = f''(a)). */
  private unary(a: S, y: number, d: number, dd: number): S {
    const t = this.tangent[a];
    return this.node(y, d * t, a, d, dd * t);
  }

  add(a: S, b: S): S {
    return this.node(this.value[a] + this.value[b], this.tangent[a] + this.tangent[b], a, 1, 0, b, 1, 0);
  }
  sub(a: S, b: S): S {
    return this.node(this.value[a] - this.value[b], this.tangent[a] - this.tangent[b], a, 1, 0, b, -1, 0);
  }
  mul(a: S, b: S): S {
    const [va, vb, ta, tb] = [this.value[a], this.value[b], this.tangent[a], this.tangent[b]];
    return this.node(va * vb, va * tb + ta * vb, a, vb, tb, b, va, ta);
  }
  div(a: S, b: S): S {
    const [va, vb, ta, tb] = [this.value[a], this.value[b], this.tangent[a], this.tangent[b]];
    const y = va / vb;
    // d/da = 1/b, d/db = -a/b^2; their tangents follow by the quotient rule.
    return this.node(y, ta / vb - (va * tb) / (vb * vb), a, 1 / vb, -tb / (vb * vb), b, -va / (vb * vb), -ta / (vb * vb) + (2 * va * tb) / (vb * vb * vb));
  }
  scale(a: S, c: number): S {
    return this.unary(a, c * this.value[a], c, 0);
  }
  shift(a: S, c: number): S {
    return this.unary(a, this.value[a] + c, 1, 0);
  }
  exp(a: S): S {
    const y = Math.exp(this.value[a]);
    return this.unary(a, y, y, y);
  }
  log(a: S): S {
    const x = this.value[a];
    return this.unary(a, Math.log(x), 1 / x, -1 / (x * x));
  }
  rsqrt(a: S): S {
    const x = this.value[a];
    return this.unary(a, x ** -0.5, -0.5 * x ** -1.5, 0.75 * x ** -2.5);
  }
  relu(a: S): S {
    const on = this.value[a] > 0 ? 1 : 0;
    return this.unary(a, on * this.value[a], on, 0);
  }
  erf(a: S): S {
    const x = this.value[a];
    const d = (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x);
    return this.unary(a, erf(x), d, -2 * x * d);
  }
  /** Exact GELU, x * Phi(x), as the toolkit's. */
  gelu(a: S): S {
    return this.mul(this.scale(a, 0.5), this.shift(this.erf(this.scale(a, Math.SQRT1_2)), 1));
  }

  sum(items: readonly S[]): S {
    let total = items[0];
    for (let i = 1; i < items.length; i++) total = this.add(total, items[i]);
    return total;
  }
  dot(a: readonly S[], b: readonly S[]): S {
    let total = this.mul(a[0], b[0]);
    for (let i = 1; i < a.length; i++) total = this.add(total, this.mul(a[i], b[i]));
    return total;
  }
  mean(items: readonly S[]): S {
    return this.scale(this.sum(items), 1 / items.length);
  }
  /** log sum exp, shifted by the largest value (a constant: the shift cancels exactly). */
  private largest(items: readonly S[]): number {
    let top = -Infinity;
    for (const s of items) top = Math.max(top, this.value[s]);
    return top;
  }
  logSumExp(items: readonly S[]): S {
    const top = this.largest(items);
    return this.shift(this.log(this.sum(items.map((s) => this.exp(this.shift(s, -top))))), top);
  }
  softmax(items: readonly S[]): S[] {
    const top = this.largest(items);
    const e = items.map((s) => this.exp(this.shift(s, -top)));
    const total = this.sum(e);
    return e.map((s) => this.div(s, total));
  }

  /** Reverse sweep from `output`: adjoint values (the gradient) and tangents (H v). */
  backward(output: S): { gradient: Float64Array; hvp: Float64Array } {
    const n = this.size;
    const adj = new Float64Array(n);
    const adjTangent = new Float64Array(n);
    adj[output] = 1;
    for (let i = n - 1; i >= 0; i--) {
      const a = adj[i];
      const at = adjTangent[i];
      if (a === 0 && at === 0) continue;
      const p1 = this.parent1[i];
      if (p1 >= 0) {
        adj[p1] += a * this.partial1[i];
        adjTangent[p1] += a * this.partial1Tangent[i] + at * this.partial1[i];
      }
      const p2 = this.parent2[i];
      if (p2 >= 0) {
        adj[p2] += a * this.partial2[i];
        adjTangent[p2] += a * this.partial2Tangent[i] + at * this.partial2[i];
      }
    }
    return { gradient: adj, hvp: adjTangent };
  }
}

/** erf in float64: Taylor series below 3, a continued fraction for erfc above (error < 1e-14). */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 3) {
    let term = a;
    let total = a;
    for (let n = 1; n < 100; n++) {
      term *= (-a * a) / n;
      const next = term / (2 * n + 1);
      total += next;
      if (Math.abs(next) < 1e-17 * Math.abs(total)) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * total;
  }
  // erfc(a) = exp(-a^2)/sqrt(pi) * 1/(a + 1/2/(a + 1/(a + 3/2/(a + ...)))), evaluated bottom-up.
  let fraction = a;
  for (let k = 60; k >= 1; k--) fraction = a + k / 2 / fraction;
  return Math.sign(x) * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / fraction);
}

/** A tensor on the tape: scalars in row-major order. */
type T = S[];

/** Weights of a model on the tape, by name, each a row-major list of scalars. */
type Weights = Map<string, T>;

function dense(t: DualTape, x: T, rows: number, weight: T, bias: T | undefined, inDim: number, outDim: number): T {
  const out: T = [];
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outDim; o++) {
      const terms: S[] = [];
      for (let i = 0; i < inDim; i++) terms.push(t.mul(x[r * inDim + i], weight[i * outDim + o]));
      const s = t.sum(terms);
      out.push(bias ? t.add(s, bias[o]) : s);
    }
  }
  return out;
}

function layerNorm(t: DualTape, x: T, rows: number, width: number, gain: T, shift: T): T {
  const out: T = [];
  for (let r = 0; r < rows; r++) {
    const row = x.slice(r * width, (r + 1) * width);
    const mean = t.mean(row);
    const centred = row.map((s) => t.sub(s, mean));
    const variance = t.mean(centred.map((s) => t.mul(s, s)));
    const inv = t.rsqrt(t.shift(variance, 1e-5));
    centred.forEach((s, j) => out.push(t.add(t.mul(t.mul(s, inv), gain[j]), shift[j])));
  }
  return out;
}

function mlpEncoder(t: DualTape, w: Weights, c: MlpEncoderConfig, x: T, batch: number): T {
  const widths = [c.inputDim, ...c.hidden, c.outputDim];
  let h = x;
  for (let i = 0; i + 1 < widths.length; i++) {
    h = dense(t, h, batch, w.get(`encoder.layer${i}.weight`)!, w.get(`encoder.layer${i}.bias`), widths[i], widths[i + 1]);
    if (i + 2 < widths.length) h = h.map((s) => t.gelu(s));
  }
  return h;
}

function vitEncoder(t: DualTape, w: Weights, c: VitEncoderConfig, x: T, batch: number): T {
  const { inputSize: size, channels, downsampledSize: s, dim, heads, headDim } = c;
  const r = size / s;
  const tokens = s * s;
  const get = (name: string) => w.get(`encoder.${name}`)!;
  // Pixels to [-1, 1], then pixel unshuffle: token (i, j) holds pixel (i r + p, j r + q, ch) at p r C + q C + ch.
  const unshuffled: T = [];
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < s; i++) {
      for (let j = 0; j < s; j++) {
        for (let p = 0; p < r; p++) {
          for (let q = 0; q < r; q++) {
            for (let ch = 0; ch < channels; ch++) unshuffled.push(t.shift(t.scale(x[((b * size + i * r + p) * size + j * r + q) * channels + ch], 2), -1));
          }
        }
      }
    }
  }
  let h = dense(t, unshuffled, batch * tokens, get('stem.weight'), get('stem.bias'), r * r * channels, dim);
  for (let k = 0; k < c.convDepth; k++) {
    const conv = get(`block${k}.conv3`);
    const convolved: T = [];
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < s; i++) {
        for (let j = 0; j < s; j++) {
          for (let o = 0; o < dim; o++) {
            const terms: S[] = [];
            for (let dy = 0; dy < 3; dy++) {
              for (let dx = 0; dx < 3; dx++) {
                const [u, v] = [i + dy - 1, j + dx - 1];
                if (u < 0 || v < 0 || u >= s || v >= s) continue;
                for (let ch = 0; ch < dim; ch++) terms.push(t.mul(h[((b * s + u) * s + v) * dim + ch], conv[((dy * 3 + dx) * dim + ch) * dim + o]));
              }
            }
            convolved.push(t.sum(terms));
          }
        }
      }
    }
    const normed = layerNorm(t, convolved, batch, tokens * dim, get(`block${k}.norm.gain`), get(`block${k}.norm.shift`));
    const mixed = dense(t, dense(t, normed, batch * tokens, get(`block${k}.mix1`), undefined, dim, dim).map((v) => t.gelu(v)), batch * tokens, get(`block${k}.mix2`), undefined, dim, dim);
    h = h.map((v, k2) => t.add(v, mixed[k2]));
  }
  const codes = sinCos2dGrid(s, s, dim);
  let z = h.map((v, k) => t.shift(v, codes[k % (tokens * dim)]));
  const inner = heads * headDim;
  for (let l = 0; l < c.depth; l++) {
    const p = (name: string) => get(`transformer${l}.${name}`);
    const normed = layerNorm(t, z, batch * tokens, dim, p('attnNorm.gain'), p('attnNorm.shift'));
    const qkv = dense(t, normed, batch * tokens, p('qkv.weight'), undefined, dim, 3 * inner);
    const merged: T = new Array(batch * tokens * inner);
    for (let b = 0; b < batch; b++) {
      for (let head = 0; head < heads; head++) {
        const at = (token: number, part: number, d: number) => qkv[(b * tokens + token) * 3 * inner + part * inner + head * headDim + d];
        for (let q = 0; q < tokens; q++) {
          const scores: S[] = [];
          for (let k = 0; k < tokens; k++) {
            const terms: S[] = [];
            for (let d = 0; d < headDim; d++) terms.push(t.mul(at(q, 0, d), at(k, 1, d)));
            scores.push(t.scale(t.sum(terms), 1 / Math.sqrt(headDim)));
          }
          const weights = t.softmax(scores);
          for (let d = 0; d < headDim; d++) merged[(b * tokens + q) * inner + head * headDim + d] = t.dot(weights, weights.map((_, k) => at(k, 2, d)));
        }
      }
    }
    const attended = dense(t, merged, batch * tokens, p('attnOut.weight'), undefined, inner, dim);
    z = z.map((v, k) => t.add(v, attended[k]));
    const ffIn = dense(t, layerNorm(t, z, batch * tokens, dim, p('ffNorm.gain'), p('ffNorm.shift')), batch * tokens, p('ffIn.weight'), p('ffIn.bias'), dim, c.mlpDim);
    const ff = dense(t, ffIn.map((v) => t.gelu(v)), batch * tokens, p('ffOut.weight'), p('ffOut.bias'), c.mlpDim, dim);
    z = z.map((v, k) => t.add(v, ff[k]));
  }
  const pooled: T = [];
  for (let b = 0; b < batch; b++) {
    for (let d = 0; d < dim; d++) pooled.push(t.mean(Array.from({ length: tokens }, (_, k) => z[(b * tokens + k) * dim + d])));
  }
  return dense(t, pooled, batch, get('out.weight'), get('out.bias'), dim, c.outputDim);
}

function gssnnHead(t: DualTape, w: Weights, spec: ModelSpec, z: T, batch: number): T {
  const { dim, depth, update } = spec.gnn;
  const plan = planInjection(spec.graph!, dim, { reproduceOriginal: spec.gnn.reproduceOriginal });
  const maxConn = spec.graph!.maxConn;
  const rowsOf = (rows: typeof plan.nodeRows): T[] => {
    const index = tilingIndex(plan, rows);
    const codes = rows.map((row) => elementCode(plan, row, maxConn));
    return Array.from({ length: batch }, (_, b) => rows.flatMap((_, r) => Array.from({ length: dim }, (_, j) => t.shift(z[b * dim + index[r * dim + j]], codes[r][j]))));
  };
  let nodes = rowsOf(plan.nodeRows);
  const edges = rowsOf(plan.edgeRows);
  const n = plan.nodeRows.length;
  for (let l = 0; l < depth; l++) {
    nodes = nodes.map((x, b) => {
      const aggregated = x.map((s) => t.scale(s, 0));
      for (const m of plan.messages) {
        for (let j = 0; j < dim; j++) {
          const message = t.relu(t.add(x[m.source * dim + j], edges[b][m.edgeRow * dim + j]));
          aggregated[m.target * dim + j] = t.add(aggregated[m.target * dim + j], message);
        }
      }
      const combined = x.map((s, k) => t.add(s, aggregated[k]));
      if (update === 'linear') return dense(t, combined, n, w.get(`gnn.layer${l}.weight`)!, w.get(`gnn.layer${l}.bias`), dim, dim);
      // The library GINE (eps 0): Linear -> ReLU -> Linear, weights adopted as .0 ... .3.
      const hidden = dense(t, combined, n, w.get(`gnn.layer${l}.0`)!, w.get(`gnn.layer${l}.1`), dim, dim).map((s) => t.relu(s));
      return dense(t, hidden, n, w.get(`gnn.layer${l}.2`)!, w.get(`gnn.layer${l}.3`), dim, dim);
    });
  }
  const pooled = nodes.flatMap((x) => Array.from({ length: dim }, (_, j) => t.mean(Array.from({ length: n }, (_, i) => x[i * dim + j]))));
  return dense(t, pooled, batch, w.get('head.weight')!, w.get('head.bias'), dim, spec.singleLogit ? 1 : spec.numClasses);
}

/** Logits `[batch * classes]` of a model built from a `ModelSpec`, on the tape. */
function specLogits(t: DualTape, w: Weights, spec: ModelSpec, x: T, batch: number): T {
  const z = spec.encoder.kind === 'mlp' ? mlpEncoder(t, w, spec.encoder, x, batch) : vitEncoder(t, w, spec.encoder, x, batch);
  let out: T;
  if (spec.kind === 'linear') out = z;
  else if (spec.kind === 'mlp') {
    let h = z;
    for (let i = 0; i < spec.gnn.depth; i++) h = dense(t, h, batch, w.get(`mlp.layer${i}.weight`)!, w.get(`mlp.layer${i}.bias`), spec.gnn.dim, spec.gnn.dim).map((s) => t.relu(s));
    out = dense(t, h, batch, w.get('head.weight')!, w.get('head.bias'), spec.gnn.dim, spec.singleLogit ? 1 : spec.numClasses);
  } else out = gssnnHead(t, w, spec, z, batch);
  // A single logit l stands for the class logits [0, l].
  if (!spec.singleLogit) return out;
  const zero = t.leaf(0);
  return out.flatMap((l) => [zero, l]);
}

function denseStackLogits(t: DualTape, w: Weights, stack: DenseStack, x: T, batch: number): T {
  const sizes = [stack.config.inputSize, ...stack.config.hidden, stack.config.numClasses];
  let h = x;
  stack.layers.forEach((layer, l) => {
    h = dense(t, h, batch, w.get(layer.weight.name)!, w.get(layer.bias.name), sizes[l], sizes[l + 1]);
    if (layer.activation === 'relu') h = h.map((s) => t.relu(s));
  });
  return h;
}

/** The weights' names in the model's variable order (tfjs names for a DenseStack). */
function weightNames(model: Model): string[] {
  const named = model as Model & { weightNames?: readonly string[] };
  return named.weightNames ? [...named.weightNames] : model.variables.map((v) => v.name);
}

/**
 * The mean cross-entropy of `model` on (x, y) on a fresh tape, with every weight a leaf
 * whose tangent is the matching entry of `direction` (flat, in variable order), at the
 * model's weights plus `shift` (float64) when given.
 */
export function referenceLoss(model: Model, x: Float32Array, y: Int32Array, direction: ArrayLike<number>, shift?: ArrayLike<number>): { tape: DualTape; loss: S; leaves: S[] } {
  const t = new DualTape();
  const names = weightNames(model);
  const weights: Weights = new Map();
  const leaves: S[] = [];
  let offset = 0;
  model.variables.forEach((variable, k) => {
    const values = variable.dataSync() as Float32Array;
    const scalars = Array.from(values, (value, i) => t.leaf(value + (shift ? shift[offset + i] : 0), direction[offset + i]));
    weights.set(names[k], scalars);
    leaves.push(...scalars);
    offset += values.length;
  });
  const batch = y.length;
  const inputs = Array.from(x, (value) => t.leaf(value));
  const logits =
    model instanceof DenseStack ? denseStackLogits(t, weights, model, inputs, batch) : specLogits(t, weights, model.config as ModelSpec, inputs, batch);
  const classes = logits.length / batch;
  const losses = Array.from({ length: batch }, (_, b) => {
    const row = logits.slice(b * classes, (b + 1) * classes);
    return t.sub(t.logSumExp(row), row[y[b]]);
  });
  return { tape: t, loss: t.mean(losses), leaves };
}

/** Exact loss, gradient and H v in float64 (flat, in variable order). */
export function exactHvp(model: Model, x: Float32Array, y: Int32Array, v: ArrayLike<number>, shift?: ArrayLike<number>): { loss: number; gradient: Float64Array; hvp: Float64Array } {
  const { tape, loss, leaves } = referenceLoss(model, x, y, v, shift);
  const { gradient, hvp } = tape.backward(loss);
  return { loss: tape.value[loss], gradient: Float64Array.from(leaves, (s) => gradient[s]), hvp: Float64Array.from(leaves, (s) => hvp[s]) };
}

/** The exact trace of the loss Hessian: sum over weights i of e_i^T H e_i (one sweep per weight). */
export function exactTrace(model: Model, x: Float32Array, y: Int32Array): number {
  const size = model.variables.reduce((n, v) => n + v.size, 0);
  let trace = 0;
  const e = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    e[i] = 1;
    trace += exactHvp(model, x, y, e).hvp[i];
    e[i] = 0;
  }
  return trace;
}

/** Inputs and labels of a batch as plain arrays (for the reference). */
export function batchArrays(batch: { x: tf.Tensor; y: tf.Tensor }): { x: Float32Array; y: Int32Array } {
  return { x: batch.x.dataSync() as Float32Array, y: Int32Array.from(batch.y.dataSync()) };
}
