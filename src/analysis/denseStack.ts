/**
 * A fully connected ReLU network that exposes its layers. Several analyses need the layer
 * structure that the `Model` contract hides (per-example gradients from one backward pass,
 * dead-neuron rates, node masks), so they run on this model; everything else works on any
 * `Model`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type Activation, Linear } from '../gssnn/layers/dense.ts';
import type { Model } from '../gssnn/models/model.ts';
import { Random } from '../util/random.ts';

/** One layer of the stack: the toolkit's `Linear` (weight `[in, out]`, bias `[out]`) and its activation. */
export class DenseLayer extends Linear {
  declare readonly bias: tf.Variable;

  constructor(
    weight: tf.Variable,
    bias: tf.Variable,
    readonly activation: Activation,
  ) {
    super(weight, bias);
  }
}

export type DenseStackConfig = {
  readonly inputSize: number;
  readonly hidden: readonly number[];
  readonly numClasses: number;
  readonly seed: number;
};

/** Per-layer inputs and pre-activations of one forward pass. */
export interface DenseTrace {
  /** Input of each layer `[n, in]`. */
  readonly inputs: tf.Tensor2D[];
  /** Pre-activation of each layer `[n, out]`. */
  readonly preActivations: tf.Tensor2D[];
  readonly logits: tf.Tensor2D;
}

let instance = 0;

export class DenseStack implements Model {
  readonly kind = 'dense-stack';
  readonly layers: DenseLayer[];
  readonly variables: tf.Variable[];
  /** Optional 0/1 masks over hidden units (node pruning), one per hidden layer. */
  private unitMasks: (tf.Tensor1D | null)[];

  constructor(readonly config: DenseStackConfig) {
    const rng = new Random(config.seed);
    const sizes = [config.inputSize, ...config.hidden, config.numClasses];
    const id = instance++;
    this.layers = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
      // He initialisation for ReLU layers keeps activations at unit scale with depth.
      const std = Math.sqrt(2 / fanIn);
      const w = Float32Array.from({ length: fanIn * fanOut }, () => rng.normal(0, std));
      this.layers.push(
        new DenseLayer(
          // Inside tidy so the initial-value tensors are freed once copied into the variables.
          tf.tidy(() => tf.variable(tf.tensor2d(w, [fanIn, fanOut]), true, `dense${id}_k${l}`)),
          tf.tidy(() => tf.variable(tf.zeros([fanOut]), true, `dense${id}_b${l}`)),
          l + 2 < sizes.length ? 'relu' : 'linear',
        ),
      );
    }
    this.variables = this.layers.flatMap((layer) => layer.variables);
    this.unitMasks = config.hidden.map(() => null);
  }

  /** Masks hidden units (1 keeps, 0 removes); `null` clears the mask of that layer. */
  setUnitMasks(masks: readonly (Float32Array | null)[]): void {
    this.unitMasks.forEach((m) => m?.dispose());
    this.unitMasks = masks.map((m, l) => {
      if (m === null) return null;
      if (m.length !== this.config.hidden[l]) throw new RangeError(`mask ${l} has ${m.length} entries, layer has ${this.config.hidden[l]} units`);
      return tf.keep(tf.tensor1d(m));
    });
  }

  /** The current unit masks (null where a layer is unmasked); owned by the stack. */
  currentUnitMasks(): readonly (tf.Tensor1D | null)[] {
    return this.unitMasks;
  }

  /**
   * Forward pass recording each layer's input and pre-activation. `preShift[l]`, when
   * given, is added to layer l's pre-activation: differentiating with respect to a zero
   * shift yields the per-example output gradients in one backward pass.
   */
  trace(x: tf.Tensor, preShift?: readonly tf.Tensor2D[]): DenseTrace {
    let h = tf.reshape(x, [x.shape[0], this.config.inputSize]) as tf.Tensor2D;
    const inputs: tf.Tensor2D[] = [];
    const preActivations: tf.Tensor2D[] = [];
    this.layers.forEach((layer, l) => {
      inputs.push(h);
      let z = layer.apply(h) as tf.Tensor2D;
      if (preShift) z = tf.add(z, preShift[l]) as tf.Tensor2D;
      preActivations.push(z);
      h = layer.activation === 'relu' ? tf.relu(z) : z;
      const mask = this.unitMasks[l];
      if (mask && layer.activation === 'relu') h = tf.mul(h, mask) as tf.Tensor2D;
    });
    return { inputs, preActivations, logits: h };
  }

  logits(x: tf.Tensor, _training: boolean): tf.Tensor2D {
    return tf.tidy(() => this.trace(x).logits);
  }

  parameterCount(): number {
    return this.variables.reduce((n, v) => n + v.size, 0);
  }

  dispose(): void {
    this.variables.forEach((v) => v.dispose());
    this.unitMasks.forEach((m) => m?.dispose());
  }
}
