import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/gssnn/backend.ts';
import { Gat } from '../../src/gssnn/layers/gat.ts';
import { Gcn } from '../../src/gssnn/layers/gcn.ts';
import { Gin } from '../../src/gssnn/layers/gin.ts';
import { Linear, Mlp } from '../../src/gssnn/layers/dense.ts';
import { Gine } from '../../src/gssnn/layers/gine.ts';
import { GraphBatch } from '../../src/gssnn/layers/graphs.ts';
import { Sage } from '../../src/gssnn/layers/sage.ts';
import { gssnnLayer } from '../../src/gssnn/models/gssnn.ts';
import { ParamStore } from '../../src/gssnn/nn/params.ts';
import { Random } from '../../src/util/random.ts';
import {
  type LayerSpec,
  checkBatching,
  checkEdgeOrderInvariance,
  checkGradients,
  checkNoEdges,
  checkPermutationEquivariance,
  checkTensorCountFlat,
  expectClose,
  outputOf,
  randomValues,
} from './layerChecks.ts';

const specs: LayerSpec[] = [
  { name: 'GINE, MLP update', inFeatures: 4, edgeFeatures: 4, make: (rng) => new Gine(Mlp.glorot(rng, 4, 5, 3)) },
  {
    name: 'GINE (edge projection, trainable eps)',
    inFeatures: 3,
    edgeFeatures: 2,
    make: (rng) => {
      const edgeProjection = Linear.glorot(rng, 2, 3);
      return new Gine(Mlp.glorot(rng, 3, 4, 4), { edgeProjection, eps: 0.3, trainEps: true });
    },
  },
  // The layer every preset trains: the original's linear update, weights in a model's store.
  {
    name: 'G-SSNN layer, linear update',
    inFeatures: 4,
    edgeFeatures: 4,
    make: (rng) => gssnnLayer('linear', new ParamStore(rng.nextUint32()), 'gnn.layer0', rng, 4),
  },
  { name: 'G-SSNN layer, MLP update', inFeatures: 4, edgeFeatures: 4, make: (rng) => gssnnLayer('mlp', new ParamStore(rng.nextUint32()), 'gnn.layer0', rng, 4) },
  { name: 'GIN', inFeatures: 4, edgeFeatures: 0, make: (rng) => new Gin(rng, { inFeatures: 4, outFeatures: 3, trainEps: true, eps: 0.1 }) },
  { name: 'GCN', inFeatures: 4, edgeFeatures: 0, make: (rng) => new Gcn(rng, { inFeatures: 4, outFeatures: 3 }) },
  { name: 'SAGE mean', inFeatures: 4, edgeFeatures: 0, make: (rng) => new Sage(rng, { inFeatures: 4, outFeatures: 3 }) },
  { name: 'SAGE max', inFeatures: 4, edgeFeatures: 0, make: (rng) => new Sage(rng, { inFeatures: 4, outFeatures: 3, aggregation: 'max' }) },
  { name: 'SAGE sum', inFeatures: 4, edgeFeatures: 0, make: (rng) => new Sage(rng, { inFeatures: 4, outFeatures: 3, aggregation: 'sum' }) },
  { name: 'GAT 2 heads', inFeatures: 4, edgeFeatures: 0, make: (rng) => new Gat(rng, { inFeatures: 4, headFeatures: 3, heads: 2 }) },
  { name: 'GAT mean of heads', inFeatures: 4, edgeFeatures: 0, make: (rng) => new Gat(rng, { inFeatures: 4, headFeatures: 2, heads: 3, concat: false }) },
];

beforeAll(async () => {
  await initBackend('cpu');
});

describe.each(specs)('$name', (spec) => {
  it('gradients match finite differences', () => checkGradients(spec, 11));
  it('is equivariant to node permutations', () => checkPermutationEquivariance(spec, 12));
  it('is invariant to the order of edges', () => checkEdgeOrderInvariance(spec, 13));
  it('gives per-graph outputs in a disjoint union and on a shared graph', () => checkBatching(spec, 14));
  it('gives a graph without edges the output of nodes that receive no message', () => checkNoEdges(spec, 16));
  it('keeps the tensor count flat over 100 training steps', () => checkTensorCountFlat(spec, 15));
});

describe('layer semantics', () => {
  it('GINE computes MLP((1+eps) x_i + sum_j ReLU(x_j + e_ij)) on a path', () => {
    const rng = new Random(3);
    const layer = new Gine(Mlp.glorot(rng, 2, 2, 2), { eps: 0.5 });
    // 0 -> 1 and 2 -> 1: node 1 receives two messages, nodes 0 and 2 none.
    const edges = { numNodes: 3, source: Int32Array.from([0, 2]), target: Int32Array.from([1, 1]) };
    const x = Float32Array.from([1, -2, 0.5, 0.5, -1, 3]);
    const e = Float32Array.from([0.5, 1, 2, -4]);
    const out = outputOf(layer, edges, x, 2, e, 2);
    const relu = (v: number) => Math.max(0, v);
    const inputs = [
      [1.5 * 1, 1.5 * -2],
      [1.5 * 0.5 + relu(1 + 0.5) + relu(-1 + 2), 1.5 * 0.5 + relu(-2 + 1) + relu(3 - 4)],
      [1.5 * -1, 1.5 * 3],
    ];
    const expected = tf.tidy(() => layer.nn.apply(tf.tensor2d(inputs)).dataSync());
    expectClose(out, expected, 1e-6);
    layer.dispose();
  });

  it('GCN with no edges is a linear map scaled by 1 (the self-loop alone)', () => {
    const rng = new Random(4);
    const layer = new Gcn(rng, { inFeatures: 3, outFeatures: 2 });
    const x = randomValues(rng, 6);
    const out = outputOf(layer, { numNodes: 2, source: new Int32Array(0), target: new Int32Array(0) }, x, 3);
    const expected = tf.tidy(() => layer.linear.apply(tf.tensor2d(x, [2, 3])).dataSync());
    expectClose(out, expected, 1e-6);
    layer.dispose();
  });

  it('GAT attention over the edges entering a node sums to 1', () => {
    const rng = new Random(5);
    const edges = { numNodes: 4, source: Int32Array.from([0, 1, 2, 3, 0]), target: Int32Array.from([3, 3, 3, 0, 1]) };
    const graph = new GraphBatch([edges]);
    const weights = tf.tidy(() => graph.softmax(tf.tensor2d(randomValues(rng, 10), [5, 2])).arraySync() as number[][]);
    for (let h = 0; h < 2; h++) {
      expect(weights[0][h] + weights[1][h] + weights[2][h]).toBeCloseTo(1, 6);
      expect(weights[3][h]).toBeCloseTo(1, 6);
    }
    graph.dispose();
  });

  it('weights come from the seed', () => {
    const a = new Gine(Mlp.glorot(new Random(9), 3, 3, 3));
    const b = new Gine(Mlp.glorot(new Random(9), 3, 3, 3));
    const c = new Gine(Mlp.glorot(new Random(10), 3, 3, 3));
    expect(a.variables.map((v) => Array.from(v.dataSync()))).toEqual(b.variables.map((v) => Array.from(v.dataSync())));
    expect(Array.from(a.variables[0].dataSync())).not.toEqual(Array.from(c.variables[0].dataSync()));
    [a, b, c].forEach((l) => l.dispose());
  });

  it('reports wrong feature shapes with the expected shape', () => {
    const layer = new Gin(new Random(1), { inFeatures: 2, outFeatures: 2 });
    const graph = new GraphBatch([{ numNodes: 3, source: Int32Array.from([0]), target: Int32Array.from([1]) }]);
    const x = tf.zeros([4, 2]);
    expect(() => layer.apply(graph, x)).toThrow(/node features must be \[3, d\].*got \[4,2\]/);
    expect(() => new GraphBatch([{ numNodes: 2, source: Int32Array.from([0]), target: Int32Array.from([5]) }])).toThrow(
      /graph 0 of the batch: edge 0 has target node 5, outside 0..1/,
    );
    tf.dispose(x);
    graph.dispose();
    layer.dispose();
  });
});
