/**
 * GCN (Kipf & Welling 2017) with self-loops and symmetric normalisation:
 *   h = x W,   x_i' = sum_{j in N(i) + {i}} h_j / sqrt(d_i d_j) + b,   d = in-degree + 1.
 * The self-loop is added in `update`, so graphs are passed without loops. Shapes as in
 * messagePassing.ts; no edge features.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../../util/random.ts';
import { Linear } from './dense.ts';
import type { TensorGraph } from './graphs.ts';
import { type EdgeContext, MessagePassing } from './messagePassing.ts';

export interface GcnOptions {
  inFeatures: number;
  outFeatures: number;
}

export class Gcn extends MessagePassing {
  readonly aggregation = 'sum' as const;
  readonly linear: Linear;
  readonly bias: tf.Variable;

  constructor(rng: Random, readonly options: GcnOptions) {
    super();
    this.linear = Linear.glorot(rng, options.inFeatures, options.outFeatures, false);
    this.bias = tf.variable(tf.zeros([options.outFeatures]), true);
  }

  get variables(): tf.Variable[] {
    return [...this.linear.variables, this.bias];
  }

  /** Transforms first (cheaper when out < in), then propagates h = x W. */
  protected override propagate(graph: TensorGraph, x: tf.Tensor, edgeAttr?: tf.Tensor): tf.Tensor {
    return super.propagate(graph, this.linear.apply(x), edgeAttr);
  }

  protected message(edges: EdgeContext, h: tf.Tensor): tf.Tensor {
    const { graph } = edges;
    const norm = new Float32Array(graph.numEdges);
    for (let e = 0; e < graph.numEdges; e++) {
      norm[e] = 1 / Math.sqrt((graph.inDegree[graph.edges.source[e]] + 1) * (graph.inDegree[graph.edges.target[e]] + 1));
    }
    return tf.mul(edges.source(h), graph.edgeConstant(norm));
  }

  protected update(aggregated: tf.Tensor, h: tf.Tensor, graph: TensorGraph): tf.Tensor {
    const selfWeight = graph.inDegree.map((d) => 1 / (d + 1));
    return tf.add(tf.add(aggregated, tf.mul(h, graph.nodeConstant(selfWeight))), this.bias);
  }

  dispose(): void {
    this.linear.dispose();
    this.bias.dispose();
  }
}
