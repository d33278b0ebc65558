import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/gssnn/backend.ts';
import { PRESETS } from '../../src/gssnn/presets.ts';
import { classificationLoss } from '../../src/gssnn/train/losses.ts';
import { createOptimizer } from '../../src/gssnn/train/optimizers.ts';
import { ReduceLrOnPlateau, StepSchedule } from '../../src/gssnn/train/scheduler.ts';
import { Random } from '../../src/util/random.ts';

const referenceLog = path.resolve(import.meta.dirname, '../../reference/gssnn-original/log.json');

beforeAll(async () => {
  await initBackend();
});

describe('optimizers', () => {
  it('Adam takes the bias-corrected first step of size lr in the gradient sign', () => {
    const w = tf.variable(tf.tensor1d([1, -2, 3]));
    const adam = createOptimizer({ kind: 'adam', lr: 0.1 });
    const g = tf.tensor1d([0.5, -4, 0]);
    adam.apply([w], [g]);
    // m_hat = g, v_hat = g^2: step = lr * g / (|g| + eps).
    const after = w.dataSync();
    expect(after[0]).toBeCloseTo(0.9, 5);
    expect(after[1]).toBeCloseTo(-1.9, 5);
    expect(after[2]).toBeCloseTo(3, 6);
    adam.apply([w], [g]);
    // Second step with the same gradient is again lr * sign(g).
    expect(w.dataSync()[0]).toBeCloseTo(0.8, 5);
    adam.dispose();
    tf.dispose([w, g]);
  });

  it("Adam's fused kernel makes, bit for bit, PyTorch's update written out in float32 tensor operations", async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend(backend);
      const rng = new Random(11);
      const values = (n: number) => Float32Array.from({ length: n }, () => (rng.next() - 0.5) * 10 ** Math.floor(rng.next() * 8 - 5));
      const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
      const w = tf.variable(tf.tensor1d(values(64)));
      const reference = { w: tf.variable(w.clone()), m: tf.variable(tf.zerosLike(w)), v: tf.variable(tf.zerosLike(w)) };
      const adam = createOptimizer({ kind: 'adam', lr: 1e-2 });
      for (let step = 1; step <= 6; step++) {
        const lr = 1e-2 / step; // a schedule changes the rate between steps
        const g = tf.tensor1d(values(64));
        adam.lr = lr;
        adam.apply([w], [g]);
        tf.tidy(() => {
          const { m, v } = reference;
          m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
          v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
          const denominator = tf.add(tf.div(tf.sqrt(v), Math.sqrt(1 - beta2 ** step)), eps);
          reference.w.assign(tf.sub(reference.w, tf.mul(tf.div(m, denominator), lr / (1 - beta1 ** step))));
        });
        g.dispose();
        expect(w.dataSync()).toEqual(reference.w.dataSync());
      }
      adam.dispose();
      tf.dispose([w, reference.w, reference.m, reference.v]);
    }
    await initBackend();
  });

  it('SGD with momentum follows PyTorch (buffer starts at the first gradient)', () => {
    const w = tf.variable(tf.scalar(1));
    const sgd = createOptimizer({ kind: 'sgd', lr: 0.1, momentum: 0.9 });
    const g = tf.scalar(1);
    sgd.apply([w], [g]);
    expect(w.dataSync()[0]).toBeCloseTo(0.9, 6);
    sgd.apply([w], [g]);
    expect(w.dataSync()[0]).toBeCloseTo(0.9 - 0.1 * 1.9, 6);
    sgd.dispose();
    tf.dispose([w, g]);
  });
});

describe('ReduceLROnPlateau', () => {
  it('halves after more than `patience` bad steps, then waits out the cooldown', () => {
    const scheduler = new ReduceLrOnPlateau({ factor: 0.5, patience: 2, threshold: 1e-4, cooldown: 2 });
    const lrs: number[] = [];
    let lr = 1;
    for (const loss of [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.5]) {
      lr = scheduler.step(loss, lr);
      lrs.push(lr);
    }
    // best=1 at step 1; bad steps 1,2,3 -> reduce at step 4; cooldown eats steps 5,6;
    // bad steps count again from step 7: 7, 8, 9 -> reduce at step 9 (3 > patience 2).
    expect(lrs).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]);
  });

  it('counts a change within the relative threshold as no improvement', () => {
    const scheduler = new ReduceLrOnPlateau({ factor: 0.5, patience: 0, threshold: 0.1, cooldown: 0 });
    expect(scheduler.step(1, 1)).toBe(1);
    expect(scheduler.step(0.95, 1)).toBe(0.5);
    expect(scheduler.step(0.8, 0.5)).toBe(0.5);
  });
});

describe('the step schedule', () => {
  it('warms up linearly, then runs at the rate the plateau schedule keeps', () => {
    const schedule = new StepSchedule(0.4, 4, { factor: 0.5, patience: 0, threshold: 0.1, cooldown: 0 });
    const rates: number[] = [];
    for (let step = 1; step <= 6; step++) {
      rates.push(schedule.rateAt(step));
      schedule.observe(step === 1 ? 1 : 1 - step / 100);
    }
    // Steps 1-3 run at 1/4, 2/4, 3/4 of the rate. No later loss improves on the first by 10%,
    // so the plateau halves the rate after every step from step 2 on: step 3 runs at 3/4 of
    // 0.2, step 4 (warm-up over) at 0.1.
    expect(rates.map((r) => Number(r.toFixed(12)))).toEqual([0.1, 0.2, 0.15, 0.1, 0.05, 0.025]);
  });

  it('without warm-up it is the plateau schedule alone', () => {
    const schedule = new StepSchedule(1, 0, { factor: 0.5, patience: 2, threshold: 1e-4, cooldown: 2 });
    const plateau = new ReduceLrOnPlateau({ factor: 0.5, patience: 2, threshold: 1e-4, cooldown: 2 });
    let lr = 1;
    for (const [i, loss] of [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.5].entries()) {
      expect(schedule.rateAt(i + 1)).toBe(lr);
      schedule.observe(loss);
      lr = plateau.step(loss, lr);
    }
    expect(schedule.rate).toBe(lr);
  });

  it('rejects a negative or fractional warm-up', () => {
    expect(() => new StepSchedule(1, -1, null)).toThrow(/warm-up/);
    expect(() => new StepSchedule(1, 1.5, null)).toThrow(/warm-up/);
  });
});

describe('losses', () => {
  it('cross-entropy and binary cross-entropy match hand-computed values', () => {
    const logits = tf.tensor2d([[2, 0], [0, 1]]);
    const labels = tf.tensor1d([0, 0], 'int32');
    const ce = classificationLoss('cross-entropy', logits, labels).dataSync()[0];
    const expectedCe = (Math.log(1 + Math.exp(-2)) + Math.log(1 + Math.exp(1))) / 2;
    expect(ce).toBeCloseTo(expectedCe, 5);
    const sp = (x: number) => Math.log(1 + Math.exp(x)); // -log sigmoid(-x)
    // Two classes: BCEWithLogits of the log-odds l = logit_1 - logit_0 (l = -2 and 1, labels 0).
    const bce = classificationLoss('binary-cross-entropy', logits, labels).dataSync()[0];
    expect(bce).toBeCloseTo((sp(-2) + sp(1)) / 2, 5);
    // A single-logit model's [0, l]: the same loss as softmax cross-entropy of [0, l].
    const single = tf.tensor2d([[0, -2], [0, 1]]);
    expect(classificationLoss('binary-cross-entropy', single, labels).dataSync()[0]).toBeCloseTo(classificationLoss('cross-entropy', single, labels).dataSync()[0], 6);
    // More classes: an independent sigmoid per class against the one-hot target.
    const three = tf.tensor2d([[2, 0, -1], [0, 1, 3]]);
    const bce3 = classificationLoss('binary-cross-entropy', three, labels).dataSync()[0];
    expect(bce3).toBeCloseTo((sp(-2) + sp(0) + sp(-1) + sp(0) + sp(1) + sp(3)) / 6, 5);
    tf.dispose([logits, labels, single, three]);
  });
});

describe('the paper preset against the original run', () => {
  it("equals the network and training configuration in the original's log", () => {
    const [first] = JSON.parse(readFileSync(referenceLog, 'utf8')) as {
      network: Record<string, number>;
      nn_training: { batch_size: number; epochs_per_iteration: number; training_set_size: number; evaluation_set_size: number }[][];
    }[];
    const net = first.network;
    const paper = PRESETS.paper;
    expect(paper.image).toEqual({
      inputSize: net.input_size,
      downsampledSize: net.downsampled_size,
      dim: net.vit_dim,
      depth: net.vit_depth,
      heads: net.vit_heads,
      headDim: net.vit_head_dim,
      mlpDim: net.vit_mlp_dim,
      convDepth: net.conv_depth,
    });
    expect([paper.gnnDepth, paper.graphDim, paper.maxConn, paper.dropout]).toEqual([net.gnn_depth, net.graph_dim, net.max_conn, net.dropout_rate]);
    const training = first.nn_training[0][0];
    expect(paper.train.batchSize).toBe(training.batch_size);
    expect(paper.train.epochs).toBe(training.epochs_per_iteration);
    expect(paper.data.trainSize).toBe(training.training_set_size);
    expect(paper.data.validationSize).toBe(training.evaluation_set_size);
  });
});
