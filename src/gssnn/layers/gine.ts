/**
 * GINE (Hu et al. 2020, GIN with edge features), the layer of G-SSNN modules:
 *   message  m_ij = ReLU(x_j + e_ij)
 *   update   x_i' = MLP((1 + eps) x_i + sum_j m_ij)
 * Shapes as in messagePassing.ts; edge features must have `edgeFeatures` columns (default
 * `inFeatures`; other widths are first projected to `inFeatures` by a linear map).
 * `eps` is a constant unless `trainEps`, then a trainable scalar.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../../util/random.ts';
import { Linear, MLP } from './dense.ts';
import type { TensorGraph } from './graphs.ts';
import { type EdgeContext, MessagePassing } from './messagePassing.ts';

export interface GINEOptions {
  inFeatures: number;
  outFeatures: number;
  /** Hidden width of the update MLP (default outFeatures). */
  hidden?: number;
  /** Width of the edge features (default inFeatures). */
  edgeFeatures?: number;
  eps?: number;
  trainEps?: boolean;
}

export class GINE extends MessagePassing {
  readonly aggregation = 'sum' as const;
  readonly mlp: MLP;
  /** Projects edge features to the node width when the two differ. */
  readonly edgeProjection: Linear | null;
  readonly eps: tf.Variable | null;
  private readonly fixedEps: number;

  constructor(rng: Random, readonly options: GINEOptions) {
    super();
    const { inFeatures, outFeatures } = options;
    const edgeFeatures = options.edgeFeatures ?? inFeatures;
    this.edgeProjection = edgeFeatures === inFeatures ? null : new Linear(rng, edgeFeatures, inFeatures);
    this.mlp = new MLP(rng, inFeatures, options.hidden ?? outFeatures, outFeatures);
    this.fixedEps = options.eps ?? 0;
    this.eps = options.trainEps ? tf.variable(tf.scalar(this.fixedEps), true) : null;
  }

  get variables(): tf.Variable[] {
    return [...(this.edgeProjection?.variables ?? []), ...this.mlp.variables, ...(this.eps ? [this.eps] : [])];
  }

  protected message(edges: EdgeContext, x: tf.Tensor): tf.Tensor {
    if (!edges.edgeAttr) throw new RangeError('GINE needs edge features: pass edgeAttr to apply()');
    const e = this.edgeProjection ? this.edgeProjection.apply(edges.edgeAttr) : edges.edgeAttr;
    return tf.relu(tf.add(edges.source(x), e));
  }

  protected update(aggregated: tf.Tensor, x: tf.Tensor, _graph: TensorGraph): tf.Tensor {
    const self = this.eps ? tf.mul(tf.add(this.eps, 1), x) : this.fixedEps === 0 ? x : tf.mul(1 + this.fixedEps, x);
    return this.mlp.apply(tf.add(self, aggregated));
  }

  dispose(): void {
    this.edgeProjection?.dispose();
    this.mlp.dispose();
    this.eps?.dispose();
  }
}
