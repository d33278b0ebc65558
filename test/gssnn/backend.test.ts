/** Backend selection, and the same layer giving the same numbers on every backend. */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendChoiceError, activeBackend, initBackend, parseBackendName } from '../../src/gssnn/backend.ts';
import { Gat } from '../../src/gssnn/layers/gat.ts';
import { Mlp } from '../../src/gssnn/layers/dense.ts';
import { Gine } from '../../src/gssnn/layers/gine.ts';
import { SharedGraph } from '../../src/gssnn/layers/graphs.ts';
import { Sage } from '../../src/gssnn/layers/sage.ts';
import { randomConnectedGraph } from '../../src/gssnn/probe.ts';
import { Random } from '../../src/util/random.ts';
import { expectClose, randomValues } from './layerChecks.ts';

const savedEnv = process.env.SYNTH_BACKEND;
afterEach(() => {
  if (savedEnv === undefined) delete process.env.SYNTH_BACKEND;
  else process.env.SYNTH_BACKEND = savedEnv;
});

describe('initBackend', () => {
  it('picks the fastest available backend and says why the others did not load', async () => {
    delete process.env.SYNTH_BACKEND;
    const info = await initBackend();
    expect(['tfjs-node-gpu', 'tfjs-node', 'wasm']).toContain(info.name);
    expect(tf.getBackend()).toBe(info.tfBackend);
    expect(info.requestedBy).toBe('default');
    for (const faster of ['tfjs-node-gpu', 'tfjs-node'] as const) {
      if (faster === info.name) break;
      expect(info.unavailable[faster]).toMatch(/\S/);
    }
    if (info.name === 'wasm') {
      expect(info.details.threads).toBe(false);
      expect(info.hint).toMatch(/tfjs-node/);
    }
  });

  it('is idempotent and honours SYNTH_BACKEND', async () => {
    process.env.SYNTH_BACKEND = 'cpu';
    const first = await initBackend();
    const second = await initBackend();
    expect(second).toBe(first);
    expect(first.name).toBe('cpu');
    expect(first.requestedBy).toBe('SYNTH_BACKEND');
    expect(activeBackend()).toBe(first);
    // An explicit argument wins over the environment.
    expect((await initBackend('wasm')).name).toBe('wasm');
  });

  it('rejects unknown or missing backends with a fix', async () => {
    expect(() => parseBackendName('tpu', '--backend')).toThrow(/--backend: unknown backend "tpu"/);
    process.env.SYNTH_BACKEND = 'gpu';
    await expect(initBackend()).rejects.toThrow(/SYNTH_BACKEND: unknown backend "gpu"/);
    delete process.env.SYNTH_BACKEND;
    let native: unknown;
    try {
      await initBackend('tfjs-node-gpu');
    } catch (err) {
      native = err;
    }
    // Either it loads (a machine with it installed) or the error says how to get it.
    if (native) {
      expect(native).toBeInstanceOf(BackendChoiceError);
      expect((native as BackendChoiceError).hint).toMatch(/npm install/);
    }
  });
});

describe('layers agree across backends', () => {
  it('a shared graph without edges aggregates to zeros on every backend', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend(backend);
      const graph = new SharedGraph({ numNodes: 2, source: new Int32Array(0), target: new Int32Array(0) });
      const sums = tf.tidy(() => graph.aggregate(tf.zeros([3, 0, 4]), 'sum').arraySync() as number[][][]);
      expect(sums.flat(2)).toEqual(new Array(3 * 2 * 4).fill(0));
      graph.dispose();
    }
  });

  it('GINE, SAGE-max and GAT on a shared graph give the same outputs and gradients on cpu and wasm', async () => {
    const edges = randomConnectedGraph(7, 10, 3);
    const rng = new Random(8);
    const x = randomValues(rng, 4 * 7 * 6);
    const e = randomValues(rng, edges.source.length * 6);
    const results: Float32Array[][] = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend(backend);
      const layers = [
        new Gine(Mlp.glorot(new Random(1), 6, 5, 5)),
        new Sage(new Random(2), { inFeatures: 6, outFeatures: 5, aggregation: 'max' }),
        new Gat(new Random(3), { inFeatures: 6, headFeatures: 2, heads: 2 }),
      ];
      const graph = new SharedGraph(edges);
      const outs = tf.tidy(() => {
        const xs = tf.tensor3d(x, [4, 7, 6]);
        const es = tf.tensor2d(e, [edges.source.length, 6]);
        return layers.flatMap((layer) => {
          const f = () => tf.sum(tf.square(layer.apply(graph, xs, es))) as tf.Scalar;
          const { grads } = tf.variableGrads(f, [...layer.variables]);
          return [layer.apply(graph, xs, es).dataSync() as Float32Array, ...layer.variables.map((v) => grads[v.name].dataSync() as Float32Array)];
        });
      });
      results.push(outs);
      graph.dispose();
      layers.forEach((layer) => layer.dispose());
    }
    results[0].forEach((cpu, k) => expectClose(results[1][k], cpu, 1e-4));
  });
});
