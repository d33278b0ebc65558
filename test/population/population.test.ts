/**
 * A population trains each member exactly as `train()` trains it alone with the same seed:
 * same weights, losses, metrics and status (bitwise on wasm; to float tolerance on cpu and
 * on wasm-openblas, whose products add in an order that depends on the padded shapes), with
 * G-SSNNs of different wirings (ViT and MLP encoders), control wirings, baselines, a member
 * forced to diverge, and plateau schedules.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.ts';
import { initBackend } from '../../src/gssnn/backend.ts';
import { buildModel, specFor, type ModelKindName } from '../../src/gssnn/models/index.ts';
import { chainGraph, completeGraph, starGraph } from '../../src/gssnn/models/wiring.ts';
import { trainPopulation, type PopulationMember } from '../../src/gssnn/population/trainer.ts';
import { PRESETS, scheduleFor } from '../../src/gssnn/presets.ts';
import { train, type TrainConfig, type TrainResult } from '../../src/gssnn/train/trainer.ts';
import { blobs, halves, PAIR } from '../gssnn-models/helpers.ts';
import { WASM_BACKENDS } from '../helpers/backends.ts';

const tiny = PRESETS.tiny;
const GRAPHS = [chainGraph(5), PAIR, starGraph(4), completeGraph(4)];

function member(kind: ModelKindName, data: Dataset, k: number, graph = GRAPHS[k], overrides: Partial<TrainConfig> = {}): PopulationMember {
  const seed = 40 + k;
  return {
    spec: specFor({ kind, preset: tiny, inputShape: data.inputShape, numClasses: data.numClasses, graph, seed }),
    data,
    config: { ...scheduleFor(tiny, 2), seed, ...overrides },
  };
}

/** Trains each member alone and in one population; returns both, disposing the models. */
function trainBothWays(members: readonly PopulationMember[]) {
  const before = tf.memory().numTensors;
  const together = trainPopulation(members);
  const alone = members.map((m) => {
    const model = buildModel(m.spec);
    const result = train(model, m.data, m.config);
    const weights = model.variables.map((v) => Array.from(v.dataSync()));
    model.dispose();
    return { result, weights };
  });
  const pooled = together.map(({ model, result }) => {
    const weights = model.variables.map((v) => Array.from(v.dataSync()));
    model.dispose();
    return { result, weights };
  });
  expect(tf.memory().numTensors).toBe(before);
  return { alone, pooled };
}

type Trained = { result: TrainResult; weights: number[][] };

/** On wasm the population runs the same kernels in the same order as the model: bitwise equal. */
function expectIdenticalTraining(a: Trained, b: Trained) {
  const { trainSeconds: _a, examplesPerSecond: _b, ...ra } = a.result;
  const { trainSeconds: _c, examplesPerSecond: _d, ...rb } = b.result;
  expect(rb).toEqual(ra);
  expect(b.weights).toEqual(a.weights);
}

/** On cpu the batched kernels add in another order: equal to float tolerance. */
function expectSameTraining(a: Trained, b: Trained) {
  expect(b.result.status).toBe(a.result.status);
  expect(b.result.steps).toBe(a.result.steps);
  expect(b.result.epochs).toBe(a.result.epochs);
  expect(b.result.divergedAt?.step).toBe(a.result.divergedAt?.step);
  expect(b.result.finalLr).toBeCloseTo(a.result.finalLr, 12);
  b.result.history.forEach((h, i) => expect(h.trainLoss).toBeCloseTo(a.result.history[i].trainLoss, 4));
  for (const split of ['train', 'validation', 'test'] as const) {
    expect(b.result[split].accuracy).toBe(a.result[split].accuracy);
    // A split holding the poisoned example has a NaN loss both ways.
    if (Number.isNaN(a.result[split].loss)) expect(b.result[split].loss).toBeNaN();
    else expect(b.result[split].loss).toBeCloseTo(a.result[split].loss, 4);
  }
  let largest = 0;
  a.weights.forEach((w, i) => w.forEach((x, j) => (largest = Math.max(largest, Math.abs(x - b.weights[i][j])))));
  expect(largest).toBeLessThan(1e-4);
}

/** Blobs whose training example `row` holds a NaN: every run that sees it diverges there. */
function poisoned(data: Dataset, row: number): Dataset {
  const x = data.train.x.slice();
  x[row * (x.length / data.train.count)] = Number.NaN;
  return { ...data, train: { ...data.train, x } };
}

describe.each(['cpu', ...WASM_BACKENDS] as const)('population training on %s', (backend) => {
  const same = backend === 'wasm' ? expectIdenticalTraining : expectSameTraining;
  it('4 G-SSNNs with different wirings (ViT encoder) train to the weights and metrics of 4 separate runs', async () => {
    await initBackend(backend);
    const data = halves(5, 16, 16);
    const { alone, pooled } = trainBothWays(GRAPHS.map((g, k) => member('gssnn', data, k, g)));
    alone.forEach((a, k) => same(a, pooled[k]));
    // The members really differ (different wirings and seeds).
    expect(new Set(pooled.map((p) => p.result.history[0].trainLoss)).size).toBe(4);
  });

  it('a member forced to diverge is marked diverged at its step and does not disturb the others', async () => {
    await initBackend(backend);
    const data = blobs(2);
    const members = GRAPHS.map((g, k) => member('gssnn', k === 2 ? poisoned(data, 7) : data, k, g, { epochs: 3 }));
    const { alone, pooled } = trainBothWays(members);
    expect(alone[2].result.status).toBe('diverged');
    expect(pooled[2].result.status).toBe('diverged');
    alone.forEach((a, k) => same(a, pooled[k]));
    for (const k of [0, 1, 3]) expect(pooled[k].result.status).toBe('completed');
  });

  it('warm-up and plateau schedules, control wirings and baselines follow their own runs', async () => {
    await initBackend(backend);
    const data = blobs(3);
    const plateau = { scheduler: { factor: 0.5, patience: 1, threshold: 0.5, cooldown: 0 }, warmupSteps: 5, epochs: 3 };
    const wired = trainBothWays(['gssnn-chain', 'gssnn-star', 'gssnn-random'].map((kind, k) => member(kind as ModelKindName, data, k, GRAPHS[0], plateau)));
    wired.alone.forEach((a, k) => same(a, wired.pooled[k]));
    expect(wired.pooled[0].result.finalLr).toBeLessThan(tiny.train.optimizer.lr);
    for (const kind of ['linear', 'mlp'] as const) {
      const baselines = trainBothWays([0, 1].map((k) => member(kind, data, k, undefined, plateau)));
      baselines.alone.forEach((a, k) => same(a, baselines.pooled[k]));
    }
  });
});

describe.each(['cpu', ...WASM_BACKENDS] as const)('population composition on %s', (backend) => {
  // OpenBLAS's products add in an order that depends on the padded shapes: equal to tolerance.
  const bitwise = backend !== 'wasm-openblas';
  const expectSameWeights = (got: number[][], want: number[][]) => {
    if (bitwise) return expect(got).toEqual(want);
    let largest = 0;
    want.forEach((w, i) => w.forEach((x, j) => (largest = Math.max(largest, Math.abs(x - got[i][j])))));
    expect(largest).toBeLessThan(1e-4);
  };
  it(`a member trains to ${bitwise ? 'bitwise ' : ''}the same weights alone (a population of one) and among others`, async () => {
    await initBackend(backend);
    // Composition changes only the padded wiring tables, so the MLP encoder (fast on cpu) suffices.
    const data = blobs(6);
    const members = GRAPHS.map((g, k) => member('gssnn', data, k, g));
    const weightsOf = (trained: ReturnType<typeof trainPopulation>) =>
      trained.map(({ model }) => {
        const w = model.variables.map((v) => Array.from(v.dataSync()));
        model.dispose();
        return w;
      });
    const together = weightsOf(trainPopulation(members));
    const pairs = weightsOf(trainPopulation([members[2], members[0]]));
    for (const k of [0, 1, 3]) expectSameWeights(weightsOf(trainPopulation([members[k]]))[0], together[k]);
    expectSameWeights(pairs[0], together[2]);
    expectSameWeights(pairs[1], together[0]);
  });
});
