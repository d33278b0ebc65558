/**
 * Injection: how a G-SSNN turns the encoder's output z (width d) into the node and edge
 * features of its GNN, following the original's GraphStructured module.
 *
 * - Elements (nodes, then edge rows) get one chunk of z each. With `nElt` rows,
 *   `increment = floor(d / nElt)`; the FIRST chunk takes the remainder:
 *   chunk 0 = z[0, increment + remainder), chunk k = the next `increment` values.
 *   Element of rank r (nodes and edges merged in id order) reads chunk r.
 * - Each chunk is tiled cyclically to width d: feature[j] = z[start + (j mod length)].
 * - A fixed 2D sin-cos code indexed by (element id, port) is added: port 0 for nodes,
 *   port p+1 for an edge on port p (the port at the end it is listed from).
 * - Messages flow both ways along each undirected edge, carrying that edge's features.
 *
 * The original listed every undirected edge twice (once from each end, its dedupe never
 * matched), so `nElt` counted each edge twice (the last chunks of z are never read) and
 * every message was sent twice. Its code table was also built with an "xy" meshgrid read
 * back as (element, port), so the code of (id a, port b) is the grid code at
 * row floor(k / nElt), column k mod nElt for k = a * (maxConn + 1) + b.
 * `reproduceOriginal` reproduces both; the default lists each edge once and uses
 * row = element id, column = port.
 *
 * Everything graph-dependent is computed once here (plain arrays) and turned into tensors
 * once per model by `Injection`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ProgramGraph } from '../dsl/graph.ts';
import { sinCos2d } from './encoders/positional.ts';
import { gatherRows } from './kernels/ops.ts';
import { registerSegmentKernels } from './kernels/register.ts';
import { UserFacingError } from '../util/errors.ts';

export interface InjectionOptions {
  /** List each edge twice and use the original's code layout (see the module comment). */
  readonly reproduceOriginal?: boolean;
}

/** One row of the feature table: a node, or an edge as listed from one of its ends. */
export interface ElementRow {
  readonly elementId: number;
  /** 0 for a node; port + 1 for an edge. */
  readonly port: number;
  /** Which chunk of z the row reads. */
  readonly chunk: number;
}

export interface Chunk {
  readonly start: number;
  readonly length: number;
}

/**
 * A directed message: from node index `source` to node index `target` along edge row
 * `edgeRow`. Messages come in two halves: every edge row in order, then every edge row in
 * the other direction, so message m carries edge row m mod (number of edge rows).
 */
export interface Message {
  readonly source: number;
  readonly target: number;
  readonly edgeRow: number;
}

export interface InjectionPlan {
  readonly dim: number;
  readonly nodeRows: readonly ElementRow[];
  readonly edgeRows: readonly ElementRow[];
  /** One per counted element (`nodeRows.length + edgeRows.length`); unused ones stay listed. */
  readonly chunks: readonly Chunk[];
  readonly messages: readonly Message[];
  readonly reproduceOriginal: boolean;
}

export class InjectionError extends UserFacingError {
  constructor(message: string) {
    super(message, { kind: 'usage', hint: 'try --preset paper (graph dimension 512)' });
  }
}

/** Splits width `dim` into `count` chunks, the first taking the remainder. */
export function elementChunks(dim: number, count: number): Chunk[] {
  if (count < 1) throw new InjectionError('a graph needs at least one element to inject into');
  const increment = Math.floor(dim / count);
  if (increment < 1) {
    throw new InjectionError(
      `graph has ${count} feature rows but the graph dimension is only ${dim}; ` +
        `use a graph dimension of at least ${count} (or a smaller program)`,
    );
  }
  const first = increment + (dim - increment * count);
  const chunks: Chunk[] = [{ start: 0, length: first }];
  for (let k = 1; k < count; k++) chunks.push({ start: first + (k - 1) * increment, length: increment });
  return chunks;
}

export function planInjection(graph: ProgramGraph, dim: number, options: InjectionOptions = {}): InjectionPlan {
  const reproduceOriginal = options.reproduceOriginal ?? false;
  if (dim % 4 !== 0) throw new InjectionError(`graph dimension ${dim} must be a multiple of 4 (sin-cos codes)`);
  if (graph.nodes.length === 0) throw new InjectionError('graph has no nodes');
  const nodeIndex = new Map<number, number>();
  graph.nodes.forEach((id, i) => nodeIndex.set(id, i));
  const rank = new Map<number, number>();
  [...graph.nodes, ...graph.edges.map((e) => e.id)]
    .sort((a, b) => a - b)
    .forEach((id, r) => {
      if (rank.has(id)) throw new InjectionError(`element id ${id} is used twice`);
      rank.set(id, r);
    });
  const nodeRows: ElementRow[] = graph.nodes.map((id) => ({ elementId: id, port: 0, chunk: rank.get(id)! }));
  const edgeRows: ElementRow[] = [];
  const messages: Message[] = [];
  for (const edge of graph.edges) {
    const s = nodeIndex.get(edge.source);
    const t = nodeIndex.get(edge.target);
    if (s === undefined || t === undefined) {
      throw new InjectionError(`edge ${edge.id} joins ${edge.source} and ${edge.target}, which are not both nodes`);
    }
    const chunk = rank.get(edge.id)!;
    const ends = reproduceOriginal ? [edge.sourcePort, edge.targetPort] : [edge.sourcePort];
    for (const port of ends) {
      const row = edgeRows.length;
      edgeRows.push({ elementId: edge.id, port: port + 1, chunk });
      messages.push({ source: s, target: t, edgeRow: row });
    }
  }
  // Then every row once more in the other direction: message m carries edge row m mod rows.
  const forward = messages.length;
  for (let m = 0; m < forward; m++) messages.push({ source: messages[m].target, target: messages[m].source, edgeRow: m });
  const chunks = elementChunks(dim, nodeRows.length + edgeRows.length);
  return { dim, nodeRows, edgeRows, chunks, messages, reproduceOriginal };
}

/** The fixed code added to a row's features. */
export function elementCode(plan: InjectionPlan, row: ElementRow, maxConn: number): Float32Array {
  if (!plan.reproduceOriginal) return sinCos2d(row.elementId, row.port, plan.dim);
  const nElt = plan.chunks.length;
  const k = row.elementId * (maxConn + 1) + row.port;
  return sinCos2d(Math.floor(k / nElt), k % nElt, plan.dim);
}

/** Index into z of every feature value of every row, rows in `rows` order: `[rows * dim]`. */
export function tilingIndex(plan: InjectionPlan, rows: readonly ElementRow[]): Int32Array {
  const out = new Int32Array(rows.length * plan.dim);
  rows.forEach((row, r) => {
    const { start, length } = plan.chunks[row.chunk];
    for (let j = 0; j < plan.dim; j++) out[r * plan.dim + j] = start + (j % length);
  });
  return out;
}

/**
 * The tensors of one plan, built once per model. `apply(z)` maps `[B, d]` codes to node
 * features `[B, nodes, d]` and edge features `[B, edgeRows, d]`.
 */
export class Injection {
  private readonly nodeIndex: tf.Tensor1D;
  private readonly edgeIndex: tf.Tensor1D | null;
  private readonly nodeCodes: tf.Tensor2D;
  private readonly edgeCodes: tf.Tensor2D | null;

  constructor(readonly plan: InjectionPlan, maxConn: number) {
    // The row gather below is one of our kernels; make sure they are installed on any backend.
    registerSegmentKernels();
    const { dim, nodeRows, edgeRows } = plan;
    const codes = (rows: readonly ElementRow[]) => {
      const out = new Float32Array(rows.length * dim);
      rows.forEach((row, r) => out.set(elementCode(plan, row, maxConn), r * dim));
      return tf.tensor2d(out, [rows.length, dim]);
    };
    this.nodeIndex = tf.tensor1d(tilingIndex(plan, nodeRows), 'int32');
    this.nodeCodes = codes(nodeRows);
    this.edgeIndex = edgeRows.length ? tf.tensor1d(tilingIndex(plan, edgeRows), 'int32') : null;
    this.edgeCodes = edgeRows.length ? codes(edgeRows) : null;
  }

  apply(z: tf.Tensor2D): { nodes: tf.Tensor3D; edges: tf.Tensor3D } {
    const batch = z.shape[0];
    const { dim, nodeRows, edgeRows } = this.plan;
    const rowsOf = (index: tf.Tensor1D, codes: tf.Tensor2D, count: number) =>
      tf.add(tf.reshape(gatherRows(z, index, 1), [batch, count, dim]), codes) as tf.Tensor3D;
    const nodes = rowsOf(this.nodeIndex, this.nodeCodes, nodeRows.length);
    const edges = this.edgeIndex && this.edgeCodes
      ? rowsOf(this.edgeIndex, this.edgeCodes, edgeRows.length)
      : (tf.zeros([batch, 0, dim]) as tf.Tensor3D);
    return { nodes, edges };
  }

  dispose(): void {
    this.nodeIndex.dispose();
    this.nodeCodes.dispose();
    this.edgeIndex?.dispose();
    this.edgeCodes?.dispose();
  }
}
