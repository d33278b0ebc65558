/** What every encoder offers a model: inputs `[batch, ...inputShape]` -> codes `[batch, outputDim]`. */
import type * as tf from '@tensorflow/tfjs-core';

export interface Encoder {
  readonly outputDim: number;
  encode(x: tf.Tensor): tf.Tensor2D;
}
