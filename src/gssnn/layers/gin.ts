/**
 * GIN (Xu et al. 2019):  x_i' = MLP((1 + eps) x_i + sum_j x_j).
 * Shapes as in messagePassing.ts; no edge features.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../../util/random.ts';
import { Mlp } from './dense.ts';
import type { TensorGraph } from './graphs.ts';
import { type EdgeContext, MessagePassing } from './messagePassing.ts';

export interface GinOptions {
  inFeatures: number;
  outFeatures: number;
  hidden?: number;
  eps?: number;
  trainEps?: boolean;
}

export class Gin extends MessagePassing {
  readonly aggregation = 'sum' as const;
  readonly mlp: Mlp;
  readonly eps: tf.Variable | null;
  private readonly fixedEps: number;

  constructor(rng: Random, readonly options: GinOptions) {
    super();
    this.mlp = Mlp.glorot(rng, options.inFeatures, options.hidden ?? options.outFeatures, options.outFeatures);
    this.fixedEps = options.eps ?? 0;
    this.eps = options.trainEps ? tf.variable(tf.scalar(this.fixedEps), true) : null;
  }

  get variables(): tf.Variable[] {
    return [...this.mlp.variables, ...(this.eps ? [this.eps] : [])];
  }

  protected message(edges: EdgeContext, x: tf.Tensor): tf.Tensor {
    return edges.source(x);
  }

  protected update(aggregated: tf.Tensor, x: tf.Tensor, _graph: TensorGraph): tf.Tensor {
    const self = this.eps ? tf.mul(tf.add(this.eps, 1), x) : this.fixedEps === 0 ? x : tf.mul(1 + this.fixedEps, x);
    return this.mlp.apply(tf.add(self, aggregated));
  }

  dispose(): void {
    this.mlp.dispose();
    this.eps?.dispose();
  }
}
