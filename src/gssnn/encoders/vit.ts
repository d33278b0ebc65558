/**
 * The original's image encoder (PixelShuffle_ViT_Encoder): pixels from [0, 1] to [-1, 1] (the
 * original's data loader did this), pixel-unshuffle the image into `downsampledSize^2` tokens,
 * a 1x1 conv to `dim` channels, `convDepth` residual blocks (3x3 conv, layer norm over
 * [C,H,W], 1x1 conv, GELU, 1x1 conv), 2D sin-cos position codes, the pre-norm transformer of
 * vit-pytorch 0.38.1's simple ViT (its `Transformer` alone: no final norm, which belongs to
 * `SimpleViT`'s head), mean over tokens, linear to `outputDim`. Layout is NHWC throughout
 * (tfjs's conv layout); docs/models.md derives every line from the original.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from '../nn/params.ts';
import { Linear } from '../layers/dense.ts';
import { createLayerNorm, gelu, layerNorm, type LayerNorm } from '../nn/ops.ts';
import type { Encoder } from './encoder.ts';
import { sinCos2dGrid } from './positional.ts';

export interface VitEncoderConfig {
  readonly kind: 'vit';
  /** Side of the square input image. */
  readonly inputSize: number;
  readonly channels: number;
  /** Side of the token grid; `inputSize / downsampledSize` is the unshuffle factor. */
  readonly downsampledSize: number;
  readonly dim: number;
  readonly depth: number;
  readonly heads: number;
  readonly headDim: number;
  readonly mlpDim: number;
  readonly convDepth: number;
  readonly outputDim: number;
}

interface ConvResidual {
  readonly conv3: tf.Variable;
  readonly norm: LayerNorm;
  readonly mix1: tf.Variable;
  readonly mix2: tf.Variable;
}

interface TransformerLayer {
  readonly attnNorm: LayerNorm;
  readonly qkv: Linear;
  readonly attnOut: Linear;
  readonly ffNorm: LayerNorm;
  readonly ffIn: Linear;
  readonly ffOut: Linear;
}

export function validateVitConfig(c: VitEncoderConfig): string[] {
  const problems: string[] = [];
  if (c.inputSize % c.downsampledSize !== 0) {
    problems.push(`inputSize ${c.inputSize} is not a multiple of downsampledSize ${c.downsampledSize}`);
  }
  if (c.dim % 4 !== 0) problems.push(`dim ${c.dim} must be a multiple of 4 (2D sin-cos codes)`);
  if (c.depth < 1) problems.push('transformer depth must be at least 1');
  return problems;
}

/**
 * A 3x3 'same' convolution without bias as one matmul over shifted copies (im2col). The wasm
 * backend has no conv2d filter gradient, and token grids are small, so this is also fast.
 * `weight` is `[3, 3, cin, cout]` (tfjs conv2d layout).
 */
export function conv3x3Same(x: tf.Tensor4D, weight: tf.Tensor): tf.Tensor4D {
  const [batch, h, w, cin] = x.shape;
  const cout = weight.shape[3] as number;
  const padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
  const shifted: tf.Tensor[] = [];
  for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) shifted.push(tf.slice(padded, [0, dy, dx, 0], [batch, h, w, cin]));
  const patches = tf.reshape(tf.concat(shifted, 3), [batch * h * w, 9 * cin]) as tf.Tensor2D;
  const out = tf.matMul(patches, tf.reshape(weight, [9 * cin, cout]) as tf.Tensor2D);
  return tf.reshape(out, [batch, h, w, cout]) as tf.Tensor4D;
}

export class VitEncoder implements Encoder {
  private readonly factor: number;
  private readonly stem: Linear;
  private readonly blocks: ConvResidual[] = [];
  private readonly layers: TransformerLayer[] = [];
  private readonly out: Linear;
  private readonly positions: tf.Tensor;

  constructor(readonly config: VitEncoderConfig, store: ParamStore, name = 'encoder') {
    const problems = validateVitConfig(config);
    if (problems.length) throw new RangeError(`vit encoder: ${problems.join('; ')}`);
    const { dim, downsampledSize: s, heads, headDim, mlpDim } = config;
    this.factor = config.inputSize / s;
    const unshuffled = config.channels * this.factor * this.factor;
    this.stem = Linear.inStore(store, `${name}.stem`, unshuffled, dim);
    for (let i = 0; i < config.convDepth; i++) {
      const p = `${name}.block${i}`;
      this.blocks.push({
        conv3: store.create(`${p}.conv3`, [3, 3, dim, dim], { kind: 'fanIn', fanIn: 9 * dim }),
        norm: createLayerNorm(store, `${p}.norm`, [s, s, dim]),
        mix1: store.create(`${p}.mix1`, [dim, dim], { kind: 'fanIn', fanIn: dim }),
        mix2: store.create(`${p}.mix2`, [dim, dim], { kind: 'fanIn', fanIn: dim }),
      });
    }
    const inner = heads * headDim;
    for (let i = 0; i < config.depth; i++) {
      const p = `${name}.transformer${i}`;
      this.layers.push({
        attnNorm: createLayerNorm(store, `${p}.attnNorm`, [dim]),
        qkv: Linear.inStore(store, `${p}.qkv`, dim, 3 * inner, false),
        attnOut: Linear.inStore(store, `${p}.attnOut`, inner, dim, false),
        ffNorm: createLayerNorm(store, `${p}.ffNorm`, [dim]),
        ffIn: Linear.inStore(store, `${p}.ffIn`, dim, mlpDim),
        ffOut: Linear.inStore(store, `${p}.ffOut`, mlpDim, dim),
      });
    }
    this.out = Linear.inStore(store, `${name}.out`, dim, config.outputDim);
    this.positions = tf.tensor(sinCos2dGrid(s, s, dim), [s * s, dim]);
  }

  get outputDim(): number {
    return this.config.outputDim;
  }

  encode(x: tf.Tensor): tf.Tensor2D {
    const { channels, downsampledSize: s, dim } = this.config;
    const batch = x.shape[0];
    const r = this.factor;
    // Pixel unshuffle: each r x r patch becomes one token of r*r*channels values.
    const signed = tf.sub(tf.mul(x, 2), 1);
    let h: tf.Tensor = tf.reshape(signed, [batch, s, r, s, r, channels]);
    h = tf.transpose(h, [0, 1, 3, 2, 4, 5]);
    h = tf.reshape(h, [batch, s, s, r * r * channels]);
    h = this.stem.apply(h);
    for (const block of this.blocks) {
      let y: tf.Tensor = conv3x3Same(h as tf.Tensor4D, block.conv3);
      y = layerNorm(block.norm, y);
      y = tf.matMul(tf.reshape(y, [-1, dim]) as tf.Tensor2D, block.mix1 as tf.Tensor2D);
      y = gelu(y);
      y = tf.matMul(y as tf.Tensor2D, block.mix2 as tf.Tensor2D);
      h = tf.add(h, tf.reshape(y, [batch, s, s, dim]));
    }
    let tokens: tf.Tensor = tf.add(tf.reshape(h, [batch, s * s, dim]), this.positions);
    for (const layer of this.layers) {
      tokens = tf.add(tokens, this.attention(layer, layerNorm(layer.attnNorm, tokens)));
      const ff = layer.ffOut.apply(gelu(layer.ffIn.apply(layerNorm(layer.ffNorm, tokens))));
      tokens = tf.add(tokens, ff);
    }
    return this.out.apply(tf.mean(tokens, 1)) as tf.Tensor2D;
  }

  private attention(layer: TransformerLayer, x: tf.Tensor): tf.Tensor {
    const { heads, headDim } = this.config;
    const [batch, tokens] = x.shape;
    const qkv = tf.reshape(layer.qkv.apply(x), [batch, tokens, 3, heads, headDim]);
    // [3, batch, heads, tokens, headDim]
    const split = tf.transpose(qkv, [2, 0, 3, 1, 4]);
    const [q, k, v] = tf.unstack(split, 0) as tf.Tensor4D[];
    const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim));
    const mixed = tf.matMul(tf.softmax(scores), v);
    const merged = tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch, tokens, heads * headDim]);
    return layer.attnOut.apply(merged);
  }

  dispose(): void {
    this.positions.dispose();
  }
}
