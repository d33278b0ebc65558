/**
 * The GNN layers of a G-SSNN, on the shared message-passing base (one graph for the whole
 * batch, aggregation as a dense incidence matmul). The original's GINE update is a single
 * linear map, `x_i' = W (x_i + sum_j ReLU(x_j + e_ji)) + b`; the standard GINE (an MLP
 * update) is the library's `GINE`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../../util/random.ts';
import { GINE } from '../layers/gine.ts';
import type { TensorGraph } from '../layers/graphs.ts';
import { type EdgeContext, MessagePassing } from '../layers/messagePassing.ts';
import { createDense, dense, type Dense } from '../nn/ops.ts';
import type { ParamStore } from '../nn/params.ts';

/** The original's layer: DGL GINEConv with `nn.Linear(dim, dim)` as update (PyTorch's init). */
export class LinearUpdateGine extends MessagePassing {
  readonly aggregation = 'sum' as const;
  readonly linear: Dense;

  constructor(store: ParamStore, name: string, dim: number) {
    super();
    this.linear = createDense(store, name, dim, dim);
  }

  get variables(): tf.Variable[] {
    return [this.linear.weight, ...(this.linear.bias ? [this.linear.bias] : [])];
  }

  protected message(edges: EdgeContext, x: tf.Tensor): tf.Tensor {
    if (!edges.edgeAttr) throw new RangeError('GINE needs edge features');
    return tf.relu(tf.add(edges.source(x), edges.edgeAttr));
  }

  protected update(aggregated: tf.Tensor, x: tf.Tensor, _graph: TensorGraph): tf.Tensor {
    return dense(this.linear, tf.add(x, aggregated));
  }

  /** The weights belong to the model's ParamStore, which disposes them. */
  dispose(): void {}
}

/**
 * Layer `name` of a G-SSNN. The original's linear-update layer registers its weights in
 * `store`; the library GINE (Glorot init from `rng`) has its weights adopted into it.
 */
export function createGnnLayer(update: 'linear' | 'mlp', store: ParamStore, name: string, rng: Random, dim: number): MessagePassing {
  if (update === 'linear') return new LinearUpdateGine(store, name, dim);
  let layer: GINE | undefined;
  // Inside tidy so that the initial values the variables were made from are freed (tidy keeps variables).
  tf.tidy(() => {
    layer = new GINE(rng, { inFeatures: dim, outFeatures: dim });
  });
  layer!.variables.forEach((v, k) => store.adopt(`${name}.${k}`, v));
  return layer!;
}

/**
 * A layer's output on a graph without edges (no messages: the update of x alone). Empty
 * matmuls are skipped because the wasm backend rejects zero-sized GEMMs.
 */
export function updateWithoutMessages(layer: MessagePassing, x: tf.Tensor): tf.Tensor {
  if (layer instanceof LinearUpdateGine) return dense(layer.linear, x);
  if (layer instanceof GINE) return layer.mlp.apply(layer.eps ? tf.mul(tf.add(layer.eps, 1), x) : tf.mul(1 + (layer.options.eps ?? 0), x));
  throw new Error('updateWithoutMessages: unknown layer');
}
