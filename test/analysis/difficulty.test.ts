import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { difficultyGroups, learnedByEpoch, learnedEpochs, TrainingLogRecorder } from '../../src/analysis/difficulty.ts';
import { tinyMlp, useCpu } from './helpers.ts';

beforeAll(useCpu);

describe('example difficulty', () => {
  // Rows are epochs 1..5, columns examples 0..4.
  const T = true;
  const F = false;
  const log = {
    correct: [
      [T, F, F, T, F],
      [T, T, F, F, F],
      [T, T, F, T, F],
      [T, F, T, T, F],
      [T, T, T, T, F],
    ],
  };

  test('first and final learned epochs on a hand-made training log', () => {
    const e = learnedEpochs(log);
    expect(e.first).toEqual([1, 2, 4, 1, null]);
    // Example 1 is forgotten at epoch 4 and relearned at 5; example 3 forgotten at 2.
    expect(e.final).toEqual([1, 5, 4, 3, null]);
  });

  test('groups and the learned-by-epoch curve', () => {
    const e = learnedEpochs(log);
    const [clean, flipped] = difficultyGroups(e, 5, { clean: [0, 3], flipped: [1, 2, 4] }, 3);
    expect(clean).toMatchObject({ count: 2, learnedFraction: 1, meanFinalEpoch: 2, meanFirstEpoch: 1, earlyFraction: 1, lateFraction: 0 });
    expect(flipped).toMatchObject({ count: 3, meanFinalEpoch: 4.5, meanFirstEpoch: 3, earlyFraction: 0, lateFraction: 1 });
    expect(flipped.learnedFraction).toBeCloseTo(2 / 3, 12);
    expect(learnedByEpoch(e, 5)).toEqual([0.2, 0.2, 0.4, 0.6, 0.8]);
  });

  test('logs of unequal width are refused', () => {
    expect(() => learnedEpochs({ correct: [[true], [true, false]] })).toThrow(/epoch 2 has 2 examples/);
    expect(learnedEpochs({ correct: [] })).toEqual({ first: [], final: [] });
  });

  test('the recorder writes one row per call, matching the arg-max against the labels', () => {
    const model = tinyMlp(1, 3, [4], 2);
    const x = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const predicted = tf.tidy(() => tf.argMax(model.logits(tf.tensor2d(x, [3, 3]), false), 1).dataSync());
    const y = Int32Array.from([predicted[0], 1 - predicted[1], predicted[2]]);
    const recorder = new TrainingLogRecorder({ x, y, count: 3 }, [3], 2);
    recorder.record(model);
    recorder.record(model);
    expect(recorder.log().correct).toEqual([[true, false, true], [true, false, true]]);
    model.dispose();
  });
});
