/**
 * `synth analyze MODEL --hessian --json` on a saved MNIST MLP (the `mlp` baseline: ViT
 * encoder and MLP head), small enough for an exact float64 trace: the reported trace agrees
 * with the exact one within 2% and its interval covers it; then the coherence and
 * dead-neuron sections on the same model.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexedBatch } from '../../src/analysis/fit.ts';
import { datasetFor, metadataWithSpec } from '../../src/analysis/savedModels.ts';
import { initBackend } from '../../src/gssnn/backend.ts';
import { buildModel, type ModelSpec } from '../../src/gssnn/models/index.ts';
import { loadModel, saveModel } from '../../src/gssnn/persist.ts';
import { getPreset, scheduleFor } from '../../src/gssnn/presets.ts';
import { train } from '../../src/gssnn/train/trainer.ts';
import { batchArrays, exactTrace } from '../helpers/exactHessian.ts';
import { synthInProcess } from '../helpers/inProcess.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'synth-hessian-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));


/** The `mlp` baseline on 8x8 MNIST digits with a ViT of width 4 (no convolution block): 426 weights. */
const spec: ModelSpec = {
  kind: 'mlp',
  inputShape: [8, 8, 1],
  numClasses: 10,
  encoder: { kind: 'vit', inputSize: 8, channels: 1, downsampledSize: 2, dim: 4, depth: 1, heads: 1, headDim: 4, mlpDim: 8, convDepth: 0, outputDim: 8 },
  gnn: { dim: 8, depth: 1, update: 'linear', dropout: 0.1, reproduceOriginal: false },
  seed: 3,
};

describe('synth analyze --hessian on a saved MNIST MLP', () => {
  const dir = path.join(scratch, 'mnist-mlp');
  const examples = 16;

  beforeAll(async () => {
    process.env.SYNTH_BACKEND = 'wasm';
    await initBackend('wasm');
    const preset = getPreset('tiny');
    const metadata = { summary: { data: 'mnist', preset: 'tiny', splitSeed: 0 } };
    // The same data the analysis rebuilds from the saved metadata (at the model's 8x8 input size).
    const data = await datasetFor(dir, { ...metadata, spec, result: { train: { count: 64 } } });
    const model = buildModel(spec);
    const initialWeights = model.variables.map((v) => (v.dataSync() as Float32Array).slice());
    const result = train(model, data, { ...scheduleFor(preset, 40), seed: 0 });
    saveModel(model, dir, { ...metadata, result }, { initialWeights });
    model.dispose();
  });

  it('prints top eigenvalues and a trace whose interval covers the exact float64 trace, within 2%', async () => {
    const r = await synthInProcess('analyze', dir, '--hessian', '--json', '--hessian-examples', String(examples), '--top-k', '20', '--lanczos-steps', '40', '--trace-probes', '30', '--density-probes', '1', '--plots', path.join(scratch, 'plots'));
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const hessian = out.models[0].hessian;
    expect(hessian.parameters).toBe(426);
    expect(hessian.examples).toBe(examples);
    expect(hessian.topEigenvalues).toHaveLength(20);
    expect(hessian.ritzValues.length).toBeGreaterThan(20);
    expect(out.plots[out.models[0].name]).toHaveLength(2);

    const { model, manifest } = loadModel(dir);
    const data = await datasetFor(dir, metadataWithSpec(manifest));
    const batch = indexedBatch(data.train, data.inputShape, Array.from({ length: examples }, (_, i) => i));
    const { x, y } = batchArrays(batch);
    const exact = exactTrace(model, x, y);
    const report = `trace ${hessian.trace.value} in [${hessian.trace.interval}], exact ${exact}`;
    if (process.env.SHOW_TRACE) process.stderr.write(`${report}\n`);
    expect(Math.abs(hessian.trace.value - exact) / Math.abs(exact), report).toBeLessThan(0.02);
    expect(exact).toBeGreaterThan(hessian.trace.interval[0]);
    expect(exact).toBeLessThan(hessian.trace.interval[1]);
    expect(hessian.topEigenvalues[0]).toBeGreaterThanOrEqual(hessian.topEigenvalues[19]);
    batch.x.dispose();
    batch.y.dispose();
    model.dispose();
  });

  it('reports m-coherence per layer with real and shuffled labels, and dead ReLU units', async () => {
    const r = await synthInProcess('analyze', dir, '--coherence', '--dead-neurons', '--coherence-examples', '12', '--probe-examples', '32');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/m-coherence of per-example gradients, mnist-mlp \(m = 12/);
    expect(r.stdout).toMatch(/^\s+\(whole model\)\s+-?\d+\.\d+\s+-?\d+\.\d+$/m);
    expect(r.stdout).toMatch(/^\s+mlp\.layer0\s+/m);
    // The MLP head has one ReLU layer of 8 units; the ViT's GELUs are not counted.
    expect(r.stdout).toMatch(/^\s+1\s+\[B, 8\]\s+8\s+\d\.\d{3}\s+\d\.\d{3}$/m);
  });
});
