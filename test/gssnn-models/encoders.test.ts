import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/gssnn/backend.ts';
import { sinCos2d, sinCos2dGrid } from '../../src/gssnn/encoders/positional.ts';
import { conv3x3Same, VitEncoder } from '../../src/gssnn/encoders/vit.ts';
import { ParamStore } from '../../src/gssnn/nn/params.ts';
import { Random } from '../../src/util/random.ts';
import { buildModel, specFor } from '../../src/gssnn/models/index.ts';
import { chainGraph } from '../../src/gssnn/models/wiring.ts';
import { PRESETS } from '../../src/gssnn/presets.ts';

beforeAll(async () => {
  await initBackend();
});

describe('image encoder parts', () => {
  it('the im2col 3x3 convolution equals tf.conv2d', () => {
    const rng = new Random(1);
    const values = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
    const x = tf.tensor4d(values(2 * 5 * 4 * 3), [2, 5, 4, 3]);
    const w = tf.tensor4d(values(9 * 3 * 6), [3, 3, 3, 6]);
    const ours = conv3x3Same(x, w).arraySync().flat(3);
    const reference = tf.conv2d(x, w, 1, 'same').arraySync().flat(3);
    ours.forEach((v, i) => expect(v).toBeCloseTo(reference[i], 4));
    tf.dispose([x, w]);
  });

  it('2D sin-cos codes follow vit-pytorch (x = column, y = row)', () => {
    const code = sinCos2d(2, 3, 8);
    const w = 1e-4;
    [Math.sin(3), Math.sin(3 * w), Math.cos(3), Math.cos(3 * w), Math.sin(2), Math.sin(2 * w), Math.cos(2), Math.cos(2 * w)].forEach((v, i) =>
      expect(code[i]).toBeCloseTo(v, 6),
    );
    expect(Array.from(sinCos2dGrid(2, 4, 8).subarray((1 * 4 + 3) * 8, (1 * 4 + 4) * 8))).toEqual(Array.from(sinCos2d(1, 3, 8)));
  });

  it('the ViT encoder maps [B, s, s, c] images to [B, outputDim] and counts its parameters', () => {
    const store = new ParamStore(3);
    const config = { kind: 'vit', inputSize: 16, channels: 1, downsampledSize: 4, dim: 8, depth: 1, heads: 2, headDim: 4, mlpDim: 16, convDepth: 2, outputDim: 5 } as const;
    const encoder = new VitEncoder(config, store);
    const x = tf.zeros([3, 16, 16, 1]);
    const z = encoder.encode(x);
    expect(z.shape).toEqual([3, 5]);
    const d = 8;
    const expected =
      (16 * d + d) + // stem: 4x4 patches of 1 channel -> d
      2 * (9 * d * d + 2 * 4 * 4 * d + 2 * d * d) + // conv blocks (layer norm over [4,4,d])
      (2 * d + d * 3 * 8 + 8 * d + 2 * d + d * 16 + 16 + 16 * d + d) + // one transformer layer
      (d * 5 + 5); // mean over tokens, then the output layer (no final norm: vit-pytorch 0.38.1's Transformer has none)
    expect(store.parameterCount()).toBe(expected);
    tf.dispose([x, z]);
    encoder.dispose();
    store.dispose();
  });
});

describe('the paper preset', () => {
  it("has the original network's parameter count (4,823,297 for its one-logit binary task)", () => {
    // PyTorch count of program_structured(...) with log.json's network config and target_dim 1
    // (CONSTANT_COLOR_TARGET_DIM): encoder 4,034,816 (stem 65,792; conv blocks 3 x 753,664;
    // transformer 2 x 788,224; pool linear 131,584) + GINE 3 x 262,656 + head 513.
    const graph = chainGraph(9);
    const spec = specFor({ kind: 'gssnn', preset: PRESETS.paper, inputShape: [128, 128, 1], numClasses: 2, graph, seed: 0 });
    const model = buildModel(spec);
    expect(model.parameterCount()).toBe(4_823_297);
    model.dispose();
  });
});
