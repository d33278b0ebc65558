import * as tf from '@tensorflow/tfjs-core';
import { fc, test as fcTest } from '@fast-check/vitest';
import { beforeAll, describe, expect, test } from 'vitest';
import { CORRUPTIONS, corruptSplit } from '../../src/analysis/corruptions.ts';
import { lastLayerGeometry, linearHead, penultimateFeatures, pruningFates, reconstructLogit, summarizeGeometry } from '../../src/analysis/geometry.ts';
import { disposeBatch } from '../../src/analysis/loss.ts';
import { Random } from '../../src/util/random.ts';
import { randomBatch, tinyMlp, useCpu } from './helpers.ts';

beforeAll(useCpu);

describe('last-layer geometry', () => {
  fcTest.prop([fc.integer({ min: 0, max: 500 }), fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 9 })], { numRuns: 15 })(
    'the decomposition |h||w_c|cos(theta_c) + b_c reconstructs the logits',
    (seed, classes, width) => {
      const model = tinyMlp(seed, 4, [width], classes);
      // A non-zero bias so that the check covers it.
      tf.tidy(() => model.layers[1].bias.assign(tf.tensor1d(Array.from({ length: classes }, (_, c) => 0.3 * c - 0.4))));
      const batch = randomBatch(seed + 1, 12, 4, classes);
      const weightsBefore = model.variables.map((v) => v.dataSync().slice());
      const report = lastLayerGeometry(model, batch);
      const logits = model.logits(batch.x, false).arraySync() as number[][];
      const b = linearHead(model).bias.dataSync();
      report.samples.forEach((s, i) => {
        s.angles.forEach((angle, c) => expect(reconstructLogit(s.featureNorm, report.classWeightNorms[c], angle, b[c])).toBeCloseTo(logits[i][c], 4));
        const others = logits[i].filter((_, c) => c !== s.label);
        expect(s.margin).toBeCloseTo(logits[i][s.label] - Math.max(...others), 5);
        expect(s.correct).toBe(s.margin > 0);
      });
      expect(report.reconstructionError).toBeLessThan(1e-4);
      // The probe restores the head exactly.
      model.variables.forEach((v, k) => expect(Array.from(v.dataSync())).toEqual(Array.from(weightsBefore[k])));
      disposeBatch(batch);
      model.dispose();
    },
  );

  test('penultimate features equal the ReLU activations of the last hidden layer', () => {
    const model = tinyMlp(3, 5, [6], 3);
    const batch = randomBatch(4, 7, 5, 3);
    const h = penultimateFeatures(model, batch.x);
    const expected = tf.tidy(() => tf.relu(model.trace(batch.x).preActivations[0]).dataSync());
    Array.from(expected).forEach((v, i) => expect(h[i]).toBeCloseTo(v, 5));
    const summary = summarizeGeometry(lastLayerGeometry(model, batch).samples);
    expect(summary.count).toBe(7);
    expect(summary.meanLabelAngle).toBeGreaterThanOrEqual(0);
    expect(summary.meanLabelAngle).toBeLessThanOrEqual(180);
    disposeBatch(batch);
    model.dispose();
  });

  test('pruning fates classify each sample by dense and pruned correctness', () => {
    const s = (correct: boolean) => ({ label: 0, predicted: correct ? 0 : 1, correct, featureNorm: 1, angles: [0, 1], margin: correct ? 1 : -1, runnerUp: 1, logits: [0, 0] });
    expect(pruningFates([s(true), s(true), s(false), s(false)], [s(true), s(false), s(true), s(false)])).toEqual(['robust', 'fragile', 'recovered', 'hard']);
  });
});

describe('corruptions', () => {
  const rng = new Random(1);
  const split = { x: Float32Array.from({ length: 3 * 8 * 8 }, () => rng.next()), y: Int32Array.from([0, 1, 0]), count: 3 };

  test('every corruption keeps pixels in [0, 1], the labels, and is reproducible from its seed', () => {
    for (const name of CORRUPTIONS) {
      for (const severity of [1, 3, 5]) {
        const a = corruptSplit(split, [8, 8, 1], name, severity, 7);
        expect(a.x.every((v) => v >= 0 && v <= 1)).toBe(true);
        expect(a.y).toEqual(split.y);
        expect(corruptSplit(split, [8, 8, 1], name, severity, 7).x).toEqual(a.x);
        expect(a.x).not.toEqual(split.x);
      }
    }
  });

  test('higher severity moves the images further', () => {
    for (const name of ['gaussian-noise', 'contrast', 'blur', 'occlusion'] as const) {
      const distance = (s: number) => corruptSplit(split, [8, 8, 1], name, s, 3).x.reduce((d, v, i) => d + (v - split.x[i]) ** 2, 0);
      expect(distance(5)).toBeGreaterThan(distance(1));
    }
  });

  test('blur preserves a constant image, contrast keeps the image mean, and bad input is refused', () => {
    const flat = { x: new Float32Array(2 * 6 * 6).fill(0.4), y: Int32Array.from([0, 1]), count: 2 };
    corruptSplit(flat, [6, 6, 1], 'blur', 5, 0).x.forEach((v) => expect(v).toBeCloseTo(0.4, 5));
    const c = corruptSplit(split, [8, 8, 1], 'contrast', 2, 0);
    const mean = (xs: Float32Array) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(c.x.subarray(0, 64))).toBeCloseTo(mean(split.x.subarray(0, 64)), 4);
    expect(() => corruptSplit(split, [192], 'blur', 1, 0)).toThrow(/image inputs/);
    expect(() => corruptSplit(split, [8, 8, 1], 'blur', 6, 0)).toThrow(/severity/);
  });
});
