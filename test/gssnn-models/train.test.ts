import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/gssnn/backend.ts';
import { buildModel, specFor, type ModelKindName } from '../../src/gssnn/models/index.ts';
import { loadModel, saveModel } from '../../src/gssnn/persist.ts';
import { PRESETS, scheduleFor } from '../../src/gssnn/presets.ts';
import { train, type TrainConfig } from '../../src/gssnn/train/trainer.ts';
import { classificationLoss } from '../../src/gssnn/train/losses.ts';
import { chainGraph } from '../../src/gssnn/models/wiring.ts';
import { blobs, halves, PAIR } from './helpers.ts';

const tiny = PRESETS.tiny;
const data = blobs(1);
const graph = chainGraph(5);
const config = (seed: number, overrides: Partial<TrainConfig> = {}): TrainConfig => ({ ...scheduleFor(tiny, 8), seed, ...overrides });
const gssnnSpec = (seed: number) => specFor({ kind: 'gssnn', preset: tiny, inputShape: data.inputShape, numClasses: 2, graph, seed });

let scratch: string;
beforeAll(async () => {
  await initBackend();
  scratch = mkdtempSync(path.join(tmpdir(), 'gssnn-models-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(seed: number, overrides: Partial<TrainConfig> = {}) {
  const model = buildModel(gssnnSpec(seed));
  try {
    return train(model, data, config(seed, overrides));
  } finally {
    model.dispose();
  }
}

describe('training a tiny G-SSNN', () => {
  it('learns a separable task to at least 95% test accuracy, leaking no tensors', () => {
    const start = tf.memory().numTensors;
    const model = buildModel(gssnnSpec(3));
    const before = tf.memory().numTensors;
    const result = train(model, data, config(3));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
    expect(result.status).toBe('completed');
    expect(result.test.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(result.train.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(result.epochs).toBe(8);
    expect(result.steps).toBe(8 * Math.ceil(data.train.count / tiny.train.batchSize));
  });

  it('gives identical metrics for the same seed and different ones for another seed', () => {
    const short = { epochs: 2 };
    const a = run(11, short);
    const b = run(11, short);
    const c = run(12, short);
    const metrics = (r: typeof a) => [r.train, r.validation, r.test, r.history.map((h) => h.trainLoss)];
    expect(metrics(a)).toEqual(metrics(b));
    expect(a.history.map((h) => h.trainLoss)).not.toEqual(c.history.map((h) => h.trainLoss));
  });

  it('reports a diverging configuration as diverged instead of throwing', () => {
    const result = run(5, { optimizer: { kind: 'sgd', lr: 1e30 } });
    expect(result.status).toBe('diverged');
    expect(result.divergedAt).toBeDefined();
    expect(Number.isFinite(result.divergedAt!.loss)).toBe(false);
  });

  it('calls step and epoch callbacks with the model, batch and loss, and stops on request', () => {
    const steps: number[] = [];
    const epochs: number[] = [];
    const model = buildModel(gssnnSpec(2));
    const result = train(model, data, config(2, { epochs: 3 }), {
      onStep: ({ model: m, step, batch, loss, lossOf }) => {
        expect(m).toBe(model);
        expect(batch.x.shape[0]).toBe(batch.y.shape[0]);
        const again = tf.tidy(() => lossOf(m.logits(batch.x, false), batch.y).dataSync()[0]);
        expect(Number.isFinite(again) && Number.isFinite(loss)).toBe(true);
        steps.push(step);
      },
      onEpoch: ({ epoch }) => {
        epochs.push(epoch);
        return epoch === 1 ? 'stop' : undefined;
      },
    });
    model.dispose();
    expect(result.status).toBe('stopped');
    expect(epochs).toEqual([0, 1]);
    expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1));
  });
});

describe('saved models', () => {
  it('give identical predictions after loading', () => {
    const model = buildModel(gssnnSpec(4));
    train(model, data, config(4, { epochs: 2 }));
    const dir = path.join(scratch, 'gssnn');
    saveModel(model, dir, { note: 'test' });
    const x = tf.tensor2d(data.test.x.subarray(0, 16 * 4), [16, 4]);
    const before = model.logits(x, false);
    const { model: loaded, manifest } = loadModel(dir);
    const after = loaded.logits(x, false);
    expect(manifest.metadata).toEqual({ note: 'test' });
    expect(loaded.parameterCount()).toBe(model.parameterCount());
    expect(Array.from(after.dataSync())).toEqual(Array.from(before.dataSync()));
    tf.dispose([x, before, after]);
    model.dispose();
    loaded.dispose();
  });
});

describe('baselines', () => {
  const kinds: ModelKindName[] = ['linear', 'mlp', 'gssnn-random', 'gssnn-chain', 'gssnn-star', 'gssnn-complete'];
  it.each(kinds)('%s trains, and control wirings match the program graph size', (kind) => {
    const spec = specFor({ kind, preset: tiny, inputShape: data.inputShape, numClasses: 2, graph, seed: 7 });
    if (spec.graph) {
      const elements = spec.graph.nodes.length + spec.graph.edges.length;
      expect(Math.abs(elements - 9)).toBeLessThanOrEqual(kind === 'gssnn-complete' ? 3 : 1);
    }
    const model = buildModel(spec);
    const result = train(model, data, config(7, { epochs: 4 }));
    model.dispose();
    expect(result.status).toBe('completed');
    expect(result.test.accuracy).toBeGreaterThan(0.8);
  });

  it('a program graph without edges (one node) trains', () => {
    const single = { nodes: [0], edges: [], nextId: 1, maxConn: 10 };
    const model = buildModel(specFor({ kind: 'gssnn', preset: tiny, inputShape: data.inputShape, numClasses: 2, graph: single, seed: 2 }));
    const result = train(model, data, config(2, { epochs: 2 }));
    model.dispose();
    expect(result.status).toBe('completed');
    expect(Number.isFinite(result.test.loss)).toBe(true);
  });

  it('the mlp baseline has exactly the G-SSNN parameter count', () => {
    const g = buildModel(gssnnSpec(1));
    const m = buildModel(specFor({ kind: 'mlp', preset: tiny, inputShape: data.inputShape, numClasses: 2, seed: 1 }));
    expect(m.parameterCount()).toBe(g.parameterCount());
    g.dispose();
    m.dispose();
  });
});

describe('image encoder', () => {
  it('a tiny ViT G-SSNN runs on images, in both injection modes', () => {
    const images = halves(2, 16);
    for (const reproduceOriginal of [false, true]) {
      const spec = specFor({ kind: 'gssnn', preset: tiny, inputShape: images.inputShape, numClasses: 2, graph: PAIR, seed: 1, reproduceOriginal });
      const model = buildModel(spec);
      const result = train(model, images, config(1, { epochs: 2 }));
      model.dispose();
      expect(result.status).toBe('completed');
      expect(result.steps).toBe(4);
      expect(Number.isFinite(result.test.loss)).toBe(true);
    }
  });
});

describe('gradients through the injection', () => {
  it('match central finite differences on the encoder weights', () => {
    const spec = { ...specFor({ kind: 'gssnn', preset: tiny, inputShape: data.inputShape, numClasses: 2, graph: PAIR, seed: 9 }) };
    const model = buildModel({ ...spec, gnn: { ...spec.gnn, dropout: 0 } });
    const x = tf.tensor2d(data.train.x.subarray(0, 8 * 4), [8, 4]);
    const y = tf.tensor1d(data.train.y.subarray(0, 8), 'int32');
    const lossValue = () => tf.tidy(() => classificationLoss('cross-entropy', model.logits(x, false), y).dataSync()[0]);
    const weight = model.variables[0];
    const { grads } = tf.variableGrads(() => classificationLoss('cross-entropy', model.logits(x, false), y), [weight]);
    const analytic = grads[weight.name].dataSync();
    const values = weight.dataSync().slice();
    const h = 1e-2;
    const probes = [0, 3, 7, 12];
    expect(Math.max(...probes.map((i) => Math.abs(analytic[i])))).toBeGreaterThan(1e-2);
    for (const i of probes) {
      const at = (delta: number) => {
        const shifted = values.slice();
        shifted[i] += delta;
        tf.tidy(() => weight.assign(tf.tensor(shifted, weight.shape)));
        return lossValue();
      };
      const numeric = (at(h) - at(-h)) / (2 * h);
      expect(analytic[i]).toBeCloseTo(numeric, 2);
    }
    tf.dispose([x, y, grads[weight.name]]);
    model.dispose();
  });
});
