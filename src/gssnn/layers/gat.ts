/**
 * GAT (Velickovic et al. 2018) with `heads` attention heads of width `headFeatures`:
 *   h = x W  (per head),  s_ij = LeakyReLU(a_src . h_j + a_dst . h_i, 0.2),
 *   alpha_ij = softmax of s_ij over the edges entering i,  x_i' = sum_j alpha_ij h_j + b,
 * heads concatenated (`[.., heads * headFeatures]`) or averaged (`concat: false`).
 * A node without incoming edges gets only the bias; build the graph with `withSelfLoops`
 * for the usual formulation where each node also attends to itself.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../../util/random.ts';
import { Linear, glorotVariable } from './dense.ts';
import type { TensorGraph } from './graphs.ts';
import { type EdgeContext, MessagePassing } from './messagePassing.ts';

export interface GatOptions {
  inFeatures: number;
  headFeatures: number;
  heads?: number;
  concat?: boolean;
  negativeSlope?: number;
}

export class Gat extends MessagePassing {
  readonly aggregation = 'sum' as const;
  readonly heads: number;
  readonly linear: Linear;
  /** `[heads, headFeatures]` attention vectors for the source and target ends. */
  readonly attendSource: tf.Variable;
  readonly attendTarget: tf.Variable;
  readonly bias: tf.Variable;
  readonly outFeatures: number;

  constructor(rng: Random, readonly options: GatOptions) {
    super();
    this.heads = options.heads ?? 1;
    const width = this.heads * options.headFeatures;
    this.linear = Linear.glorot(rng, options.inFeatures, width, false);
    this.attendSource = glorotVariable(rng, this.heads, options.headFeatures);
    this.attendTarget = glorotVariable(rng, this.heads, options.headFeatures);
    this.outFeatures = options.concat === false ? options.headFeatures : width;
    this.bias = tf.variable(tf.zeros([this.outFeatures]), true);
  }

  get variables(): tf.Variable[] {
    return [...this.linear.variables, this.attendSource, this.attendTarget, this.bias];
  }

  protected override propagate(graph: TensorGraph, x: tf.Tensor, edgeAttr?: tf.Tensor): tf.Tensor {
    return super.propagate(graph, this.linear.apply(x), edgeAttr);
  }

  /** `[..., H*C]` -> per-head dot product with `attend` -> `[..., H]`. */
  private score(h: tf.Tensor, attend: tf.Variable): tf.Tensor {
    const perHead = tf.reshape(h, [...h.shape.slice(0, -1), this.heads, this.options.headFeatures]);
    return tf.sum(tf.mul(perHead, attend), -1);
  }

  protected message(edges: EdgeContext, h: tf.Tensor): tf.Tensor {
    const raw = tf.add(edges.source(this.score(h, this.attendSource)), edges.target(this.score(h, this.attendTarget)));
    const alpha = edges.graph.softmax(tf.leakyRelu(raw, this.options.negativeSlope ?? 0.2));
    const hj = edges.source(h);
    const perHead = tf.reshape(hj, [...hj.shape.slice(0, -1), this.heads, this.options.headFeatures]);
    const weighted = tf.mul(perHead, tf.expandDims(alpha, -1));
    return tf.reshape(weighted, hj.shape);
  }

  protected update(aggregated: tf.Tensor, _h: tf.Tensor, _graph: TensorGraph): tf.Tensor {
    if (this.options.concat !== false) return tf.add(aggregated, this.bias);
    const perHead = tf.reshape(aggregated, [...aggregated.shape.slice(0, -1), this.heads, this.options.headFeatures]);
    return tf.add(tf.mean(perHead, -2), this.bias);
  }

  dispose(): void {
    this.linear.dispose();
    tf.dispose([this.attendSource, this.attendTarget, this.bias]);
  }
}
