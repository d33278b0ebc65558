/**
 * wasm's Identity and same-dtype Cast share their input's data (kernels/wasmIdentity.ts):
 * the values are the input's, each tensor outlives the other's disposal, no memory is
 * leaked, and casts that change the dtype still convert.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/gssnn/backend.ts';

describe('sharing Identity and Cast on wasm', () => {
  it('share data with the input, survive its disposal and free it with the last reference', async () => {
    await initBackend('wasm');
    const buffers = () => tf.memory().numDataBuffers;
    const before = buffers();
    const x = tf.tensor1d([1.5, -2.25, 3]);
    const cast = tf.cast(x, 'float32');
    const copy = tf.clone(cast);
    expect(buffers() - before).toBe(1); // one buffer for all three
    x.dispose();
    expect(Array.from(cast.dataSync())).toEqual([1.5, -2.25, 3]);
    cast.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1.5, -2.25, 3]);
    copy.dispose();
    expect(buffers()).toBe(before);
  });

  it('still convert between dtypes', async () => {
    await initBackend('wasm');
    tf.tidy(() => {
      expect(Array.from(tf.cast(tf.tensor1d([1.9, -2.7, 0]), 'int32').dataSync())).toEqual([1, -2, 0]);
      expect(Array.from(tf.cast(tf.tensor1d([3, -4], 'int32'), 'float32').dataSync())).toEqual([3, -4]);
    });
  });
});
