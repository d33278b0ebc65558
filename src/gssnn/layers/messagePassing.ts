/**
 * The message-passing base (PyTorch Geometric style). `propagate` gathers per-edge inputs,
 * calls the layer's `message`, aggregates the messages at each edge's target and calls the
 * layer's `update`; a layer writes only those two. A graph without edges is handled here once:
 * `update` receives zeros as the aggregated messages. The same layer runs in both batching
 * modes of `TensorGraph`:
 *
 *   union  (GraphBatch):  x `[N, d]`,    edgeAttr `[M, e]`,    output `[N, out]`
 *   shared (SharedGraph): x `[B, N, d]`, edgeAttr `[B, M, e]`
 *                          or `[M, e]` (same for every example), output `[B, N, out]`
 *
 * Every layer owns its tf.Variables (`variables`, fixed order) and frees them in `dispose()`.
 * `apply` runs inside tf.tidy, so only the output survives the call.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Aggregation, TensorGraph } from './graphs.ts';

/** What a layer's `message` sees: lazy gathers over the edges, and the edge features. */
export interface EdgeContext {
  readonly graph: TensorGraph;
  /** Values of each edge's source node j (x_j): `[M, ·]` or `[B, M, ·]`. */
  source(x: tf.Tensor): tf.Tensor;
  /** Values of each edge's target node i (x_i). */
  target(x: tf.Tensor): tf.Tensor;
  /** Edge features, broadcast to the batch in shared mode; undefined if none were given. */
  readonly edgeAttr: tf.Tensor | undefined;
}

export abstract class MessagePassing {
  /** How messages entering a node are combined. */
  abstract readonly aggregation: Aggregation;
  abstract readonly variables: readonly tf.Variable[];

  /** Per-edge messages from the edge context and the node features `x`. */
  protected abstract message(edges: EdgeContext, x: tf.Tensor): tf.Tensor;

  /** New node features from the aggregated messages and the old features `x`. */
  protected abstract update(aggregated: tf.Tensor, x: tf.Tensor, graph: TensorGraph): tf.Tensor;

  abstract dispose(): void;

  /** Width of one message for node features `x`; the node width unless a layer says otherwise. */
  protected messageWidth(x: tf.Tensor): number {
    return x.shape[x.rank - 1] as number;
  }

  /** One round of message passing. Shapes: see the file header. */
  apply(graph: TensorGraph, x: tf.Tensor, edgeAttr?: tf.Tensor): tf.Tensor {
    checkShapes(graph, x, edgeAttr);
    return tf.tidy(() => this.propagate(graph, x, edgeAttr));
  }

  protected propagate(graph: TensorGraph, x: tf.Tensor, edgeAttr?: tf.Tensor): tf.Tensor {
    // No edges, no messages: every node aggregates zeros (as a scatter over no edges gives).
    // The gathers and the aggregation are skipped: the wasm backend rejects zero-sized GEMMs.
    if (graph.numEdges === 0) return this.update(tf.zeros([...x.shape.slice(0, -1), this.messageWidth(x)]), x, graph);
    const context: EdgeContext = {
      graph,
      source: (t) => graph.gatherSource(t),
      target: (t) => graph.gatherTarget(t),
      edgeAttr: edgeAttr && graph.mode === 'shared' && edgeAttr.rank === 2 ? tf.expandDims(edgeAttr, 0) : edgeAttr,
    };
    const messages = this.message(context, x);
    return this.update(graph.aggregate(messages, this.aggregation), x, graph);
  }
}

function checkShapes(graph: TensorGraph, x: tf.Tensor, edgeAttr?: tf.Tensor): void {
  const nodeAxis = graph.mode === 'shared' ? 1 : 0;
  const expectedRank = graph.mode === 'shared' ? 3 : 2;
  if (x.rank !== expectedRank || x.shape[nodeAxis] !== graph.numNodes) {
    const want = graph.mode === 'shared' ? `[batch, ${graph.numNodes}, d]` : `[${graph.numNodes}, d]`;
    throw new RangeError(`node features must be ${want} for this ${graph.mode} graph, got [${x.shape}]`);
  }
  if (!edgeAttr) return;
  const ok =
    graph.mode === 'shared'
      ? (edgeAttr.rank === 3 && edgeAttr.shape[0] === x.shape[0] && edgeAttr.shape[1] === graph.numEdges) ||
        (edgeAttr.rank === 2 && edgeAttr.shape[0] === graph.numEdges)
      : edgeAttr.rank === 2 && edgeAttr.shape[0] === graph.numEdges;
  if (!ok) {
    const want = graph.mode === 'shared' ? `[${x.shape[0]}, ${graph.numEdges}, e] or [${graph.numEdges}, e]` : `[${graph.numEdges}, e]`;
    throw new RangeError(`edge features must be ${want} for this ${graph.mode} graph, got [${edgeAttr.shape}]`);
  }
}
