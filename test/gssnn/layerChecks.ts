/**
 * The checks every message-passing layer must pass, run the same way on each (see
 * layers.test.ts): gradients against finite differences, node-permutation equivariance,
 * edge-order invariance, batched outputs equal to per-graph outputs in both batching modes,
 * graphs without edges, and a flat tensor count over training steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect } from 'vitest';
import { type EdgeList, GraphBatch, SharedGraph } from '../../src/gssnn/layers/graphs.ts';
import type { MessagePassing } from '../../src/gssnn/layers/messagePassing.ts';
import { Random } from '../../src/util/random.ts';
import { edgeListArb, permutationArb } from '../arbitraries.ts';

export interface LayerSpec {
  name: string;
  /** Node feature width the layer takes. */
  inFeatures: number;
  /** Edge feature width, or 0 when the layer takes none. */
  edgeFeatures: number;
  make(rng: Random): MessagePassing;
}

export function randomValues(rng: Random, length: number, scale = 1): Float32Array {
  return Float32Array.from({ length }, () => rng.normal() * scale);
}

/** Output of `layer` on one graph in union mode, as a flat array. */
export function outputOf(layer: MessagePassing, edges: EdgeList, x: Float32Array, d: number, edgeAttr?: Float32Array, e = 0): Float32Array {
  const graph = new GraphBatch([edges]);
  try {
    return tf.tidy(() => {
      const xs = tf.tensor2d(x, [edges.numNodes, d]);
      const attrs = edgeAttr ? tf.tensor2d(edgeAttr, [edges.source.length, e]) : undefined;
      return layer.apply(graph, xs, attrs).dataSync() as Float32Array;
    });
  } finally {
    graph.dispose();
  }
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / (1 + Math.abs(expected[i])));
  }
  expect(worst).toBeLessThanOrEqual(tolerance);
}

const fixedGraph: EdgeList = {
  numNodes: 5,
  source: Int32Array.from([0, 1, 1, 2, 3, 4, 4, 0]),
  target: Int32Array.from([1, 0, 2, 1, 2, 3, 0, 4]),
};

/**
 * Directional derivatives from autodiff against central differences, for every variable,
 * the node features and the edge features. The loss is a fixed random projection of the output.
 */
export function checkGradients(spec: LayerSpec, seed: number): void {
  const rng = new Random(seed);
  const layer = spec.make(rng.fork('layer'));
  const graph = new GraphBatch([fixedGraph]);
  try {
    const x = tf.variable(tf.tensor2d(randomValues(rng, fixedGraph.numNodes * spec.inFeatures), [fixedGraph.numNodes, spec.inFeatures]));
    const m = fixedGraph.source.length;
    const attrs = spec.edgeFeatures ? tf.variable(tf.tensor2d(randomValues(rng, m * spec.edgeFeatures), [m, spec.edgeFeatures])) : null;
    const outShape = tf.tidy(() => layer.apply(graph, x, attrs ?? undefined).shape);
    const projection = tf.tensor(randomValues(rng, outShape.reduce((a, b) => a * b, 1), 0.3), outShape);
    const loss = () => tf.sum(tf.mul(layer.apply(graph, x, attrs ?? undefined), projection)) as tf.Scalar;
    const targets: tf.Variable[] = [...layer.variables, x, ...(attrs ? [attrs] : [])];
    const { value, grads } = tf.variableGrads(loss, targets);
    value.dispose();
    for (const variable of targets) {
      const direction = tf.tensor(randomValues(rng, variable.size), variable.shape);
      const analytic = tf.tidy(() => tf.sum(tf.mul(grads[variable.name], direction)).dataSync()[0]);
      const original = tf.clone(variable);
      // Small enough not to cross a ReLU kink, large enough for float32 rounding.
      const h = 1e-3;
      const at = (step: number) => {
        variable.assign(tf.tidy(() => tf.add(original, tf.mul(direction, step))));
        return tf.tidy(() => loss().dataSync()[0]);
      };
      const numeric = (at(h) - at(-h)) / (2 * h);
      variable.assign(original);
      tf.dispose([original, direction]);
      expect(Math.abs(numeric - analytic), `${spec.name}: d loss along a random direction of ${variable.name}`).toBeLessThanOrEqual(
        2e-3 + 1e-2 * Math.abs(analytic),
      );
    }
    tf.dispose([projection, x, ...(attrs ? [attrs] : []), ...Object.values(grads)]);
  } finally {
    graph.dispose();
    layer.dispose();
  }
}

function permuteGraph(edges: EdgeList, perm: number[]): EdgeList {
  return {
    numNodes: edges.numNodes,
    source: edges.source.map((v) => perm[v]),
    target: edges.target.map((v) => perm[v]),
  };
}

/** Relabelling nodes by a permutation permutes the output rows the same way. */
export function checkPermutationEquivariance(spec: LayerSpec, seed: number, numRuns = 12): void {
  const layer = spec.make(new Random(seed));
  try {
    fc.assert(
      fc.property(
        edgeListArb(6, 12).chain((edges) => fc.tuple(fc.constant(edges), permutationArb(edges.numNodes), fc.integer())),
        ([edges, perm, dataSeed]) => {
          const rng = new Random(dataSeed);
          const d = spec.inFeatures;
          const e = spec.edgeFeatures;
          const x = randomValues(rng, edges.numNodes * d);
          const attrs = e ? randomValues(rng, edges.source.length * e) : undefined;
          const out = outputOf(layer, edges, x, d, attrs, e);
          const permutedX = new Float32Array(x.length);
          for (let i = 0; i < edges.numNodes; i++) permutedX.set(x.subarray(i * d, (i + 1) * d), perm[i] * d);
          const permutedOut = outputOf(layer, permuteGraph(edges, perm), permutedX, d, attrs, e);
          const width = out.length / edges.numNodes;
          const expected = new Float32Array(out.length);
          for (let i = 0; i < edges.numNodes; i++) expected.set(out.subarray(i * width, (i + 1) * width), perm[i] * width);
          expectClose(permutedOut, expected);
        },
      ),
      { numRuns, seed },
    );
  } finally {
    layer.dispose();
  }
}

/** Listing the edges (with their features) in another order changes nothing. */
export function checkEdgeOrderInvariance(spec: LayerSpec, seed: number, numRuns = 12): void {
  const layer = spec.make(new Random(seed));
  try {
    fc.assert(
      fc.property(
        edgeListArb(6, 12).chain((edges) => fc.tuple(fc.constant(edges), permutationArb(edges.source.length), fc.integer())),
        ([edges, order, dataSeed]) => {
          const rng = new Random(dataSeed);
          const d = spec.inFeatures;
          const e = spec.edgeFeatures;
          const x = randomValues(rng, edges.numNodes * d);
          const attrs = e ? randomValues(rng, edges.source.length * e) : undefined;
          const shuffled: EdgeList = {
            numNodes: edges.numNodes,
            source: Int32Array.from(order, (k) => edges.source[k]),
            target: Int32Array.from(order, (k) => edges.target[k]),
          };
          const shuffledAttrs = attrs && e ? new Float32Array(attrs.length) : undefined;
          if (attrs && shuffledAttrs) order.forEach((k, at) => shuffledAttrs.set(attrs.subarray(k * e, (k + 1) * e), at * e));
          expectClose(outputOf(layer, shuffled, x, d, shuffledAttrs, e), outputOf(layer, edges, x, d, attrs, e));
        },
      ),
      { numRuns, seed },
    );
  } finally {
    layer.dispose();
  }
}

/**
 * Union mode: a disjoint union of several graphs gives each graph's own output.
 * Shared mode: B examples on one graph give the union-mode outputs of B copies, with edge
 * features per example ([B, M, e]) or common to the batch ([M, e]).
 */
export function checkBatching(spec: LayerSpec, seed: number, numRuns = 8): void {
  const layer = spec.make(new Random(seed));
  const d = spec.inFeatures;
  const e = spec.edgeFeatures;
  try {
    fc.assert(
      fc.property(fc.array(edgeListArb(5, 10), { minLength: 1, maxLength: 4 }), fc.integer(), (graphs, dataSeed) => {
        const rng = new Random(dataSeed);
        const xs = graphs.map((g) => randomValues(rng, g.numNodes * d));
        const attrs = graphs.map((g) => (e ? randomValues(rng, g.source.length * e) : undefined));
        const alone = graphs.map((g, k) => outputOf(layer, g, xs[k], d, attrs[k], e));
        const union = new GraphBatch(graphs);
        const together = tf.tidy(() => {
          const x = tf.tensor2d(concat(xs), [union.numNodes, d]);
          const a = e ? tf.tensor2d(concat(attrs as Float32Array[]), [union.numEdges, e]) : undefined;
          return layer.apply(union, x, a).dataSync() as Float32Array;
        });
        union.dispose();
        expectClose(together, concat(alone));

        // Shared mode: every example on graphs[0], with its own features.
        const g = graphs[0];
        const batch = xs.length;
        const xsOnG = graphs.map(() => randomValues(rng, g.numNodes * d));
        const attrsOnG = graphs.map(() => (e ? randomValues(rng, g.source.length * e) : undefined));
        const expected = concat(xsOnG.map((x, k) => outputOf(layer, g, x, d, attrsOnG[k], e)));
        const shared = new SharedGraph(g);
        const batched = tf.tidy(() => {
          const x = tf.tensor3d(concat(xsOnG), [batch, g.numNodes, d]);
          const a = e ? tf.tensor3d(concat(attrsOnG as Float32Array[]), [batch, g.source.length, e]) : undefined;
          return layer.apply(shared, x, a).dataSync() as Float32Array;
        });
        expectClose(batched, expected);
        if (e) {
          // One set of edge features for the whole batch.
          const common = attrsOnG[0] as Float32Array;
          const expectedCommon = concat(xsOnG.map((x) => outputOf(layer, g, x, d, common, e)));
          const batchedCommon = tf.tidy(() => {
            const x = tf.tensor3d(concat(xsOnG), [batch, g.numNodes, d]);
            return layer.apply(shared, x, tf.tensor2d(common, [g.source.length, e])).dataSync() as Float32Array;
          });
          expectClose(batchedCommon, expectedCommon);
        }
        shared.dispose();
      }),
      { numRuns, seed },
    );
  } finally {
    layer.dispose();
  }
}

/**
 * A graph without edges gives every node what a node that receives no message gets in a graph
 * with edges, in both batching modes (the base class handles the empty case for every layer).
 */
export function checkNoEdges(spec: LayerSpec, seed: number): void {
  const rng = new Random(seed);
  const layer = spec.make(rng.fork('layer'));
  const d = spec.inFeatures;
  const e = spec.edgeFeatures;
  // Only node 0 receives messages.
  const someEdges: EdgeList = { numNodes: 4, source: Int32Array.from([1, 2]), target: Int32Array.from([0, 0]) };
  const noEdges: EdgeList = { numNodes: 4, source: new Int32Array(0), target: new Int32Array(0) };
  const x = randomValues(rng, 4 * d);
  const attrs = e ? randomValues(rng, 2 * e) : undefined;
  try {
    const withEdges = outputOf(layer, someEdges, x, d, attrs, e);
    const alone = outputOf(layer, noEdges, x, d, e ? new Float32Array(0) : undefined, e);
    const width = alone.length / 4;
    expectClose(alone.subarray(width), withEdges.subarray(width), 1e-6);
    const shared = new SharedGraph(noEdges);
    const batched = tf.tidy(() => {
      const xs = tf.tensor3d(concat([x, x]), [2, 4, d]);
      return layer.apply(shared, xs, e ? tf.zeros([2, 0, e]) : undefined).dataSync() as Float32Array;
    });
    shared.dispose();
    expectClose(batched, concat([alone, alone]), 1e-6);
  } finally {
    layer.dispose();
  }
}

/** `steps` SGD steps on a shared graph leave the tensor count where the first step left it. */
export function checkTensorCountFlat(spec: LayerSpec, seed: number, steps = 100): void {
  const rng = new Random(seed);
  const layer = spec.make(rng.fork('layer'));
  const shared = new SharedGraph(fixedGraph);
  const batch = 3;
  const x = tf.tensor3d(randomValues(rng, batch * fixedGraph.numNodes * spec.inFeatures), [batch, fixedGraph.numNodes, spec.inFeatures]);
  const attrs = spec.edgeFeatures ? tf.tensor2d(randomValues(rng, fixedGraph.source.length * spec.edgeFeatures), [fixedGraph.source.length, spec.edgeFeatures]) : undefined;
  const optimizer = tf.train.sgd(0.01);
  const step = () =>
    tf.tidy(() => {
      optimizer.minimize(() => tf.mean(tf.square(layer.apply(shared, x, attrs))) as tf.Scalar, false, [...layer.variables]);
    });
  try {
    step();
    const after = tf.memory().numTensors;
    for (let i = 1; i < steps; i++) step();
    expect(tf.memory().numTensors, `${spec.name}: tensors after ${steps} steps`).toBe(after);
  } finally {
    optimizer.dispose();
    tf.dispose([x, ...(attrs ? [attrs] : [])]);
    shared.dispose();
    layer.dispose();
  }
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
