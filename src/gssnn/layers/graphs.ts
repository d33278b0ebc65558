/**
 * The two ways a batch of graphs reaches a message-passing layer, behind one interface
 * (`TensorGraph`) that layers use to gather per-edge values and aggregate per node:
 *
 * - `GraphBatch`: many small graphs as one disjoint union. Node features are `[N, d]`
 *   (N = all nodes of all graphs), per-edge tensors `[M, d]`; `graphIndex` maps each node to
 *   its graph. Aggregation is a segment reduction (our linear kernels).
 * - `SharedGraph`: one graph used by every example of a batch (a G-SSNN module's wiring).
 *   Node features are `[B, N, d]`, per-edge tensors `[B, M, d]`; sum and mean aggregation are
 *   one dense incidence matmul `[N, M] x [B, M, d]`.
 *
 * Edges are directed, source j -> target i; messages flow along them and are aggregated at
 * the target. An undirected graph lists each edge once per direction (see `undirectedEdges`).
 * Both classes own their tensors: call `dispose()`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ProgramGraph } from '../../dsl/graph.ts';
import { gatherRows, segmentMax, segmentSoftmax } from '../kernels/ops.ts';

export type Aggregation = 'sum' | 'mean' | 'max';

/** A directed graph on nodes 0..numNodes-1: edge e goes from source[e] to target[e]. */
export interface EdgeList {
  readonly numNodes: number;
  readonly source: Int32Array;
  readonly target: Int32Array;
}

export interface TensorGraph {
  readonly mode: 'union' | 'shared';
  readonly numNodes: number;
  readonly numEdges: number;
  /** Per-edge values of the source node: `[N, d] -> [M, d]` or `[B, N, d] -> [B, M, d]`. */
  gatherSource(x: tf.Tensor): tf.Tensor;
  /** Per-edge values of the target node, same shapes as `gatherSource`. */
  gatherTarget(x: tf.Tensor): tf.Tensor;
  /** Reduces per-edge values into their target: `[M, d] -> [N, d]` or `[B, M, d] -> [B, N, d]`. */
  aggregate(messages: tf.Tensor, how: Aggregation): tf.Tensor;
  /** Softmax of per-edge scores `[M, H]` / `[B, M, H]` over the edges entering each node. */
  softmax(scores: tf.Tensor): tf.Tensor;
  /** A per-edge constant shaped to broadcast against per-edge tensors: `[M, 1]` / `[1, M, 1]`. */
  edgeConstant(values: Float32Array): tf.Tensor;
  /** A per-node constant shaped to broadcast against node tensors: `[N, 1]` / `[1, N, 1]`. */
  nodeConstant(values: Float32Array): tf.Tensor;
  /** In-degree of every node (edges entering it). */
  readonly inDegree: Float32Array;
  /** Out-degree of every node (edges leaving it). */
  readonly outDegree: Float32Array;
  /** The edge list this structure was built from (node indices in its own numbering). */
  readonly edges: EdgeList;
  dispose(): void;
}

/** Checks an edge list and says which edge is wrong and how. */
export function validateEdgeList(edges: EdgeList, where = 'edge list'): void {
  if (!Number.isInteger(edges.numNodes) || edges.numNodes < 0) {
    throw new RangeError(`${where}: numNodes must be a non-negative integer, got ${edges.numNodes}`);
  }
  if (edges.source.length !== edges.target.length) {
    throw new RangeError(`${where}: ${edges.source.length} sources but ${edges.target.length} targets; give one of each per edge`);
  }
  for (let e = 0; e < edges.source.length; e++) {
    for (const [end, v] of [['source', edges.source[e]], ['target', edges.target[e]]] as const) {
      if (!(v >= 0 && v < edges.numNodes)) {
        throw new RangeError(`${where}: edge ${e} has ${end} node ${v}, outside 0..${edges.numNodes - 1}`);
      }
    }
  }
}

function degrees(ends: Int32Array, numNodes: number): Float32Array {
  const out = new Float32Array(numNodes);
  for (const v of ends) out[v] += 1;
  return out;
}

/**
 * Both directions of every edge of a program's graph, each once (the original builder listed
 * every undirected edge twice), with node ids renumbered 0..n-1 in increasing id order.
 */
export function undirectedEdges(graph: ProgramGraph): EdgeList {
  const index = new Map<number, number>();
  graph.nodes.forEach((id, i) => index.set(id, i));
  const m = graph.edges.length;
  const source = new Int32Array(2 * m);
  const target = new Int32Array(2 * m);
  graph.edges.forEach((edge, e) => {
    const a = index.get(edge.source);
    const b = index.get(edge.target);
    if (a === undefined || b === undefined) {
      throw new RangeError(`graph edge ${edge.id} joins ${edge.source} and ${edge.target}, but one of them is not a node`);
    }
    source[2 * e] = a;
    target[2 * e] = b;
    source[2 * e + 1] = b;
    target[2 * e + 1] = a;
  });
  return { numNodes: graph.nodes.length, source, target };
}

/** The same graph with one extra edge i -> i per node, appended after the others. */
export function withSelfLoops(edges: EdgeList): EdgeList {
  const m = edges.source.length;
  const source = new Int32Array(m + edges.numNodes);
  const target = new Int32Array(m + edges.numNodes);
  source.set(edges.source);
  target.set(edges.target);
  for (let i = 0; i < edges.numNodes; i++) {
    source[m + i] = i;
    target[m + i] = i;
  }
  return { numNodes: edges.numNodes, source, target };
}

/** Many graphs as one disjoint union; node features `[N, d]`. */
export class GraphBatch implements TensorGraph {
  readonly mode = 'union' as const;
  readonly numNodes: number;
  readonly numEdges: number;
  readonly numGraphs: number;
  readonly inDegree: Float32Array;
  readonly outDegree: Float32Array;
  readonly edges: EdgeList;
  /** Graph of every node, int32 `[N]`. */
  readonly graphIndex: tf.Tensor1D;
  /** First node of each graph in the union, plus the total at the end. */
  readonly nodeOffsets: Int32Array;
  private readonly sourceIds: tf.Tensor1D;
  private readonly targetIds: tf.Tensor1D;
  private readonly inDegreeTensor: tf.Tensor1D;

  constructor(graphs: readonly EdgeList[]) {
    this.numGraphs = graphs.length;
    this.nodeOffsets = new Int32Array(graphs.length + 1);
    let edgeCount = 0;
    graphs.forEach((g, k) => {
      validateEdgeList(g, `graph ${k} of the batch`);
      this.nodeOffsets[k + 1] = this.nodeOffsets[k] + g.numNodes;
      edgeCount += g.source.length;
    });
    this.numNodes = this.nodeOffsets[graphs.length];
    this.numEdges = edgeCount;
    const source = new Int32Array(edgeCount);
    const target = new Int32Array(edgeCount);
    const graphOf = new Int32Array(this.numNodes);
    let at = 0;
    graphs.forEach((g, k) => {
      const offset = this.nodeOffsets[k];
      for (let e = 0; e < g.source.length; e++, at++) {
        source[at] = g.source[e] + offset;
        target[at] = g.target[e] + offset;
      }
      graphOf.fill(k, offset, offset + g.numNodes);
    });
    this.edges = { numNodes: this.numNodes, source, target };
    this.inDegree = degrees(target, this.numNodes);
    this.outDegree = degrees(source, this.numNodes);
    this.sourceIds = tf.tensor1d(source, 'int32');
    this.targetIds = tf.tensor1d(target, 'int32');
    this.graphIndex = tf.tensor1d(graphOf, 'int32');
    this.inDegreeTensor = tf.tensor1d(this.inDegree, 'float32');
  }

  gatherSource(x: tf.Tensor): tf.Tensor {
    return gatherRows(x, this.sourceIds, 0);
  }

  gatherTarget(x: tf.Tensor): tf.Tensor {
    return gatherRows(x, this.targetIds, 0);
  }

  aggregate(messages: tf.Tensor, how: Aggregation): tf.Tensor {
    switch (how) {
      case 'sum':
        return tf.unsortedSegmentSum(messages, this.targetIds, this.numNodes);
      case 'mean':
        return tf.tidy(() => {
          const sums = tf.unsortedSegmentSum(messages, this.targetIds, this.numNodes);
          const divisor = tf.reshape(tf.maximum(this.inDegreeTensor, 1), [this.numNodes, ...messages.shape.slice(1).map(() => 1)]);
          return tf.div(sums, divisor);
        });
      case 'max':
        return segmentMax(messages, this.targetIds, this.numNodes);
    }
  }

  softmax(scores: tf.Tensor): tf.Tensor {
    return segmentSoftmax(scores, this.targetIds, this.numNodes);
  }

  edgeConstant(values: Float32Array): tf.Tensor {
    return tf.tensor2d(values, [this.numEdges, 1]);
  }

  nodeConstant(values: Float32Array): tf.Tensor {
    return tf.tensor2d(values, [this.numNodes, 1]);
  }

  /** Mean of node rows per graph: `[N, d] -> [numGraphs, d]` (the usual readout). */
  meanPerGraph(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const sizes = new Float32Array(this.numGraphs);
      for (let k = 0; k < this.numGraphs; k++) sizes[k] = Math.max(1, this.nodeOffsets[k + 1] - this.nodeOffsets[k]);
      const sums = tf.unsortedSegmentSum(x, this.graphIndex, this.numGraphs);
      return tf.div(sums, tf.tensor2d(sizes, [this.numGraphs, 1]));
    });
  }

  dispose(): void {
    tf.dispose([this.sourceIds, this.targetIds, this.graphIndex, this.inDegreeTensor]);
  }
}

/**
 * One graph shared by every example of a batch; node features `[B, N, d]`. Holds the dense
 * target incidence `[N, M]` (1 where edge e enters node i) and its mean-normalised copy.
 */
export class SharedGraph implements TensorGraph {
  readonly mode = 'shared' as const;
  readonly numNodes: number;
  readonly numEdges: number;
  readonly inDegree: Float32Array;
  readonly outDegree: Float32Array;
  readonly edges: EdgeList;
  /** `[N, M]`: row i has a 1 for every edge entering node i. */
  readonly incidence: tf.Tensor2D;
  /** `[N, M]`: the incidence divided by the in-degree (mean aggregation). */
  readonly meanIncidence: tf.Tensor2D;
  private readonly sourceIds: tf.Tensor1D;
  private readonly targetIds: tf.Tensor1D;

  constructor(edges: EdgeList) {
    validateEdgeList(edges, 'shared graph');
    this.edges = edges;
    this.numNodes = edges.numNodes;
    this.numEdges = edges.source.length;
    this.inDegree = degrees(edges.target, this.numNodes);
    this.outDegree = degrees(edges.source, this.numNodes);
    const n = this.numNodes;
    const m = this.numEdges;
    const incidence = new Float32Array(n * m);
    const meanIncidence = new Float32Array(n * m);
    for (let e = 0; e < m; e++) {
      const i = edges.target[e];
      incidence[i * m + e] += 1;
      meanIncidence[i * m + e] += 1 / this.inDegree[i];
    }
    this.incidence = tf.tensor2d(incidence, [n, m]);
    this.meanIncidence = tf.tensor2d(meanIncidence, [n, m]);
    this.sourceIds = tf.tensor1d(edges.source, 'int32');
    this.targetIds = tf.tensor1d(edges.target, 'int32');
  }

  gatherSource(x: tf.Tensor): tf.Tensor {
    return gatherRows(x, this.sourceIds, 1);
  }

  gatherTarget(x: tf.Tensor): tf.Tensor {
    return gatherRows(x, this.targetIds, 1);
  }

  aggregate(messages: tf.Tensor, how: Aggregation): tf.Tensor {
    if (messages.rank !== 3) throw new RangeError(`SharedGraph.aggregate: messages must be [B, M, d], got [${messages.shape}]`);
    switch (how) {
      case 'sum':
        return incidenceMatmul(this.incidence, messages);
      case 'mean':
        return incidenceMatmul(this.meanIncidence, messages);
      case 'max':
        return this.perNodeOverEdges(messages, (rows) => segmentMax(rows, this.targetIds, this.numNodes));
    }
  }

  softmax(scores: tf.Tensor): tf.Tensor {
    return this.perNodeOverEdges(scores, (rows) => segmentSoftmax(rows, this.targetIds, this.numNodes));
  }

  edgeConstant(values: Float32Array): tf.Tensor {
    return tf.tensor3d(values, [1, this.numEdges, 1]);
  }

  nodeConstant(values: Float32Array): tf.Tensor {
    return tf.tensor3d(values, [1, this.numNodes, 1]);
  }

  /** Runs a segment op over the edge axis: `[B, M, F]` -> edge-major rows -> back to batch-major. */
  private perNodeOverEdges(values: tf.Tensor, op: (rows: tf.Tensor) => tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.transpose(op(tf.transpose(values, [1, 0, 2])), [1, 0, 2]));
  }

  dispose(): void {
    tf.dispose([this.incidence, this.meanIncidence, this.sourceIds, this.targetIds]);
  }
}

/** `[N, M] x [B, M, d] -> [B, N, d]` as one matmul `[N, M] x [M, B*d]` (one GEMM, not B). */
function incidenceMatmul(incidence: tf.Tensor2D, messages: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [b, m, d] = messages.shape;
    // wasm's matmul with an empty inner dimension returns uninitialised memory.
    if (m === 0) return tf.zeros([b, incidence.shape[0], d]);
    const edgeMajor = tf.reshape(tf.transpose(messages, [1, 0, 2]), [m, b * d]);
    const summed = tf.matMul(incidence, edgeMajor);
    return tf.transpose(tf.reshape(summed, [incidence.shape[0], b, d]), [1, 0, 2]);
  });
}
