/**
 * Our Sum and Mean gradients (kernels/reductionGradients.ts) equal tfjs's formula bit for bit
 * (dy broadcast by multiplying with ones of x's shape, Mean's then divided by the reduced
 * size) on random shapes, axes and magnitudes, on cpu and wasm; and they are in place after
 * `initBackend`, still differentiable twice.
 */
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BackendName, initBackend } from '../../src/gssnn/backend.ts';
import { Random } from '../../src/util/random.ts';

const shapes = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    axes: fc.subarray(shape.map((_, i) => i), { minLength: 1 }),
    keepDims: fc.boolean(),
    seed: fc.integer(),
  }),
);

/** tfjs's own gradient of a reduction, written out: reshape dy, times ones, Mean's over the count. */
function tfjsFormula(dy: tf.Tensor, x: tf.Tensor, axes: number[], mean: boolean): tf.Tensor {
  const expanded = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const product = tf.mul(tf.reshape(dy, expanded), tf.ones(x.shape));
  return mean ? tf.div(product, axes.reduce((n, a) => n * x.shape[a], 1)) : product;
}

describe.each(['cpu', 'wasm'] as BackendName[])('Sum and Mean gradients on %s', (backend) => {
  it('equal tfjs formula bit for bit', async () => {
    await initBackend(backend);
    fc.assert(
      fc.property(shapes, fc.boolean(), ({ shape, axes, keepDims, seed }, mean) => {
        const rng = new Random(seed);
        const values = (n: number) => Float32Array.from({ length: n }, () => (rng.next() - 0.5) * 10 ** Math.floor(rng.next() * 12 - 6));
        tf.tidy(() => {
          const x = tf.tensor(values(tf.util.sizeFromShape(shape)), shape);
          const reduce = (t: tf.Tensor) => (mean ? tf.mean(t, axes, keepDims) : tf.sum(t, axes, keepDims));
          const outShape = reduce(x).shape;
          const dy = tf.tensor(values(tf.util.sizeFromShape(outShape)), outShape);
          const got = tf.grad(reduce)(x, dy);
          expect(got.dataSync()).toEqual(tfjsFormula(dy, x, axes, mean).dataSync());
        });
      }),
      { numRuns: 100 },
    );
  });

  it('are differentiable again (second derivative of a sum of squares)', async () => {
    await initBackend(backend);
    const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    // f(x) = sum_i mean_i(x)^2, so df/dx_ij = 2 mean_i / 3; the sum of those is 2 sum_i mean_i,
    // whose derivative is 2 / 3 everywhere.
    const gradOfSum = tf.grad((t: tf.Tensor) => tf.sum(tf.grad((u: tf.Tensor) => tf.sum(tf.square(tf.mean(u, 1))))(t)));
    gradOfSum(x).dataSync().forEach((v) => expect(v).toBeCloseTo(2 / 3, 6));
  });
});
