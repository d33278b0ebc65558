/**
 * Kernel traces (src/gssnn/kernels/kernelTrace.ts) replay a computation's recorded kernels
 * without tfjs's engine. A replay runs the same kernels on the same data, so every result
 * must equal the engine's bit for bit, on every backend; computations a replay could get
 * wrong (values read into JavaScript, constants that change between calls) must keep running
 * through the engine; nothing may leak. Population training replays its steps by default and
 * must train exactly as without.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Dataset } from '../../src/data/dataset.ts';
import { initBackend } from '../../src/gssnn/backend.ts';
import { TracedComputation } from '../../src/gssnn/kernels/kernelTrace.ts';
import { specFor } from '../../src/gssnn/models/index.ts';
import { chainGraph, starGraph } from '../../src/gssnn/models/wiring.ts';
import { trainPopulation, type PopulationMember } from '../../src/gssnn/population/trainer.ts';
import { PRESETS, scheduleFor } from '../../src/gssnn/presets.ts';
import { Random } from '../../src/util/random.ts';
import { blobs } from '../gssnn-models/helpers.ts';
import { WASM_BACKENDS } from '../helpers/backends.ts';

const BACKENDS = ['cpu', ...WASM_BACKENDS] as const;

function randomTensor(rng: Random, shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => rng.next() * 2 - 1), shape);
}

/** Counts the engine sees and the backend's own count of live data. */
function memory() {
  const { numTensors, numDataBuffers } = tf.memory();
  return { numTensors, numDataBuffers, backendData: tf.backend().numDataIds() };
}

/**
 * A small network's loss and weight gradients: a matrix product, GELU (erf), a layer norm,
 * a concat, a stack, a sum of many, a softmax cross-entropy and a row gather, so that many
 * kinds of kernels, saved tensors and
 * gradient-side constants are recorded. Inputs: x, the one-hot targets and the two weights
 * (they change between calls, so they are inputs).
 */
function lossAndGradients(w1: tf.Variable, w2: tf.Variable, rows: tf.Tensor1D) {
  return (inputs: readonly tf.Tensor[]): tf.Tensor[] => {
    const [x, target] = inputs;
    const { value, grads } = tf.variableGrads(() => {
      const h = tf.matMul(x as tf.Tensor2D, w1);
      const gelu = tf.mul(tf.mul(h, 0.5), tf.add(1, tf.erf(tf.mul(h, Math.SQRT1_2))));
      const { mean, variance } = tf.moments(gelu, [1], true);
      const normed = tf.div(tf.sub(gelu, mean), tf.sqrt(tf.add(variance, 1e-5)));
      const scores = tf.matMul(normed as tf.Tensor2D, w2);
      // Kernels of a list of tensors (Concat, Pack, AddN) take an array of inputs.
      const total = tf.sum(scores, 1);
      const mixed = tf.addN([scores, tf.mul(scores, 0.5), tf.stack([total, total, total], 1)]);
      const logits = tf.gather(tf.slice(tf.concat([mixed, scores], 1), [0, 1], [-1, 3]), rows);
      return tf.losses.softmaxCrossEntropy(tf.gather(target, rows), logits) as tf.Scalar;
    }, [w1, w2]);
    return [value, grads[w1.name], grads[w2.name]];
  };
}

afterEach(() => vi.restoreAllMocks());

describe.each(BACKENDS)('kernel traces on %s', (backend) => {
  it('replay a gradient computation bit for bit from the third call, and free everything', async () => {
    await initBackend(backend);
    const before = memory();
    const rng = new Random(7);
    const initial = [randomTensor(rng, [6, 5]), randomTensor(rng, [5, 3])];
    const [w1, w2] = initial.map((t) => tf.variable(t));
    tf.dispose(initial);
    const rows = tf.tensor1d([3, 0, 2, 2], 'int32');
    const compute = lossAndGradients(w1, w2, rows);
    const traced = new TracedComputation(compute);
    const replaying: boolean[] = [];
    for (let call = 0; call < 6; call++) {
      const x = randomTensor(rng, [4, 6]);
      const target = tf.tidy(() => tf.oneHot(tf.tensor1d([call % 3, 1, 2, 0], 'int32'), 3));
      const want = tf.tidy(() => compute([x, target, w1, w2]).map((t) => Array.from(t.dataSync())));
      const got = tf.tidy(() => traced.call([x, target, w1, w2]).map((t) => Array.from(t.dataSync())));
      replaying.push(traced.replaying);
      expect(got).toEqual(want);
      // The weights move between calls, as in training: their new data is what a replay must read.
      const moved = tf.tidy(() => tf.add(w1, tf.mul(tf.tensor(got[1], w1.shape), -0.1)));
      w1.assign(moved);
      tf.dispose([x, target, moved]);
    }
    expect(replaying).toEqual([false, true, true, true, true, true]);
    traced.dispose();
    tf.dispose([w1, w2, rows]);
    expect(memory()).toEqual(before);
  });

  it('never replay a computation that reads values into JavaScript, and still compute it', async () => {
    await initBackend(backend);
    const traced = new TracedComputation(([x]) => {
      const positive = tf.sum(x).dataSync()[0] > 0;
      return [tf.mul(x, positive ? 2 : -3)];
    });
    for (const values of [[1, 2], [3, 4], [-5, 1], [2, 2]]) {
      const x = tf.tensor1d(values);
      const sign = values[0] + values[1] > 0 ? 2 : -3;
      const [y] = traced.call([x]);
      expect(Array.from(y.dataSync())).toEqual(values.map((v) => v * sign));
      expect(traced.replaying).toBe(false);
      tf.dispose([x, y]);
    }
    traced.dispose();
  });

  it('never replay a computation whose constants change between calls', async () => {
    await initBackend(backend);
    const before = memory();
    let factor = 1;
    const traced = new TracedComputation(([x]) => [tf.mul(x, factor++)]);
    for (let call = 1; call <= 4; call++) {
      const x = tf.tensor1d([1, -2]);
      const [y] = traced.call([x]);
      expect(Array.from(y.dataSync())).toEqual([call, -2 * call]);
      expect(traced.replaying).toBe(false);
      tf.dispose([x, y]);
    }
    traced.dispose();
    expect(memory()).toEqual(before);
  });
});

/** Blobs whose training example `row` holds a NaN: the member that sees it diverges. */
function poisoned(data: Dataset, row: number): Dataset {
  const x = data.train.x.slice();
  x[row * (x.length / data.train.count)] = Number.NaN;
  return { ...data, train: { ...data.train, x } };
}

describe.each(BACKENDS)('population steps replayed on %s', (backend) => {
  it('train bit for bit as through the engine, with a short last batch and a member that diverges', async () => {
    await initBackend(backend);
    const tiny = PRESETS.tiny;
    // 40 examples in batches of 16: two full batches and one of 8 per epoch, each size its own trace.
    const data = blobs(4, { train: 40, validation: 16, test: 16 });
    const members: PopulationMember[] = [chainGraph(4), starGraph(4), chainGraph(3)].map((graph, k) => ({
      spec: specFor({ kind: 'gssnn', preset: tiny, inputShape: data.inputShape, numClasses: data.numClasses, graph, seed: 60 + k }),
      data: k === 1 ? poisoned(data, 33) : data,
      config: { ...scheduleFor(tiny, 4), seed: 60 + k },
    }));
    const replayed: boolean[] = [];
    const dispose = TracedComputation.prototype.dispose;
    vi.spyOn(TracedComputation.prototype, 'dispose').mockImplementation(function (this: TracedComputation) {
      replayed.push(this.replaying);
      dispose.call(this);
    });
    const before = memory();
    const run = (replayKernels: boolean) =>
      trainPopulation(members, { replayKernels }).map(({ model, result }) => {
        const weights = model.variables.map((v) => Array.from(v.dataSync()));
        model.dispose();
        const { trainSeconds: _s, examplesPerSecond: _e, ...rest } = result;
        return { result: rest, weights };
      });
    const engine = run(false);
    expect(replayed).toEqual([]);
    const replay = run(true);
    // Both batch sizes were replayed.
    expect(replayed).toEqual([true, true]);
    expect(replay).toEqual(engine);
    expect(engine[1].result.status).toBe('diverged');
    expect(engine[0].result.status).toBe('completed');
    expect(memory()).toEqual(before);
  });

  it('train single-logit models (binary cross-entropy, the logits a concat) bit for bit as through the engine', async () => {
    await initBackend(backend);
    const preset = { ...PRESETS.tiny, train: { ...PRESETS.tiny.train, loss: 'binary-cross-entropy' as const } };
    const data = blobs(5, { train: 48, validation: 16, test: 16 });
    const members: PopulationMember[] = [0, 1].map((k) => ({
      spec: specFor({ kind: 'linear', preset, inputShape: data.inputShape, numClasses: data.numClasses, seed: 70 + k }),
      data,
      config: { ...scheduleFor(preset, 3), seed: 70 + k },
    }));
    expect(members[0].spec.singleLogit).toBe(true);
    const run = (replayKernels: boolean) =>
      trainPopulation(members, { replayKernels }).map(({ model, result }) => {
        const weights = model.variables.map((v) => Array.from(v.dataSync()));
        model.dispose();
        return { loss: result.test.loss, history: result.history, weights };
      });
    expect(run(true)).toEqual(run(false));
  });
});
