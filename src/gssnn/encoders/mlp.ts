/** An MLP encoder for vector inputs: flatten, hidden layers with GELU, linear out to `outputDim`. */
import * as tf from '@tensorflow/tfjs-core';
import type { ParamStore } from '../nn/params.ts';
import { Linear } from '../layers/dense.ts';
import { gelu } from '../nn/ops.ts';
import type { Encoder } from './encoder.ts';

export interface MlpEncoderConfig {
  readonly kind: 'mlp';
  /** Number of input features (the product of the input shape). */
  readonly inputDim: number;
  readonly hidden: readonly number[];
  readonly outputDim: number;
}

export class MlpEncoder implements Encoder {
  private readonly layers: Linear[] = [];

  constructor(readonly config: MlpEncoderConfig, store: ParamStore, name = 'encoder') {
    const widths = [config.inputDim, ...config.hidden, config.outputDim];
    for (let i = 0; i + 1 < widths.length; i++) {
      this.layers.push(Linear.inStore(store, `${name}.layer${i}`, widths[i], widths[i + 1]));
    }
  }

  get outputDim(): number {
    return this.config.outputDim;
  }

  encode(x: tf.Tensor): tf.Tensor2D {
    let h: tf.Tensor = tf.reshape(x, [x.shape[0], this.config.inputDim]);
    this.layers.forEach((layer, i) => {
      h = layer.apply(h);
      if (i + 1 < this.layers.length) h = gelu(h);
    });
    return h as tf.Tensor2D;
  }
}
