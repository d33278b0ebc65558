/**
 * Every model kind learns under the `tiny` preset: on 128 real MNIST digits (10 classes,
 * base rate about 11%), its training accuracy must be far above chance. A model that learned
 * nothing (loss stuck at ln 10, one class predicted) scores about 11-13% and fails.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.ts';
import { baseRate, loadDataset } from '../../src/data/datasets.ts';
import { initBackend } from '../../src/gssnn/backend.ts';
import { MODEL_KIND_NAMES } from '../../src/gssnn/models/index.ts';
import { randomGraph } from '../../src/gssnn/models/wiring.ts';
import { PRESETS } from '../../src/gssnn/presets.ts';
import { trainModel } from '../../src/gssnn/train/trainModel.ts';

/** Far above chance for 10 classes: every kind measured 50-100% train accuracy over seeds 0-2 under `tiny` and `small` (benchmarks/results/learning.json, `results[].perSeed[].train`). */
const THRESHOLD = 0.45;

let data: Dataset;
beforeAll(async () => {
  await initBackend();
  data = await loadDataset('mnist', { seed: 0, imageSize: PRESETS.tiny.image.inputSize, trainSize: 128, validationSize: 10, testSize: 10, warn: () => undefined });
});

describe('every model kind learns 128 MNIST digits under the tiny preset', () => {
  it('the data: 10 classes, a base rate near 11%', () => {
    expect(data.numClasses).toBe(10);
    expect(baseRate(data.train.y, 10)).toBeLessThan(0.15);
  });

  for (const kind of MODEL_KIND_NAMES) {
    it(`${kind}: training accuracy above ${THRESHOLD * 100}% after the preset's 240 steps`, () => {
      const { model, result } = trainModel({ kind, preset: PRESETS.tiny, data, graph: randomGraph(6, 7, 1), seed: 0 });
      model.dispose();
      expect(result.status).toBe('completed');
      expect(result.steps).toBe(240);
      expect(result.train.accuracy).toBeGreaterThan(THRESHOLD);
      // Seconds each on an idle core; generous for a loaded machine.
    }, 300_000);
  }
});
