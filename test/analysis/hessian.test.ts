import * as tf from '@tensorflow/tfjs-core';
import { test as fcTest } from '@fast-check/vitest';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  deflatedTrace,
  denseMatrix,
  hessianSummary,
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
import { batchArrays, exactHvp, exactTrace } from '../helpers/exactHessian.ts';
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

describe('Hessian spectrum of a small ReLU model against the exact float64 Hessian', () => {
  // 4 inputs, 3 hidden ReLU units, 3 classes: 27 parameters, small enough for the dense Hessian.
  const model = tinyMlp(11, 4, [3], 3);
  const batch = randomBatch(12, 16, 4, 3);
  const op = lossHessianOperator(model, batch);
  const { x, y } = batchArrays(batch);
  const exactDense = new Float64Array(op.dimension * op.dimension);
  for (let j = 0; j < op.dimension; j++) {
    const e = new Float64Array(op.dimension);
    e[j] = 1;
    exactHvp(model, x, y, e).hvp.forEach((h, i) => (exactDense[i * op.dimension + j] = h));
  }
  const exact = jacobiEigen({ n: op.dimension, data: exactDense });
  const exactTraceValue = exactTrace(model, x, y);

  test('a Hessian-vector product leaves no tensor behind', () => {
    const before = tf.memory().numTensors;
    op.apply(new Float64Array(op.dimension).fill(0.1));
    expect(tf.memory().numTensors).toBe(before);
  });

  test('the operator equals the exact Hessian, column by column, and chunking does not change it', () => {
    const ours = denseMatrix(op);
    const chunked = denseMatrix(lossHessianOperator(model, batch, { chunk: 5 }));
    const scale = Math.max(...exactDense.map(Math.abs));
    ours.forEach((h, i) => expect(Math.abs(h - exactDense[i])).toBeLessThan(1e-5 * scale));
    chunked.forEach((h, i) => expect(Math.abs(h - exactDense[i])).toBeLessThan(1e-5 * scale));
    expect(exact.values.reduce((s, v) => s + v, 0)).toBeCloseTo(exactTraceValue, 8);
  });

  test('Lanczos top eigenvalues match the exact eigendecomposition', () => {
    const top = lanczosTopEigen(op, 3, { steps: op.dimension, seed: 1 });
    top.values.forEach((v, k) => expect(Math.abs(v - exact.values[k])).toBeLessThan(1e-4 * Math.abs(exact.values[0])));
  });

  test('power iteration with deflation finds the top eigenvalue', () => {
    const top = powerIterationTopEigen(matrixOperator(op.dimension, exactDense), 2, { iterations: 2000, tolerance: 1e-12, seed: 2 });
    const byMagnitude = [...exact.values].sort((a, b) => Math.abs(b) - Math.abs(a));
    expect(top.values[0]).toBeCloseTo(byMagnitude[0], 4);
    expect(Math.abs(top.values[1])).toBeCloseTo(Math.abs(byMagnitude[1]), 3);
  });

  test('Hutchinson on the exact HVP converges to the exact float64 trace', () => {
    const estimate = hutchinsonTrace(op, 200, 5);
    expect(Math.abs(estimate.trace - exactTraceValue)).toBeLessThan(4 * estimate.standardError);
    const early = Math.abs(estimate.running[9] - exactTraceValue);
    const late = Math.abs(estimate.running[199] - exactTraceValue);
    expect(late).toBeLessThanOrEqual(Math.max(early, 4 * estimate.standardError));
  });

  test('the deflated trace covers the exact trace and is exact when every direction is deflated', () => {
    const top = lanczosTopEigen(op, 4, { steps: op.dimension, seed: 6 });
    const deflated = deflatedTrace(op, top.vectors, 60, 7);
    expect(exactTraceValue).toBeGreaterThan(deflated.interval[0]);
    expect(exactTraceValue).toBeLessThan(deflated.interval[1]);
    // Removing the top directions removes most of Hutchinson's spread.
    expect(deflated.standardError).toBeLessThan(hutchinsonTrace(op, 60, 7).standardError);
    const all = lanczosTopEigen(op, op.dimension, { steps: op.dimension, seed: 8 });
    const complete = deflatedTrace(op, all.vectors, 2, 9);
    expect(complete.trace).toBeCloseTo(exactTraceValue, 4);
  });

  test('the summary reports top eigenvalues, an interval around the exact trace and outliers among all Ritz values', () => {
    const summary = hessianSummary(op, { topK: 3, lanczosSteps: op.dimension, probes: 40, densitySteps: op.dimension, seed: 3 });
    expect(summary.topEigenvalues).toHaveLength(3);
    expect(summary.ritzValues.length).toBeGreaterThan(3);
    summary.topEigenvalues.forEach((v, k) => expect(Math.abs(v - exact.values[k])).toBeLessThan(1e-4 * Math.abs(exact.values[0])));
    expect(summary.outliers).toBe(exact.values.filter((v) => v > 0.1 * exact.values[0]).length);
    expect(exactTraceValue).toBeGreaterThan(summary.trace.interval[0]);
    expect(exactTraceValue).toBeLessThan(summary.trace.interval[1]);
  });

  test('SLQ density integrates to 1 and its nodes cover the spectrum', () => {
    const density = spectralDensity(matrixOperator(op.dimension, exactDense), { probes: 3, steps: op.dimension, seed: 3 });
    const dx = density.grid[1] - density.grid[0];
    expect(density.density.reduce((s, d) => s + d * dx, 0)).toBeCloseTo(1, 1);
    const maxNode = Math.max(...density.nodes.map((n) => n.value));
    expect(maxNode).toBeCloseTo(exact.values[0], 6);
    disposeBatch(batch);
    model.dispose();
  });
});
