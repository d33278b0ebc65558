/**
 * Our BatchMatMul kernels (wasm: one XNNPACK product per batch entry; wasm-openblas: the
 * OpenBLAS addon; cpu: one rounding per value) equal a float64 loop for batched, broadcast and transposed operands, and an entry's
 * result does not depend on how many entries share the call.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/gssnn/backend.ts';
import { Random } from '../../src/util/random.ts';
import { WASM_BACKENDS } from '../helpers/backends.ts';

function reference(a: Float32Array, b: Float32Array, batch: [number, number], m: number, k: number, n: number, ta: boolean, tb: boolean): Float64Array {
  const out = new Float64Array(Math.max(...batch) * m * n);
  for (let t = 0; t < out.length / (m * n); t++) {
    const ab = batch[0] === 1 ? 0 : t;
    const bb = batch[1] === 1 ? 0 : t;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ab * m * k + (ta ? p * m + i : i * k + p)] * b[bb * k * n + (tb ? j * k + p : p * n + j)];
        out[(t * m + i) * n + j] = s;
      }
  }
  return out;
}

const CASES: [[number, number], number, number, number, boolean, boolean][] = [
  [[3, 3], 40, 24, 36, false, false],
  [[3, 3], 40, 24, 36, true, false],
  [[3, 3], 40, 24, 36, false, true],
  [[4, 1], 33, 64, 17, false, false],
  [[1, 4], 33, 64, 17, true, true],
];

describe.each(['cpu', ...WASM_BACKENDS] as const)('BatchMatMul on %s', (backend) => {
  it('equals a float64 loop for batched, broadcast and transposed operands', async () => {
    await initBackend(backend);
    const rng = new Random(5);
    for (const [batch, m, k, n, ta, tb] of CASES) {
      const a = Float32Array.from({ length: batch[0] * m * k }, () => rng.uniform(-1, 1));
      const b = Float32Array.from({ length: batch[1] * k * n }, () => rng.uniform(-1, 1));
      const got = tf.tidy(() => tf.matMul(tf.tensor3d(a, [batch[0], ta ? k : m, ta ? m : k]), tf.tensor3d(b, [batch[1], tb ? n : k, tb ? k : n]), ta, tb).dataSync());
      const want = reference(a, b, batch, m, k, n, ta, tb);
      let largest = 0;
      want.forEach((w, i) => (largest = Math.max(largest, Math.abs(w - got[i]))));
      expect(largest).toBeLessThan(1e-5);
    }
  });

  it("gives an entry the same bits alone and among other entries", async () => {
    await initBackend(backend);
    const rng = new Random(6);
    const [m, k, n] = [48, 80, 40];
    const a = Float32Array.from({ length: 5 * m * k }, () => rng.uniform(-1, 1));
    const b = Float32Array.from({ length: 5 * k * n }, () => rng.uniform(-1, 1));
    const all = tf.tidy(() => tf.matMul(tf.tensor3d(a, [5, m, k]), tf.tensor3d(b, [5, k, n])).dataSync());
    const third = tf.tidy(() => tf.matMul(tf.tensor3d(a.subarray(2 * m * k, 3 * m * k), [1, m, k]), tf.tensor3d(b.subarray(2 * k * n, 3 * k * n), [1, k, n])).dataSync());
    expect(Array.from(third)).toEqual(Array.from(all.subarray(2 * m * n, 3 * m * n)));
  });
});
