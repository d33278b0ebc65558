import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { largestPriorScale, keptFraction, meanOutputKl } from '../../src/analysis/hypothesisWeight.ts';
import { disposeBatch } from '../../src/analysis/loss.ts';
import { chainLength, ensembleCurve, scorePredictive, sgldEnsemble, sgldSamples } from '../../src/analysis/sgld.ts';
import { Random } from '../../src/util/random.ts';
import { randomBatch, tinyMlp, useCpu } from './helpers.ts';

beforeAll(useCpu);

const moments = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, variance: xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1) };
};

describe('SGLD', () => {
  test('recovers the mean and variance of a 1-D Gaussian posterior', () => {
    const [mu, sigma] = [1.5, 0.7];
    const gradU = (t: Float64Array) => [(t[0] - mu) / sigma ** 2];
    const samples = sgldSamples(gradU, [-3], { stepSize: 0.01, burnIn: 2000, thin: 5, samples: 8000, temperature: 1, seed: 11 }).map((s) => s[0]);
    const m = moments(samples);
    expect(samples.length).toBe(8000);
    expect(Math.abs(m.mean - mu)).toBeLessThan(0.05);
    expect(Math.abs(m.variance - sigma ** 2) / sigma ** 2).toBeLessThan(0.1);
  });

  test('temperature scales the variance: T = 0.25 gives a quarter of it', () => {
    const gradU = (t: Float64Array) => [t[0]];
    const samples = sgldSamples(gradU, [0], { stepSize: 0.02, burnIn: 500, thin: 4, samples: 8000, temperature: 0.25, seed: 3 }).map((s) => s[0]);
    expect(Math.abs(moments(samples).variance - 0.25) / 0.25).toBeLessThan(0.12);
  });

  test('burn-in and thinning decide which states are kept; bad options are refused', () => {
    const options = { stepSize: 0.1, burnIn: 3, thin: 2, samples: 4, temperature: 0, seed: 0 };
    expect(chainLength(options)).toBe(11);
    // T = 0 and a constant gradient: theta_t = -t, so the kept states are t = 5, 7, 9, 11.
    const kept = sgldSamples(() => [10], [0], options).map((s) => s[0]);
    kept.forEach((v, k) => expect(v).toBeCloseTo(-(5 + 2 * k), 9));
    expect(() => sgldSamples(() => [0], [0], { ...options, thin: 0 })).toThrow(/thinning/);
    expect(() => sgldSamples(() => [0], [0], { ...options, stepSize: -1 })).toThrow(/step size/);
  });

  test('the model ensemble records one predictive per kept sample, restores the weights and frees its tensors', () => {
    const model = tinyMlp(2, 4, [6], 3);
    const rng = new Random(5);
    const train = { x: Float32Array.from({ length: 40 * 4 }, () => rng.normal()), y: Int32Array.from({ length: 40 }, () => rng.int(3)), count: 40 };
    const evaluation = randomBatch(6, 10, 4, 3);
    const before = model.variables.map((v) => Array.from(v.dataSync()));
    const tensors = tf.memory().numTensors;
    const record = sgldEnsemble(model, train, [4], evaluation, { stepSize: 1e-3, burnIn: 5, thin: 2, samples: 4, temperature: 1, seed: 1, batchSize: 8, priorScale: 1 });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(record.probabilities.length).toBe(4);
    record.probabilities.forEach((p) => {
      for (let i = 0; i < 10; i++) expect(p[3 * i] + p[3 * i + 1] + p[3 * i + 2]).toBeCloseTo(1, 5);
    });
    model.variables.forEach((v, k) => expect(Array.from(v.dataSync())).toEqual(before[k]));
    const curve = ensembleCurve(record, evaluation.y.dataSync(), 3);
    expect(curve.map((c) => c.members)).toEqual([1, 2, 3, 4]);
    expect(curve[0]).toEqual({ members: 1, ...scorePredictive(record.probabilities[0], evaluation.y.dataSync(), 3) });
    disposeBatch(evaluation);
    model.dispose();
  });

  test('scorePredictive: log-loss and accuracy of a hand-made predictive', () => {
    const s = scorePredictive([0.9, 0.1, 0.2, 0.8], [0, 0], 2);
    expect(s.accuracy).toBe(0.5);
    expect(s.logLoss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.2)) / 2, 9);
  });
});

describe('hypothesis weight', () => {
  test('KL is zero for equal outputs and positive otherwise', () => {
    const a = tf.tensor2d([[1, 2, 3]]);
    const b = tf.tensor2d([[3, 2, 1]]);
    expect(meanOutputKl(a, a)).toBeCloseTo(0, 6);
    expect(meanOutputKl(a, b)).toBeGreaterThan(0.1);
    tf.dispose([a, b]);
  });

  test('the kept fraction falls with the scale and the largest prior scale sits at the threshold', () => {
    const model = tinyMlp(8, 4, [6], 3);
    const batch = randomBatch(9, 20, 4, 3);
    const options = { epsilon: 0.01, draws: 6, seed: 2, steps: 10 };
    const fractions = keptFraction(model, batch, [1e-4, 3], options);
    expect(fractions[0].fraction).toBe(1);
    expect(fractions[1].fraction).toBeLessThan(1);
    const { scale, meanKl } = largestPriorScale(model, batch, options);
    expect(scale).toBeGreaterThan(1e-4);
    expect(scale).toBeLessThan(3);
    expect(meanKl).toBeLessThan(options.epsilon);
    disposeBatch(batch);
    model.dispose();
  });
});
