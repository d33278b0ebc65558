/**
 * The GNN layers of a G-SSNN, on the shared message-passing base (one graph for the whole
 * batch, aggregation as a dense incidence matmul). The original's GINE update is a single
 * linear map, `x_i' = W (x_i + sum_j ReLU(x_j + e_ji)) + b`; the standard GINE (an MLP
 * update) is the library's `GINE`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../../util/random.ts';
import { Linear } from '../layers/dense.ts';
import { GINE } from '../layers/gine.ts';
import type { GraphStructure } from '../layers/graphs.ts';
import { type EdgeContext, MessagePassing } from '../layers/messagePassing.ts';

export class LinearUpdateGine extends MessagePassing {
  readonly aggregation = 'sum' as const;
  readonly linear: Linear;

  constructor(rng: Random, dim: number) {
    super();
    this.linear = new Linear(rng, dim, dim);
  }

  get variables(): tf.Variable[] {
    return this.linear.variables;
  }

  protected message(edges: EdgeContext, x: tf.Tensor): tf.Tensor {
    if (!edges.edgeAttr) throw new RangeError('GINE needs edge features');
    return tf.relu(tf.add(edges.source(x), edges.edgeAttr));
  }

  protected update(aggregated: tf.Tensor, x: tf.Tensor, _graph: GraphStructure): tf.Tensor {
    return this.linear.apply(tf.add(x, aggregated));
  }

  dispose(): void {
    this.linear.dispose();
  }
}

export function createGnnLayer(update: 'linear' | 'mlp', rng: Random, dim: number): MessagePassing {
  let layer: MessagePassing | undefined;
  // Inside tidy so that the initial values the variables were made from are freed (tidy keeps variables).
  tf.tidy(() => {
    layer = update === 'linear' ? new LinearUpdateGine(rng, dim) : new GINE(rng, { inFeatures: dim, outFeatures: dim });
  });
  return layer!;
}

/**
 * A layer's output on a graph without edges (no messages: the update of x alone). Empty
 * matmuls are skipped because the wasm backend rejects zero-sized GEMMs.
 */
export function updateWithoutMessages(layer: MessagePassing, x: tf.Tensor): tf.Tensor {
  if (layer instanceof LinearUpdateGine) return layer.linear.apply(x);
  if (layer instanceof GINE) return layer.mlp.apply(layer.eps ? tf.mul(tf.add(layer.eps, 1), x) : tf.mul(1 + (layer.options.eps ?? 0), x));
  throw new Error('updateWithoutMessages: unknown layer');
}
