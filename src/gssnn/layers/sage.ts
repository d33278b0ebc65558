/**
 * GraphSAGE (Hamilton et al. 2017):  x_i' = W_self x_i + W_neigh agg_j x_j + b,
 * with mean aggregation by default (sum and max also allowed). Shapes as in
 * messagePassing.ts; no edge features.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../../util/random.ts';
import { Linear } from './dense.ts';
import type { Aggregation, TensorGraph } from './graphs.ts';
import { type EdgeContext, MessagePassing } from './messagePassing.ts';

export interface SageOptions {
  inFeatures: number;
  outFeatures: number;
  aggregation?: Aggregation;
}

export class Sage extends MessagePassing {
  readonly aggregation: Aggregation;
  readonly self: Linear;
  readonly neighbours: Linear;

  constructor(rng: Random, readonly options: SageOptions) {
    super();
    this.aggregation = options.aggregation ?? 'mean';
    this.self = Linear.glorot(rng, options.inFeatures, options.outFeatures, true);
    this.neighbours = Linear.glorot(rng, options.inFeatures, options.outFeatures, false);
  }

  get variables(): tf.Variable[] {
    return [...this.self.variables, ...this.neighbours.variables];
  }

  protected message(edges: EdgeContext, x: tf.Tensor): tf.Tensor {
    return edges.source(x);
  }

  protected update(aggregated: tf.Tensor, x: tf.Tensor, _graph: TensorGraph): tf.Tensor {
    return tf.add(this.self.apply(x), this.neighbours.apply(aggregated));
  }

  dispose(): void {
    this.self.dispose();
    this.neighbours.dispose();
  }
}
