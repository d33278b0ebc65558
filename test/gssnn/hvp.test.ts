/**
 * Exact Hessian-vector products (double backprop over differentiable gradient definitions)
 * against a float64 forward-over-reverse reference written in plain loops: op by op, then
 * every model kind the toolkit trains, on cpu and wasm. Relative error < 1e-3 on random
 * directions is the bar; float32 arithmetic lands near 1e-7.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DenseStack } from '../../src/analysis/denseStack.ts';
import { meanCrossEntropy } from '../../src/analysis/loss.ts';
import { type BackendName, initBackend } from '../../src/gssnn/backend.ts';
import { euclideanNorm, hessianVectorProduct } from '../../src/gssnn/hvp.ts';
import { gatherRows, segmentMean, segmentSoftmax } from '../../src/gssnn/kernels/ops.ts';
import type { Model } from '../../src/gssnn/models/model.ts';
import { buildModel, type ModelSpec } from '../../src/gssnn/models/index.ts';
import { chainGraph, randomGraph, starGraph } from '../../src/gssnn/models/wiring.ts';
import { gelu, layerNorm } from '../../src/gssnn/nn/ops.ts';
import { withDifferentiableGradients } from '../../src/gssnn/secondOrder.ts';
import { Random } from '../../src/util/random.ts';
import { DualTape, exactHvp } from '../helpers/exactHessian.ts';

function relativeError(ours: ArrayLike<number>, exact: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < exact.length; i++) {
    diff += (ours[i] - exact[i]) ** 2;
    scale += exact[i] ** 2;
  }
  expect(scale).toBeGreaterThan(1e-12);
  return Math.sqrt(diff / scale);
}

const flat = (tensors: tf.Tensor[]) => Float64Array.from(tensors.flatMap((t) => Array.from(t.dataSync())));

/** Splits a flat float64 vector into float32 tensors shaped like `variables`. */
function directionTensors(variables: readonly tf.Variable[], v: Float64Array): tf.Tensor[] {
  let offset = 0;
  return variables.map((variable) => {
    const part = tf.tensor(Float32Array.from(v.subarray(offset, offset + variable.size)), variable.shape);
    offset += variable.size;
    return part;
  });
}

/**
 * One op case: a scalar function of a weight vector w written twice, in tfjs and on the
 * float64 tape (`reference` gets the tape and w's scalars, returns the output scalar).
 */
interface OpCase {
  readonly name: string;
  readonly size: number;
  readonly tfjs: (w: tf.Tensor1D) => tf.Scalar;
  readonly reference: (t: DualTape, w: number[]) => number;
}

const C = [0.7, -1.3, 0.4, 2.1, -0.6, 1.1, -0.9, 0.3, 1.7, -2.2, 0.5, -0.1];
const coefficients = (n: number) => tf.tensor1d(C.slice(0, n));
const weighted = (t: DualTape, ys: number[]) => t.sum(ys.map((y, i) => t.scale(y, C[i])));

const OP_CASES: OpCase[] = [
  { name: 'exp', size: 6, tfjs: (w) => tf.sum(tf.mul(coefficients(6), tf.exp(w))), reference: (t, w) => weighted(t, w.map((s) => t.exp(s))) },
  {
    name: 'tanh',
    size: 6,
    tfjs: (w) => tf.sum(tf.mul(coefficients(6), tf.tanh(w))),
    // tanh(a) = 2 / (1 + exp(-2a)) - 1
    reference: (t, w) => weighted(t, w.map((s) => t.shift(t.div(t.leaf(2), t.shift(t.exp(t.scale(s, -2)), 1)), -1))),
  },
  {
    name: 'sigmoid',
    size: 6,
    tfjs: (w) => tf.sum(tf.mul(coefficients(6), tf.sigmoid(w))),
    reference: (t, w) => weighted(t, w.map((s) => t.div(t.leaf(1), t.shift(t.exp(t.scale(s, -1)), 1)))),
  },
  {
    name: 'elu',
    size: 6,
    tfjs: (w) => tf.sum(tf.mul(coefficients(6), tf.elu(w))),
    reference: (t, w) => weighted(t, w.map((s) => (t.value[s] > 0 ? s : t.shift(t.exp(s), -1)))),
  },
  {
    name: 'softmax (rows of 3)',
    size: 6,
    tfjs: (w) => tf.sum(tf.mul(tf.reshape(coefficients(6), [2, 3]), tf.softmax(tf.reshape(w, [2, 3])))),
    reference: (t, w) => weighted(t, [...t.softmax(w.slice(0, 3)), ...t.softmax(w.slice(3, 6))]),
  },
  {
    name: 'cross-entropy by logSumExp',
    size: 6,
    tfjs: (w) => meanCrossEntropy(tf.reshape(tf.mul(w, coefficients(6)), [2, 3]) as tf.Tensor2D, tf.tensor1d([2, 0], 'int32')),
    reference: (t, w) => {
      const z = w.map((s, i) => t.scale(s, C[i]));
      return t.scale(t.add(t.sub(t.logSumExp(z.slice(0, 3)), z[2]), t.sub(t.logSumExp(z.slice(3)), z[3])), 0.5);
    },
  },
  { name: 'GELU (erf)', size: 6, tfjs: (w) => tf.sum(tf.mul(coefficients(6), gelu(w))), reference: (t, w) => weighted(t, w.map((s) => t.gelu(s))) },
  {
    name: 'ReLU after a product',
    size: 6,
    tfjs: (w) => tf.sum(tf.mul(coefficients(6), tf.relu(tf.mul(w, tf.reverse(w))))),
    reference: (t, w) => weighted(t, w.map((s, i) => t.relu(t.mul(s, w[5 - i])))),
  },
  {
    name: 'layer norm (gain and shift from w)',
    size: 12,
    tfjs: (w) => {
      const norm = { gain: tf.slice(w, 8, 4), shift: tf.slice(w, 4, 4), axes: 1 } as unknown as Parameters<typeof layerNorm>[0];
      return tf.sum(tf.mul(coefficients(4), tf.square(layerNorm(norm, tf.slice(w, 0, 4)))));
    },
    reference: (t, w) => {
      const x = w.slice(0, 4);
      const mean = t.mean(x);
      const centred = x.map((s) => t.sub(s, mean));
      const inv = t.rsqrt(t.shift(t.mean(centred.map((s) => t.mul(s, s))), 1e-5));
      return weighted(t, centred.map((s, j) => { const y = t.add(t.mul(t.mul(s, inv), w[8 + j]), w[4 + j]); return t.mul(y, y); }));
    },
  },
  {
    name: 'row gather kernel (axis 1) and segment sum kernel',
    size: 6,
    tfjs: (w) => {
      const rows = gatherRows(tf.reshape(tf.tanh(w), [1, 3, 2]), tf.tensor1d([2, 0, 0, 1], 'int32'), 1);
      const summed = tf.unsortedSegmentSum(tf.reshape(tf.square(rows), [4, 2]), tf.tensor1d([1, 0, 1, 1], 'int32'), 2);
      return tf.sum(tf.mul(tf.reshape(coefficients(4), [2, 2]), tf.exp(summed)));
    },
    reference: (t, w) => {
      const h = w.map((s) => t.shift(t.div(t.leaf(2), t.shift(t.exp(t.scale(s, -2)), 1)), -1));
      const rows = [2, 0, 0, 1].flatMap((r) => [h[2 * r], h[2 * r + 1]]).map((s) => t.mul(s, s));
      const seg = [0, 1].flatMap((s) => [0, 1].map((k) => t.sum([0, 1, 2, 3].filter((r) => [1, 0, 1, 1][r] === s).map((r) => rows[2 * r + k]))));
      return weighted(t, seg.map((s) => t.exp(s)));
    },
  },
  {
    name: 'segment mean and segment softmax (max shift)',
    size: 6,
    tfjs: (w) => {
      const ids = tf.tensor1d([0, 0, 1, 1, 1, 0], 'int32');
      const scores = tf.reshape(tf.mul(w, coefficients(6)), [6, 1]);
      const attention = segmentSoftmax(scores, ids, 2);
      return tf.sum(tf.mul(segmentMean(tf.mul(attention, tf.reshape(w, [6, 1])), ids, 2), tf.tensor2d([[1.5], [-0.5]])));
    },
    reference: (t, w) => {
      const ids = [0, 0, 1, 1, 1, 0];
      const out = [0, 1].map((s) => {
        const members = ids.flatMap((id, r) => (id === s ? [r] : []));
        const weights = t.softmax(members.map((r) => t.scale(w[r], C[r])));
        return t.mean(members.map((r, k) => t.mul(weights[k], w[r])));
      });
      return t.add(t.scale(out[0], 1.5), t.scale(out[1], -0.5));
    },
  },
  {
    name: 'attention block (softmax of scaled q.k)',
    size: 12,
    tfjs: (w) => {
      const q = tf.reshape(tf.slice(w, 0, 4), [2, 2]);
      const k = tf.reshape(tf.slice(w, 4, 4), [2, 2]);
      const v = tf.reshape(tf.slice(w, 8, 4), [2, 2]);
      const mixed = tf.matMul(tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.SQRT2)), v);
      return tf.sum(tf.mul(tf.reshape(coefficients(4), [2, 2]), mixed));
    },
    reference: (t, w) => {
      const out: number[] = [];
      for (let i = 0; i < 2; i++) {
        const scores = [0, 1].map((j) => t.scale(t.add(t.mul(w[2 * i], w[4 + 2 * j]), t.mul(w[2 * i + 1], w[5 + 2 * j])), 1 / Math.SQRT2));
        const a = t.softmax(scores);
        for (let d = 0; d < 2; d++) out.push(t.add(t.mul(a[0], w[8 + d]), t.mul(a[1], w[10 + d])));
      }
      return weighted(t, out);
    },
  },
  {
    name: 'pow and rsqrt',
    size: 6,
    tfjs: (w) => tf.sum(tf.mul(coefficients(6), tf.rsqrt(tf.add(tf.pow(w, 2), 0.5)))),
    reference: (t, w) => weighted(t, w.map((s) => t.rsqrt(t.shift(t.mul(s, s), 0.5)))),
  },
];

function opHvp(c: OpCase, seed: number): { ours: Float64Array; exact: Float64Array } {
  const rng = new Random(seed);
  const w0 = Float32Array.from({ length: c.size }, () => rng.normal() * 0.8);
  const v = Float32Array.from({ length: c.size }, () => rng.normal());
  const w = tf.variable(tf.tensor1d(w0));
  const dir = tf.tensor1d(v);
  const hv = hessianVectorProduct(() => c.tfjs(w as tf.Tensor1D), [w], [dir]);
  const ours = flat(hv);
  tf.dispose([w, dir, ...hv]);
  const t = new DualTape();
  const leaves = Array.from(w0, (x, i) => t.leaf(x, v[i]));
  const { hvp } = t.backward(c.reference(t, leaves));
  return { ours, exact: Float64Array.from(leaves, (s) => hvp[s]) };
}

/** Small models of every kind the toolkit trains, over vector and image inputs. */
function modelCases(): { name: string; build: () => Model; inputShape: number[]; classes: number }[] {
  const mlpEncoder = (outputDim: number) => ({ kind: 'mlp' as const, inputDim: 5, hidden: [6], outputDim });
  const vit = { kind: 'vit' as const, inputSize: 8, channels: 1, downsampledSize: 2, dim: 8, depth: 1, heads: 2, headDim: 4, mlpDim: 8, convDepth: 1, outputDim: 8 };
  const gnn = (update: 'linear' | 'mlp', reproduceOriginal = false) => ({ dim: 8, depth: 2, update, dropout: 0.1, reproduceOriginal });
  const spec = (s: Omit<ModelSpec, 'seed'> & { seed?: number }) => () => buildModel({ seed: 3, ...s });
  return [
    { name: 'ReLU dense stack', build: () => new DenseStack({ inputSize: 5, hidden: [6, 4], numClasses: 3, seed: 1 }), inputShape: [5], classes: 3 },
    { name: 'GELU MLP encoder + ReLU head (mlp)', build: spec({ kind: 'mlp', inputShape: [5], numClasses: 3, encoder: mlpEncoder(8), gnn: gnn('linear') }), inputShape: [5], classes: 3 },
    { name: 'linear head, one binary logit', build: spec({ kind: 'linear', inputShape: [5], numClasses: 2, encoder: mlpEncoder(1), gnn: gnn('linear'), singleLogit: true }), inputShape: [5], classes: 2 },
    { name: 'G-SSNN, the original GINE (linear update)', build: spec({ kind: 'gssnn-chain', inputShape: [5], numClasses: 3, encoder: mlpEncoder(8), gnn: gnn('linear'), graph: chainGraph(3) }), inputShape: [5], classes: 3 },
    { name: 'G-SSNN, GINE with an MLP update', build: spec({ kind: 'gssnn-random', inputShape: [5], numClasses: 3, encoder: mlpEncoder(8), gnn: gnn('mlp'), graph: randomGraph(3, 3, 5) }), inputShape: [5], classes: 3 },
    { name: 'G-SSNN reproducing the original injection', build: spec({ kind: 'gssnn-star', inputShape: [5], numClasses: 3, encoder: mlpEncoder(8), gnn: gnn('linear', true), graph: starGraph(2) }), inputShape: [5], classes: 3 },
    { name: 'ViT encoder + linear head', build: spec({ kind: 'linear', inputShape: [8, 8, 1], numClasses: 3, encoder: { ...vit, outputDim: 3 }, gnn: gnn('linear') }), inputShape: [8, 8, 1], classes: 3 },
    { name: 'ViT encoder + MLP head', build: spec({ kind: 'mlp', inputShape: [8, 8, 1], numClasses: 3, encoder: vit, gnn: gnn('linear') }), inputShape: [8, 8, 1], classes: 3 },
    { name: 'ViT encoder + G-SSNN, one binary logit', build: spec({ kind: 'gssnn-chain', inputShape: [8, 8, 1], numClasses: 2, encoder: vit, gnn: gnn('mlp'), graph: chainGraph(2), singleLogit: true }), inputShape: [8, 8, 1], classes: 2 },
  ];
}

function modelHvp(model: Model, inputShape: number[], classes: number, seed: number): { ours: Float64Array; exact: Float64Array; loss: number; exactLoss: number } {
  const rng = new Random(seed);
  const n = 5;
  const x = Float32Array.from({ length: n * inputShape.reduce((a, b) => a * b, 1) }, () => rng.uniform(0, 1));
  const y = Int32Array.from({ length: n }, () => rng.int(classes));
  const v = Float64Array.from({ length: model.parameterCount() }, () => Math.fround(rng.normal()));
  const xs = tf.tensor(x, [n, ...inputShape]);
  const ys = tf.tensor1d(y, 'int32');
  const dirs = directionTensors(model.variables, v);
  const lossOf = () => meanCrossEntropy(model.logits(xs, false), ys);
  const loss = tf.tidy(() => lossOf().dataSync()[0]);
  const hv = hessianVectorProduct(lossOf, model.variables, dirs);
  const ours = flat(hv);
  tf.dispose([xs, ys, ...dirs, ...hv]);
  const exact = exactHvp(model, x, y, v);
  return { ours, exact: exact.hvp, loss, exactLoss: exact.loss };
}

describe.each(['cpu', 'wasm'] as BackendName[])('exact HVP on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  describe.each(OP_CASES.map((c) => [c.name, c] as const))('op: %s', (_name, c) => {
    it('matches the float64 reference on random points and directions', () => {
      for (const seed of [1, 2]) {
        const { ours, exact } = opHvp(c, seed);
        expect(relativeError(ours, exact)).toBeLessThan(1e-4);
      }
    });
  });

  describe.each(modelCases().map((c) => [c.name, c] as const))('model: %s', (_name, c) => {
    it('matches the float64 reference on a random direction, leaving no tensor behind', () => {
      const model = c.build();
      const before = tf.memory().numTensors;
      const { ours, exact, loss, exactLoss } = modelHvp(model, c.inputShape, c.classes, 7);
      expect(tf.memory().numTensors).toBe(before);
      // The reference computes the same loss: it is the same network.
      expect(loss).toBeCloseTo(exactLoss, 5);
      expect(relativeError(ours, exact)).toBeLessThan(1e-3);
      model.dispose();
    });
  });
});

describe('why the re-registered gradients are needed', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  /** Double backprop with tfjs's own gradient definitions. */
  function naiveHvp(loss: () => tf.Scalar, variables: tf.Variable[], v: tf.Tensor[]): Float64Array {
    const grads = tf.tidy(() => {
      const directional = () => {
        const { grads: g } = tf.variableGrads(loss, variables);
        return tf.addN(variables.map((x, k) => tf.sum(tf.mul(g[x.name], v[k])))) as tf.Scalar;
      };
      const { grads: h } = tf.variableGrads(directional, variables);
      return variables.map((x) => h[x.name]);
    });
    const out = flat(grads);
    tf.dispose(grads);
    return out;
  }

  it("tfjs's own second derivatives through the ViT's softmax and exp are silently wrong", () => {
    const c = modelCases().find((m) => m.name === 'ViT encoder + linear head')!;
    const model = c.build();
    const rng = new Random(4);
    const x = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 5);
    const y = tf.tensor1d([0, 2, 1], 'int32');
    const v = Float64Array.from({ length: model.parameterCount() }, () => Math.fround(rng.normal()));
    const dirs = directionTensors(model.variables, v);
    // Cross-entropy without logSumExp's max shift: tfjs cannot even differentiate twice through max.
    const lossOf = () => {
      const logits = model.logits(x, false);
      return tf.mean(tf.sub(tf.log(tf.sum(tf.exp(logits), 1)), tf.sum(tf.mul(logits, tf.oneHot(y, 3)), 1))) as tf.Scalar;
    };
    const exact = exactHvp(model, x.dataSync() as Float32Array, Int32Array.from(y.dataSync()), v).hvp;
    expect(relativeError(naiveHvp(lossOf, model.variables as tf.Variable[], dirs), exact)).toBeGreaterThan(0.05);
    const ours = hessianVectorProduct(lossOf, model.variables, dirs);
    expect(relativeError(flat(ours), exact)).toBeLessThan(1e-3);
    tf.dispose([x, y, ...dirs, ...ours]);
    model.dispose();
  });

  it('custom-gradient ops that save their output throw inside the scope instead of lying', () => {
    const w = tf.variable(tf.tensor1d([0.1, 0.5, -0.3]));
    expect(() => hessianVectorProduct(() => tf.sum(tf.mul(tf.logSoftmax(w), tf.tensor1d([1, 2, 3]))), [w], [tf.ones([3])])).toThrow(/logSoftmax.*logSumExp/);
    expect(() => hessianVectorProduct(() => tf.losses.softmaxCrossEntropy(tf.tensor2d([[0, 1, 0]]), tf.reshape(w, [1, 3])) as tf.Scalar, [w], [tf.ones([3])])).toThrow(
      /softmaxCrossEntropy/,
    );
    // Outside the scope the registrations are tfjs's own again: first-order gradients work as before.
    const g = tf.grad((u: tf.Tensor) => tf.sum(tf.logSoftmax(u)))(w);
    expect(g.shape).toEqual([3]);
    tf.dispose([w, g]);
  });

  it('the scope is re-entrant and restores the registrations', () => {
    const before = tf.getGradient('Exp');
    withDifferentiableGradients(() => {
      expect(tf.getGradient('Exp')).not.toBe(before);
      withDifferentiableGradients(() => undefined);
      expect(tf.getGradient('Exp')).not.toBe(before);
    });
    expect(tf.getGradient('Exp')).toBe(before);
    expect(() => withDifferentiableGradients(() => { throw new Error('boom'); })).toThrow('boom');
    expect(tf.getGradient('Exp')).toBe(before);
  });
});

describe('the float64 reference itself', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('agrees with float64 central differences of its own gradient on a smooth model (the finite-difference oracle)', () => {
    // A linear head over a GELU encoder: smooth, so differences are exact to O(h^2).
    const model = buildModel({ kind: 'linear', inputShape: [5], numClasses: 3, encoder: { kind: 'mlp', inputDim: 5, hidden: [6], outputDim: 3 }, gnn: { dim: 8, depth: 1, update: 'linear', dropout: 0, reproduceOriginal: false }, seed: 2 });
    const rng = new Random(9);
    const x = Float32Array.from({ length: 20 }, () => rng.normal());
    const y = Int32Array.from({ length: 4 }, () => rng.int(3));
    const v = Float64Array.from({ length: model.parameterCount() }, () => rng.normal());
    const { hvp } = exactHvp(model, x, y, v);
    const h = 1e-5;
    const gradientAt = (step: number) => exactHvp(model, x, y, new Float64Array(v.length), Float64Array.from(v, (vi) => vi * step)).gradient;
    const [plus, minus] = [gradientAt(h), gradientAt(-h)];
    expect(relativeError(Float64Array.from(plus, (g, i) => (g - minus[i]) / (2 * h)), hvp)).toBeLessThan(1e-6);
    model.dispose();
  });
});

describe('HVP contract', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('rejects directions of the wrong shape and leaves the weights alone', () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    expect(() => hessianVectorProduct(() => tf.sum(w) as tf.Scalar, [w], [tf.zeros([3])])).toThrow(/direction 0 has shape \[3\], variable has \[2\]/);
    const hv = hessianVectorProduct(() => tf.sum(tf.pow(w, 3)) as tf.Scalar, [w], [tf.tensor1d([1, 1])]);
    expect(Array.from(hv[0].dataSync())).toEqual([6, 12]);
    expect(Array.from(w.dataSync())).toEqual([1, 2]);
    expect(euclideanNorm([tf.tensor1d([3, 4])])).toBeCloseTo(5, 6);
    tf.dispose([w, ...hv]);
  });

  it('a weight that enters the loss linearly has a zero Hessian row', () => {
    const a = tf.variable(tf.tensor1d([0.5]));
    const b = tf.variable(tf.tensor1d([2]));
    const hv = hessianVectorProduct(() => tf.sum(tf.add(tf.square(a), b)) as tf.Scalar, [a, b], [tf.ones([1]), tf.ones([1])]);
    expect(Array.from(flat(hv))).toEqual([2, 0]);
    tf.dispose([a, b, ...hv]);
  });
});
