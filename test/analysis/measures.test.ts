import * as tf from '@tensorflow/tfjs-core';
import { fc, test as fcTest } from '@fast-check/vitest';
import { beforeAll, describe, expect, test } from 'vitest';
import { jacobiEigen } from '../../src/analysis/linalg.ts';
import { disposeBatch } from '../../src/analysis/loss.ts';
import { fit } from '../../src/analysis/fit.ts';
import { accuracy } from '../../src/analysis/loss.ts';
import {
  averageSharpness,
  CAN_BE_NEGATIVE,
  computeMeasures,
  MEASURE_CAPTIONS,
  MEASURE_NAMES,
  missingMeasureInputs,
  NEEDS_INITIAL_WEIGHTS,
  outputMargin,
  pacBayesSigma,
  parseMeasureList,
  pathNorm,
  rhoSharpness,
  spectralNorm,
} from '../../src/analysis/measures.ts';
import { assignFlat, flattenVariables } from '../../src/analysis/params.ts';
import { Sgd } from '../../src/analysis/optimizers.ts';
import { Random } from '../../src/util/random.ts';
import { randomBatch, tinyMlp, useCpu } from './helpers.ts';

beforeAll(useCpu);

describe('norms', () => {
  fcTest.prop([fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 1e6 })], { numRuns: 25 })(
    'the spectral norm is the square root of the top eigenvalue of W^T W',
    (rows, cols, seed) => {
      const rng = new Random(seed);
      const w = Float64Array.from({ length: rows * cols }, () => rng.normal());
      const gram = new Float64Array(cols * cols);
      for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) for (let r = 0; r < rows; r++) gram[i * cols + j] += w[r * cols + i] * w[r * cols + j];
      const top = jacobiEigen({ n: cols, data: gram }).values[0];
      expect(spectralNorm(w, [rows, cols], 2000, seed)).toBeCloseTo(Math.sqrt(Math.max(top, 0)), 4);
    },
  );

  test('path-norm of a linear model is the sum of its squared weights and biases per output', () => {
    const model = tinyMlp(3, 4, [], 3);
    tf.tidy(() => model.layers[0].bias.assign(tf.tensor1d([0.5, -1, 2])));
    const w = model.layers[0].weight.dataSync();
    const expected = Array.from(w).reduce((s, x) => s + x * x, 0) + 0.25 + 1 + 4;
    expect(pathNorm(model, [4])).toBeCloseTo(expected, 4);
    model.dispose();
  });
});

describe('margin, PAC-Bayes and sharpness', () => {
  const model = tinyMlp(21, 4, [8], 3);
  const data = randomBatch(22, 60, 4, 3);

  test('the margin is the 10th-percentile of true-minus-best-other logits', () => {
    const logits = model.logits(data.x, false).arraySync() as number[][];
    const y = data.y.arraySync() as number[];
    const margins = logits.map((row, i) => row[y[i]] - Math.max(...row.filter((_, c) => c !== y[i]))).sort((a, b) => a - b);
    expect(outputMargin(model, data)).toBeCloseTo(Math.abs(margins[5]), 5);
  });

  test('PAC-Bayes sigma lies in (0, 2) and weights come back unchanged', () => {
    const before = model.variables.map((v) => Array.from(v.dataSync()));
    const sigma = pacBayesSigma(model, data, { magnitudeAware: false, depth: 8, samples: 4, seed: 1 });
    const mag = pacBayesSigma(model, data, { magnitudeAware: true, depth: 8, samples: 4, seed: 1 });
    expect(sigma).toBeGreaterThan(0);
    expect(sigma).toBeLessThan(2);
    expect(mag).toBeGreaterThan(0);
    model.variables.forEach((v, k) => expect(Array.from(v.dataSync())).toEqual(before[k]));
  });

  test('sharpness is 0 at rho = 0, non-negative, and grows with rho', () => {
    expect(rhoSharpness(model, data, 0, 3)).toBe(0);
    const small = rhoSharpness(model, data, 0.05, 3);
    const large = rhoSharpness(model, data, 0.5, 3);
    expect(small).toBeGreaterThanOrEqual(0);
    expect(large).toBeGreaterThan(small);
    // The ascent direction is at least as bad as the average random direction of that length.
    expect(large).toBeGreaterThanOrEqual(averageSharpness(model, data, 0.5, 5, 2));
  });

  test('all measures are finite; distances to the current weights are zero', () => {
    const initial = model.variables.map((v) => (v.dataSync() as Float32Array).slice());
    const values = computeMeasures(model, MEASURE_NAMES, { data, inputShape: [4], initial, seed: 3, pacBayes: { depth: 6, samples: 3 }, sharpness: { steps: 2, samples: 3 } });
    for (const name of MEASURE_NAMES) {
      if (name === 'log-spec-init-main') continue; // log of a zero distance
      expect(Number.isFinite(values[name]), name).toBe(true);
    }
    expect(values['l2-dist']).toBe(0);
    expect(values['fro-dist']).toBe(0);
    expect(values.params).toBe(4 * 8 + 8 + 8 * 3 + 3);
    const withoutInit = computeMeasures(model, ['l2', 'l2-dist'], { data, inputShape: [4] });
    expect(Object.keys(withoutInit)).toEqual(['l2']);
  });

  test('without initial weights every distance-from-init measure is missing with a reason, pacbayes-mag-orig included', () => {
    const missing = missingMeasureInputs(MEASURE_NAMES, { initialMissing: 'saved without them' });
    expect(Object.keys(missing).sort()).toEqual([...NEEDS_INITIAL_WEIGHTS].sort());
    expect(missing['pacbayes-mag-orig']).toBe('saved without them');
    const values = computeMeasures(model, ['pacbayes-mag-sigma', 'pacbayes-mag-orig'], { data, inputShape: [4], seed: 5, pacBayes: { depth: 3, samples: 2 } });
    expect(Object.keys(values)).toEqual(['pacbayes-mag-sigma']);
    expect(missingMeasureInputs(MEASURE_NAMES, { initial: [] })).toEqual({});
  });

  test('every measure has a caption, and those that can be negative say so', () => {
    for (const name of MEASURE_NAMES) expect(MEASURE_CAPTIONS[name].length, name).toBeGreaterThan(10);
    for (const name of MEASURE_NAMES.filter((n) => n.startsWith('log-'))) expect(CAN_BE_NEGATIVE).toContain(name);
    expect(CAN_BE_NEGATIVE).toEqual(expect.arrayContaining(['path-norm', 'sharpness-average', 'pacbayes-mag-init', 'pacbayes-mag-orig']));
    expect(CAN_BE_NEGATIVE).not.toContain('margin');
  });

  test('computing every measure leaves no tensor behind and the weights unchanged', () => {
    const before = tf.memory().numTensors;
    const weights = model.variables.map((v) => Array.from(v.dataSync()));
    computeMeasures(model, MEASURE_NAMES, { data, inputShape: [4], seed: 4, pacBayes: { depth: 3, samples: 2 }, sharpness: { steps: 2, samples: 2 } });
    expect(tf.memory().numTensors).toBe(before);
    model.variables.forEach((v, k) => Array.from(v.dataSync()).forEach((w, i) => expect(w).toBeCloseTo(weights[k][i], 6)));
  });

  test('unknown measure names are reported', () => {
    expect(parseMeasureList('margin, l2,nonsense')).toEqual({ names: ['margin', 'l2'], unknown: ['nonsense'] });
  });

  test('cleanup', () => {
    disposeBatch(data);
    model.dispose();
  });
});

describe('PAC-Bayes sigma', () => {
  test('the sigma found moves training accuracy by the target displacement', () => {
    // A model trained to high accuracy on learnable labels: noise lowers its accuracy monotonically.
    const rng = new Random(31);
    const n = 200;
    const x = Float32Array.from({ length: n * 4 }, () => rng.normal());
    const y = Int32Array.from({ length: n }, (_, i) => (x[4 * i] + x[4 * i + 1] > 0 ? (x[4 * i + 2] > 0 ? 2 : 1) : 0));
    const model = tinyMlp(32, 4, [16], 3);
    fit(model, { x, y, count: n }, [4], new Sgd(0.3), { epochs: 60, batchSize: 20, seed: 1 });
    const data = { x: tf.tensor2d(x, [n, 4]), y: tf.tensor1d(y, 'int32') };
    const base = accuracy(model, data);
    expect(base).toBeGreaterThan(0.9);
    const target = 0.1;
    for (const magnitudeAware of [false, true]) {
      const sigma = pacBayesSigma(model, data, { magnitudeAware, displacement: target, depth: 12, samples: 10, tolerance: 0.01, seed: 2 });
      // A fresh Monte Carlo estimate of the accuracy drop at that sigma.
      const weights = flattenVariables(model.variables);
      const noise = new Random(99);
      let total = 0;
      const draws = 40;
      for (let s = 0; s < draws; s++) {
        assignFlat(model.variables, weights.map((w) => w + noise.normal() * (magnitudeAware ? Math.sqrt(sigma * sigma * w * w + 1e-6) : sigma)));
        total += accuracy(model, data);
      }
      assignFlat(model.variables, weights);
      expect(Math.abs(base - total / draws - target), `magnitude-aware ${magnitudeAware}: sigma ${sigma}`).toBeLessThan(0.03);
    }
    disposeBatch(data);
    model.dispose();
  });
});
