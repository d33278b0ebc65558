/**
 * Hessian-vector products against a float64 reference: small models with tanh, sigmoid and
 * softmax cross-entropy, written once in tfjs and once in plain JS; the reference H v comes
 * from four-point finite differences of the float64 loss (error ~1e-8).
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/gssnn/backend.ts';
import { euclideanNorm, hessianVectorProduct } from '../../src/gssnn/hvp.ts';
import { Random } from '../../src/util/random.ts';

type Hidden = 'tanh' | 'sigmoid';
type Head = 'softmax-ce' | 'sigmoid-bce';

interface Problem {
  inputs: number;
  hidden: number;
  classes: number;
  x: number[][];
  y: number[];
  activation: Hidden;
  head: Head;
}

/** Shapes of the parameters in order: W1 [in, hid], b1 [hid], W2 [hid, out], b2 [out]. */
function shapes(p: Problem): number[][] {
  const out = p.head === 'softmax-ce' ? p.classes : 1;
  return [[p.inputs, p.hidden], [p.hidden], [p.hidden, out], [out]];
}

const act = (kind: Hidden, v: number) => (kind === 'tanh' ? Math.tanh(v) : 1 / (1 + Math.exp(-v)));

/** The loss in float64 from a flat parameter vector. */
function lossF64(p: Problem, w: Float64Array): number {
  const out = p.head === 'softmax-ce' ? p.classes : 1;
  const w1 = 0;
  const b1 = w1 + p.inputs * p.hidden;
  const w2 = b1 + p.hidden;
  const b2 = w2 + p.hidden * out;
  let total = 0;
  for (let n = 0; n < p.x.length; n++) {
    const h: number[] = [];
    for (let j = 0; j < p.hidden; j++) {
      let s = w[b1 + j];
      for (let i = 0; i < p.inputs; i++) s += p.x[n][i] * w[w1 + i * p.hidden + j];
      h.push(act(p.activation, s));
    }
    const z: number[] = [];
    for (let k = 0; k < out; k++) {
      let s = w[b2 + k];
      for (let j = 0; j < p.hidden; j++) s += h[j] * w[w2 + j * out + k];
      z.push(s);
    }
    if (p.head === 'softmax-ce') {
      const top = Math.max(...z);
      const logSum = top + Math.log(z.reduce((a, v) => a + Math.exp(v - top), 0));
      total += logSum - z[p.y[n]];
    } else {
      // Binary cross-entropy with logits, the numerically stable form.
      const t = p.y[n];
      total += Math.max(z[0], 0) - z[0] * t + Math.log1p(Math.exp(-Math.abs(z[0])));
    }
  }
  return total / p.x.length;
}

/** The same loss in tfjs (float32), reading the variables. */
function lossTf(p: Problem, vars: tf.Variable[]): () => tf.Scalar {
  const x = tf.tensor2d(p.x);
  const [w1, b1, w2, b2] = vars;
  return () => {
    const pre = tf.add(tf.matMul(x, w1 as tf.Tensor2D), b1);
    const h = p.activation === 'tanh' ? tf.tanh(pre) : tf.sigmoid(pre);
    const z = tf.add(tf.matMul(h, w2 as tf.Tensor2D), b2);
    if (p.head === 'softmax-ce') {
      return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(p.y, 'int32'), p.classes), z) as tf.Scalar;
    }
    return tf.losses.sigmoidCrossEntropy(tf.tensor2d(p.y, [p.y.length, 1]), z) as tf.Scalar;
  };
}

function referenceHvp(p: Problem, w: Float64Array, v: Float64Array): Float64Array {
  const h = 1e-4;
  const out = new Float64Array(w.length);
  const at = (a: number, k: number, b: number) => {
    const moved = Float64Array.from(w, (wi, i) => wi + a * h * v[i] + (i === k ? b * h : 0));
    return lossF64(p, moved);
  };
  for (let k = 0; k < w.length; k++) out[k] = (at(1, k, 1) - at(1, k, -1) - at(-1, k, 1) + at(-1, k, -1)) / (4 * h * h);
  return out;
}

function problem(seed: number, activation: Hidden, head: Head): Problem {
  const rng = new Random(seed);
  const inputs = 3;
  const classes = 3;
  const n = 6;
  return {
    inputs,
    hidden: 4,
    classes,
    activation,
    head,
    x: Array.from({ length: n }, () => Array.from({ length: inputs }, () => rng.normal())),
    y: Array.from({ length: n }, () => rng.int(head === 'softmax-ce' ? classes : 2)),
  };
}

beforeAll(async () => {
  await initBackend('cpu');
});

const cases: [Hidden, Head][] = [
  ['tanh', 'softmax-ce'],
  ['sigmoid', 'softmax-ce'],
  ['tanh', 'sigmoid-bce'],
];

describe.each(cases)('HVP of a %s network with %s', (activation, head) => {
  it('matches float64 finite differences of the loss', () => {
    const p = problem(activation === 'tanh' ? 31 : 32, activation, head);
    const rng = new Random(33);
    const flat = Float64Array.from({ length: shapes(p).reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0) }, () => rng.normal() * 0.8);
    const direction = Float64Array.from(flat, () => rng.normal());
    let at = 0;
    const vars: tf.Variable[] = [];
    const dirs: tf.Tensor[] = [];
    for (const shape of shapes(p)) {
      const size = shape.reduce((a, b) => a * b, 1);
      vars.push(tf.variable(tf.tensor(Float32Array.from(flat.subarray(at, at + size)), shape)));
      dirs.push(tf.tensor(Float32Array.from(direction.subarray(at, at + size)), shape));
      at += size;
    }
    // The two implementations compute the same loss.
    const loss = lossTf(p, vars);
    expect(tf.tidy(() => loss().dataSync()[0])).toBeCloseTo(lossF64(p, Float64Array.from(flat, (v) => Math.fround(v))), 5);

    const before = tf.memory().numTensors;
    const hv = hessianVectorProduct(loss, vars, dirs);
    expect(tf.memory().numTensors).toBe(before + hv.length);
    const ours = Float64Array.from(hv.flatMap((t) => Array.from(t.dataSync())));
    const expected = referenceHvp(p, Float64Array.from(flat, (v) => Math.fround(v)), Float64Array.from(direction, (v) => Math.fround(v)));
    const scale = Math.sqrt(expected.reduce((a, v) => a + v * v, 0));
    const error = Math.sqrt(ours.reduce((a, v, i) => a + (v - expected[i]) ** 2, 0));
    expect(scale).toBeGreaterThan(1e-2);
    expect(error / scale).toBeLessThan(2e-3);

    // The variables are back where they were.
    const restored = vars.flatMap((v) => Array.from(v.dataSync()));
    expect(restored).toEqual(Array.from(flat, (v) => Math.fround(v)));
    tf.dispose([...hv, ...vars, ...dirs]);
  });
});

describe('HVP edge cases', () => {
  it('a zero direction gives zeros without evaluating the loss', () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    let calls = 0;
    const hv = hessianVectorProduct(() => { calls++; return tf.sum(tf.square(w)) as tf.Scalar; }, [w], [tf.zeros([2])]);
    expect(Array.from(hv[0].dataSync())).toEqual([0, 0]);
    expect(calls).toBe(0);
    tf.dispose([w, ...hv]);
  });

  it('rejects directions of the wrong shape', () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    expect(() => hessianVectorProduct(() => tf.sum(w) as tf.Scalar, [w], [tf.zeros([3])])).toThrow(/direction 0 has shape \[3\], variable has \[2\]/);
    w.dispose();
  });

  it('is exact enough on a quadratic to recover the matrix', () => {
    const a = [[2, 1], [1, 3]];
    const w = tf.variable(tf.tensor2d([[0.5], [-1]]));
    const matrix = tf.tensor2d(a);
    const loss = () => tf.mul(0.5, tf.sum(tf.mul(w, tf.matMul(matrix, w)))) as tf.Scalar;
    const hv = hessianVectorProduct(loss, [w], [tf.tensor2d([[1], [0]])]);
    expect(Array.from(hv[0].dataSync()).map((v) => Math.round(v * 1e3) / 1e3)).toEqual([2, 1]);
    expect(euclideanNorm([tf.tensor1d([3, 4])])).toBeCloseTo(5, 6);
    tf.dispose([w, matrix, ...hv]);
  });
});
