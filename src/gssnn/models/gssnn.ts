/**
 * The G-SSNN module: encoder -> injection (z into node and edge features, see inject.ts)
 * -> `depth` GINE layers, each preceded by dropout on node and edge features -> mean over
 * nodes -> linear head. With `update: 'linear'` (the original) each GINE layer's update is
 * one linear map of `x_i + sum_j ReLU(x_j + e_ji)` (eps = 0), with no nonlinearity between
 * layers. Message m runs along edge row m mod rows (see inject.ts), so the edge features of
 * all messages are the edge rows twice over.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Random, deriveSeed } from '../../util/random.ts';
import type { Model } from './model.ts';
import { buildEncoder, type OwnedEncoder } from '../encoders/index.ts';
import { Injection, planInjection } from '../inject.ts';
import { ParamStore } from '../nn/params.ts';
import { Linear, Mlp } from '../layers/dense.ts';
import { dropout } from '../nn/ops.ts';
import { SharedGraph } from '../layers/graphs.ts';
import { Gine } from '../layers/gine.ts';
import { classLogits, outputWidth } from './output.ts';
import type { ModelSpec } from './spec.ts';

export class GssnnModel implements Model {
  readonly kind: string;
  readonly variables: readonly tf.Variable[];
  private readonly store: ParamStore;
  private readonly encoder: OwnedEncoder;
  private readonly injection: Injection;
  private readonly graph: SharedGraph;
  private readonly layers: Gine[] = [];
  private readonly head: Linear;
  private readonly dropoutRng: Random;

  constructor(readonly config: ModelSpec) {
    const { graph, gnn } = config;
    if (!graph) throw new Error(`model ${config.kind} needs a graph`);
    if (config.encoder.outputDim !== gnn.dim) {
      throw new Error(`encoder output width ${config.encoder.outputDim} must equal the graph dimension ${gnn.dim}`);
    }
    this.kind = config.kind;
    this.store = new ParamStore(deriveSeed(config.seed, 'init'));
    this.dropoutRng = new Random(deriveSeed(config.seed, 'dropout'));
    this.encoder = buildEncoder(config.encoder, this.store);
    const plan = planInjection(graph, gnn.dim, { reproduceOriginal: gnn.reproduceOriginal });
    this.injection = new Injection(plan, graph.maxConn);
    this.graph = new SharedGraph({
      numNodes: plan.nodeRows.length,
      source: Int32Array.from(plan.messages, (m) => m.source),
      target: Int32Array.from(plan.messages, (m) => m.target),
    });
    const layerRng = new Random(deriveSeed(config.seed, 'gnn'));
    for (let i = 0; i < gnn.depth; i++) this.layers.push(gssnnLayer(gnn.update, this.store, `gnn.layer${i}`, layerRng, gnn.dim));
    this.head = Linear.inStore(this.store, 'head', gnn.dim, outputWidth(config));
    this.variables = this.store.variables;
  }

  get weightNames(): readonly string[] {
    return this.store.names;
  }

  logits(x: tf.Tensor, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const z = this.encoder.encode(x);
      let { nodes, edges } = this.injection.apply(z);
      const rate = this.config.gnn.dropout;
      // Both directions of an edge carry its features, each with its own dropout mask (the
      // original tiled the edge features before its edge dropout).
      const messageEdges = tf.concat([edges, edges], 1) as tf.Tensor3D;
      for (const layer of this.layers) {
        if (training) nodes = dropout(nodes, rate, this.dropoutRng) as tf.Tensor3D;
        const edgeFeatures = training ? dropout(messageEdges, rate, this.dropoutRng) : messageEdges;
        nodes = layer.apply(this.graph, nodes, edgeFeatures) as tf.Tensor3D;
      }
      return classLogits(this.config, this.head.apply(tf.mean(nodes, 1)) as tf.Tensor2D);
    });
  }

  parameterCount(): number {
    return this.store.parameterCount();
  }

  dispose(): void {
    this.store.dispose();
    this.injection.dispose();
    this.encoder.dispose?.();
    this.graph.dispose();
  }
}

/**
 * Layer `name` of a G-SSNN (exported for the shared layer checks): GINE with eps 0 and the preset's update network. The original's
 * `linear` update (DGL `GINEConv(nn.Linear(dim, dim))`, PyTorch's init) registers its weights
 * in `store` as `name.weight` / `name.bias`; the `mlp` update (Glorot init from `rng`) has its
 * weights adopted into the store as `name.0` .. `name.3`.
 */
export function gssnnLayer(update: 'linear' | 'mlp', store: ParamStore, name: string, rng: Random, dim: number): Gine {
  if (update === 'linear') return new Gine(Linear.inStore(store, name, dim, dim));
  const layer = new Gine(Mlp.glorot(rng, dim, dim, dim));
  layer.variables.forEach((v, k) => store.adopt(`${name}.${k}`, v));
  return layer;
}
