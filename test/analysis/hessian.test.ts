import * as tf from '@tensorflow/tfjs-core';
import { test as fcTest } from '@fast-check/vitest';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  denseMatrix,
  hutchinsonTrace,
  lanczosTopEigen,
  lossHessianOperator,
  matrixOperator,
  powerIterationTopEigen,
  spectralDensity,
} from '../../src/analysis/hessian.ts';
import { jacobiEigen } from '../../src/analysis/linalg.ts';
import { disposeBatch } from '../../src/analysis/loss.ts';
import { symmetricMatrixArb } from '../arbitraries.ts';
import { randomBatch, tinyMlp, useCpu } from './helpers.ts';

beforeAll(useCpu);

describe('Jacobi eigen-solver', () => {
  fcTest.prop([symmetricMatrixArb(12)], { numRuns: 30 })('A v = lambda v and the trace is kept', ({ n, data: a }) => {
    const { values, vectors } = jacobiEigen({ n, data: a });
    const op = matrixOperator(n, a);
    values.forEach((lambda, k) => {
      const av = op.apply(vectors[k]);
      av.forEach((x, i) => expect(Math.abs(x - lambda * vectors[k][i])).toBeLessThan(1e-8 * Math.max(1, Math.abs(lambda))));
    });
    let trace = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i];
    expect(values.reduce((s, x) => s + x, 0)).toBeCloseTo(trace, 8);
  });
});

describe('Hessian spectrum of a small model', () => {
  // 4 inputs, 3 hidden, 3 classes: 27 parameters, small enough for the dense Hessian.
  const model = tinyMlp(11, 4, [3], 3);
  const batch = randomBatch(12, 16, 4, 3);
  const op = lossHessianOperator(model, batch);
  const dense = denseMatrix(op);
  const exact = jacobiEigen({ n: op.dimension, data: dense });

  test('a Hessian-vector product leaves no tensor behind', () => {
    const before = tf.memory().numTensors;
    op.apply(new Float64Array(op.dimension).fill(0.1));
    expect(tf.memory().numTensors).toBe(before);
  });

  test('the finite-difference HVP is symmetric', () => {
    const n = op.dimension;
    const v = new Float64Array(n).map((_, i) => Math.sin(i + 1));
    const u = new Float64Array(n).map((_, i) => Math.cos(2 * i));
    const uHv = u.reduce((s, x, i) => s + x * op.apply(v)[i], 0);
    const vHu = v.reduce((s, x, i) => s + x * op.apply(u)[i], 0);
    expect(uHv).toBeCloseTo(vHu, 2);
  });

  test('Lanczos top eigenvalues match the dense eigendecomposition', () => {
    const top = lanczosTopEigen(op, 3, { steps: op.dimension, seed: 1 });
    top.values.forEach((v, k) => expect(v).toBeCloseTo(exact.values[k], 2));
  });

  test('power iteration with deflation finds the top eigenvalue', () => {
    const top = powerIterationTopEigen(matrixOperator(op.dimension, dense), 2, { iterations: 2000, tolerance: 1e-12, seed: 2 });
    const byMagnitude = [...exact.values].sort((a, b) => Math.abs(b) - Math.abs(a));
    expect(top.values[0]).toBeCloseTo(byMagnitude[0], 4);
    expect(Math.abs(top.values[1])).toBeCloseTo(Math.abs(byMagnitude[1]), 3);
  });

  test('Hutchinson trace converges to the exact trace', () => {
    const matrix = matrixOperator(op.dimension, dense);
    const exactTrace = exact.values.reduce((s, x) => s + x, 0);
    const estimate = hutchinsonTrace(matrix, 4000, 5);
    expect(Math.abs(estimate.trace - exactTrace)).toBeLessThan(4 * estimate.standardError + 1e-9);
    const early = Math.abs(estimate.running[9] - exactTrace);
    const late = Math.abs(estimate.running[3999] - exactTrace);
    expect(late).toBeLessThanOrEqual(Math.max(early, 4 * estimate.standardError));
  });

  test('SLQ density integrates to 1 and its nodes cover the spectrum', () => {
    const density = spectralDensity(matrixOperator(op.dimension, dense), { probes: 3, steps: op.dimension, seed: 3 });
    const dx = density.grid[1] - density.grid[0];
    expect(density.density.reduce((s, d) => s + d * dx, 0)).toBeCloseTo(1, 1);
    const maxNode = Math.max(...density.nodes.map((n) => n.value));
    expect(maxNode).toBeCloseTo(exact.values[0], 6);
    disposeBatch(batch);
    model.dispose();
  });
});
