/**
 * GINE (Hu et al. 2020, GIN with edge features), the layer of G-SSNN modules:
 *   message  m_ij = ReLU(x_j + e_ij)
 *   update   x_i' = nn((1 + eps) x_i + sum_j m_ij)
 * As PyG's `GINEConv(nn)`, the update network is a parameter: a `Linear` (the original
 * G-SSNN's, DGL `GINEConv(nn.Linear(dim, dim))`) or an `Mlp` (the usual GINE). Shapes as in
 * messagePassing.ts; edge features must have the update's input width, or pass an
 * `edgeProjection` that maps them to it (PyG's `edge_dim`). `eps` is a constant unless
 * `trainEps`, then a trainable scalar.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Linear } from './dense.ts';
import type { TensorGraph } from './graphs.ts';
import { type EdgeContext, MessagePassing } from './messagePassing.ts';

/** What GINE applies to the combined features: `[..., in] -> [..., out]`. */
export interface UpdateNetwork {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly variables: readonly tf.Variable[];
  apply(x: tf.Tensor): tf.Tensor;
  dispose(): void;
}

export interface GineOptions {
  /** Maps edge features to the update's input width when the two differ. */
  edgeProjection?: Linear;
  eps?: number;
  trainEps?: boolean;
}

export class Gine extends MessagePassing {
  readonly aggregation = 'sum' as const;
  readonly edgeProjection: Linear | null;
  readonly eps: tf.Variable | null;
  private readonly fixedEps: number;

  /** The layer owns `nn` and the projection (`dispose()` frees them) unless a model's store holds them. */
  constructor(
    readonly nn: UpdateNetwork,
    options: GineOptions = {},
  ) {
    super();
    this.edgeProjection = options.edgeProjection ?? null;
    if (this.edgeProjection && this.edgeProjection.outFeatures !== nn.inFeatures) {
      throw new RangeError(`Gine: the edge projection gives ${this.edgeProjection.outFeatures} features, the update takes ${nn.inFeatures}`);
    }
    this.fixedEps = options.eps ?? 0;
    this.eps = options.trainEps ? tf.variable(tf.scalar(this.fixedEps), true) : null;
  }

  get inFeatures(): number {
    return this.nn.inFeatures;
  }

  get outFeatures(): number {
    return this.nn.outFeatures;
  }

  get variables(): tf.Variable[] {
    return [...(this.edgeProjection?.variables ?? []), ...this.nn.variables, ...(this.eps ? [this.eps] : [])];
  }

  protected message(edges: EdgeContext, x: tf.Tensor): tf.Tensor {
    if (!edges.edgeAttr) throw new RangeError('Gine needs edge features: pass edgeAttr to apply()');
    const e = this.edgeProjection ? this.edgeProjection.apply(edges.edgeAttr) : edges.edgeAttr;
    return tf.relu(tf.add(edges.source(x), e));
  }

  protected update(aggregated: tf.Tensor, x: tf.Tensor, _graph: TensorGraph): tf.Tensor {
    const self = this.eps ? tf.mul(tf.add(this.eps, 1), x) : this.fixedEps === 0 ? x : tf.mul(1 + this.fixedEps, x);
    return this.nn.apply(tf.add(self, aggregated));
  }

  dispose(): void {
    this.edgeProjection?.dispose();
    this.nn.dispose();
    this.eps?.dispose();
  }
}
