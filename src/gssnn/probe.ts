/**
 * Short speed probes of the active backend, used by `synth doctor` and benchmarks/gnn.ts:
 * plain matmul GFLOP/s, and training steps of a stack of GINE layers on a shared graph.
 * Each probe runs for about `seconds` (after one warm-up call) and frees what it made.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../util/random.ts';
import { Mlp } from './layers/dense.ts';
import { Gine } from './layers/gine.ts';
import { type EdgeList, SharedGraph } from './layers/graphs.ts';

export interface Rate {
  /** Calls completed in the timed window. */
  readonly calls: number;
  readonly seconds: number;
  /** Calls per wall-clock second. */
  readonly perSecond: number;
  /** CPU seconds this process used in the window (user + system). */
  readonly cpuSeconds: number;
  /**
   * Calls per CPU second of this process: steadier than wall time on a shared machine
   * (the backends here are single-threaded, so on a quiet machine the two agree).
   */
  readonly perCpuSecond: number;
}

/** Calls `work` repeatedly for about `seconds` (at least `minCalls` times) after one warm-up. */
export function timeCalls(work: () => void, seconds: number, minCalls = 3): Rate {
  work();
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let calls = 0;
  let elapsed = 0;
  while (calls < minCalls || elapsed < seconds) {
    work();
    calls++;
    elapsed = (performance.now() - start) / 1000;
  }
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { calls, seconds: elapsed, perSecond: calls / elapsed, cpuSeconds, perCpuSecond: calls / Math.max(cpuSeconds, 1e-9) };
}

export interface Throughput {
  /** Per wall-clock second. */
  readonly gflops: number;
  /** Per CPU second of this process. */
  readonly gflopsPerCpuSecond: number;
}

/** GFLOP/s of an `[m, k] x [k, n]` matmul (2mkn flops per call). */
export function matmulGflops(m: number, k: number, n: number, seconds: number): Throughput {
  const a = tf.randomNormal([m, k], 0, 1, 'float32', 1);
  const b = tf.randomNormal([k, n], 0, 1, 'float32', 2);
  try {
    const rate = timeCalls(() => {
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
    }, seconds);
    const flops = 2 * m * k * n;
    return { gflops: (flops * rate.perSecond) / 1e9, gflopsPerCpuSecond: (flops * rate.perCpuSecond) / 1e9 };
  } finally {
    tf.dispose([a, b]);
  }
}

/** A connected random graph on `nodes` nodes with `edges` undirected edges, both directions listed. */
export function randomConnectedGraph(nodes: number, edges: number, seed: number): EdgeList {
  const rng = new Random(seed);
  const pairs: [number, number][] = [];
  // A random spanning tree keeps the graph connected; the rest are random extra edges.
  for (let v = 1; v < nodes; v++) pairs.push([rng.int(v), v]);
  while (pairs.length < edges) {
    const a = rng.int(nodes);
    const b = rng.int(nodes);
    if (a !== b) pairs.push([a, b]);
  }
  const source = new Int32Array(2 * pairs.length);
  const target = new Int32Array(2 * pairs.length);
  pairs.forEach(([a, b], e) => {
    source[2 * e] = a;
    target[2 * e] = b;
    source[2 * e + 1] = b;
    target[2 * e + 1] = a;
  });
  return { numNodes: nodes, source, target };
}

export interface GineProbeConfig {
  nodes: number;
  /** Undirected edges; each becomes two directed message edges. */
  edges: number;
  width: number;
  batch: number;
  layers: number;
  seconds: number;
  seed?: number;
  /**
   * Write the layer with stock tfjs instead: `tf.gather` for x_j and the stock
   * unsortedSegmentSum algorithm (one masked sum per node, as tfjs-backend-cpu 4.22 does it;
   * wasm ships none) for the aggregation. The baseline our speed-up is measured against.
   */
  stock?: boolean;
}

export interface GineProbeResult {
  readonly stepsPerSecond: number;
  readonly stepsPerCpuSecond: number;
  readonly gflopsPerCpuSecond: number;
  /** Useful flops of one training step (dense layers x3 for forward + backward, plus edge work). */
  readonly flopsPerStep: number;
  readonly gflops: number;
  /** Messages (directed edges x batch) processed per second, forward and backward. */
  readonly messagesPerSecond: number;
}

/**
 * Training steps per second of `layers` GINE layers (width -> width, MLP hidden = width) with a
 * mean readout and squared loss, on one shared graph, batch `[batch, nodes, width]`.
 */
export function probeGineTraining(config: GineProbeConfig): GineProbeResult {
  const { nodes, width, batch, layers, seconds } = config;
  const rng = new Random(config.seed ?? 7);
  const edges = randomConnectedGraph(nodes, config.edges, rng.nextUint32());
  const graph = new SharedGraph(edges);
  const stack = Array.from({ length: layers }, () => new Gine(Mlp.glorot(rng, width, width, width)));
  const m = edges.source.length;
  const x = tf.randomNormal([batch, nodes, width], 0, 1, 'float32', 3);
  const edgeAttr = tf.randomNormal([m, width], 0, 1, 'float32', 4);
  const targetIds = tf.tensor1d(edges.target, 'int32');
  const optimizer = tf.train.sgd(1e-3);
  const variables = stack.flatMap((layer) => layer.variables);
  const restore = config.stock ? useStockOps(graph, edges, targetIds) : () => {};
  try {
    const step = () =>
      tf.tidy(() => {
        const loss = optimizer.minimize(
          () => {
            let h: tf.Tensor = x;
            for (const layer of stack) h = layer.apply(graph, h, edgeAttr);
            return tf.mean(tf.square(tf.mean(h, 1))) as tf.Scalar;
          },
          true,
          variables,
        );
        loss?.dataSync();
      });
    const rate = timeCalls(step, seconds);
    const rows = batch * nodes;
    const dense = 2 * 2 * rows * width * width; // two linear maps per MLP
    const edgeWork = batch * m * width * 2; // add + relu per message
    const aggregation = 2 * batch * m * width; // one add per message, counted as 2 flops like a matmul
    const flopsPerStep = 3 * layers * (dense + edgeWork + aggregation);
    return {
      stepsPerSecond: rate.perSecond,
      stepsPerCpuSecond: rate.perCpuSecond,
      gflopsPerCpuSecond: (flopsPerStep * rate.perCpuSecond) / 1e9,
      flopsPerStep,
      gflops: (flopsPerStep * rate.perSecond) / 1e9,
      messagesPerSecond: batch * m * layers * rate.perSecond,
    };
  } finally {
    restore();
    optimizer.dispose();
    tf.dispose([x, edgeAttr, targetIds]);
    stack.forEach((layer) => layer.dispose());
    graph.dispose();
  }
}

/** Swaps the graph's gathers and sum aggregation for stock tfjs ones; returns the undo. */
function useStockOps(graph: SharedGraph, edges: EdgeList, targetIds: tf.Tensor1D): () => void {
  const saved = { aggregate: graph.aggregate, gatherSource: graph.gatherSource, gatherTarget: graph.gatherTarget };
  const sourceIds = tf.tensor1d(edges.source, 'int32');
  graph.gatherSource = (x) => tf.gather(x, sourceIds, 1);
  graph.gatherTarget = (x) => tf.gather(x, targetIds, 1);
  graph.aggregate = (messages, how) => {
    if (how !== 'sum') return saved.aggregate.call(graph, messages, how);
    return tf.tidy(() => {
      const edgeMajor = tf.transpose(messages, [1, 0, 2]);
      return tf.transpose(stockUnsortedSegmentSum(edgeMajor, targetIds, graph.numNodes), [1, 0, 2]);
    });
  };
  return () => {
    Object.assign(graph, saved);
    sourceIds.dispose();
  };
}

/** The stock cpu kernel's algorithm (one masked sum per segment), as tfjs 4.22 ships it. */
export function stockUnsortedSegmentSum(x: tf.Tensor, segmentIds: tf.Tensor1D, numSegments: number): tf.Tensor {
  return tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    const expanded = tf.reshape(segmentIds, [segmentIds.shape[0], ...x.shape.slice(1).map(() => 1)]);
    for (let s = 0; s < numSegments; s++) {
      const mask = tf.cast(tf.equal(expanded, s), x.dtype);
      parts.push(tf.sum(tf.mul(mask, x), 0));
    }
    return tf.stack(parts);
  });
}
