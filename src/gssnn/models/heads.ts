/**
 * Baselines without a graph, trained exactly like the G-SSNN:
 * - `linear`: the encoder alone, its output layer being the classifier (the original's baseline);
 * - `mlp`: the encoder, then `depth` hidden layers of width `dim` with ReLU and the same
 *   dropout, then a linear head. With width `dim` its parameter count equals the G-SSNN's
 *   exactly (each GINE layer is one `dim x dim` linear map plus bias), so it isolates what the
 *   wiring contributes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Random, deriveSeed } from '../../util/random.ts';
import type { Model } from './model.ts';
import { buildEncoder, type OwnedEncoder } from '../encoders/index.ts';
import { ParamStore } from '../nn/params.ts';
import { Linear } from '../layers/dense.ts';
import { dropout } from '../nn/ops.ts';
import { classLogits, outputWidth } from './output.ts';
import { modelKindFromName, type ModelSpec } from './spec.ts';

export class EncoderHeadModel implements Model {
  readonly kind: string;
  readonly variables: readonly tf.Variable[];
  private readonly store: ParamStore;
  private readonly encoder: OwnedEncoder;
  private readonly hidden: Linear[] = [];
  private readonly head: Linear | null;
  private readonly dropoutRng: Random;

  constructor(readonly config: ModelSpec) {
    const { family } = modelKindFromName(config.kind);
    if (family === 'gssnn') throw new Error(`EncoderHeadModel cannot build ${config.kind}`);
    this.kind = config.kind;
    this.store = new ParamStore(deriveSeed(config.seed, 'init'));
    this.dropoutRng = new Random(deriveSeed(config.seed, 'dropout'));
    this.encoder = buildEncoder(config.encoder, this.store);
    if (family === 'linear') {
      if (config.encoder.outputDim !== outputWidth(config)) {
        throw new Error(`linear baseline: encoder output width must be the model's output width ${outputWidth(config)}`);
      }
      this.head = null;
    } else {
      const { dim, depth } = config.gnn;
      if (config.encoder.outputDim !== dim) throw new Error(`mlp baseline: encoder output width must be ${dim}`);
      for (let i = 0; i < depth; i++) this.hidden.push(Linear.inStore(this.store, `mlp.layer${i}`, dim, dim));
      this.head = Linear.inStore(this.store, 'head', dim, outputWidth(config));
    }
    this.variables = this.store.variables;
  }

  get weightNames(): readonly string[] {
    return this.store.names;
  }

  logits(x: tf.Tensor, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      let h: tf.Tensor = this.encoder.encode(x);
      if (!this.head) return classLogits(this.config, h as tf.Tensor2D);
      for (const layer of this.hidden) {
        if (training) h = dropout(h, this.config.gnn.dropout, this.dropoutRng);
        h = tf.relu(layer.apply(h));
      }
      return classLogits(this.config, this.head.apply(h) as tf.Tensor2D);
    });
  }

  parameterCount(): number {
    return this.store.parameterCount();
  }

  dispose(): void {
    this.store.dispose();
    this.encoder.dispose?.();
  }
}
