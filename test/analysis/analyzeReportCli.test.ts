import { synthSync } from '../helpers/cli.ts';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toOriginalJson } from '../../src/dsl/graphFormats.ts';
import { synthInProcess } from '../helpers/inProcess.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'synth-report-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const synth = (...args: string[]) => synthSync(args, { env: { SYNTH_BACKEND: 'wasm' } });


/** A run store with three trained candidates (chains of 2, 3, 4 nodes) and a random baseline. */
function fakeRun(dir: string): void {
  mkdirSync(path.join(dir, 'candidates'), { recursive: true });
  mkdirSync(path.join(dir, 'baselines'));
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ format: 1, config: { training: { data: 'mnist-0v1', preset: 'tiny' } } }));
  const metrics = (v: number) => ({ train: { accuracy: 1, loss: 0 }, validation: { accuracy: v, loss: 0 }, test: { accuracy: v, loss: 0 }, score: v, parameterCount: 1, trainSeconds: 1 });
  for (const n of [2, 3, 4]) {
    const nodes = Array.from({ length: n }, (_, i) => i);
    const edges = nodes.slice(1).map((t, k) => ({ id: n + k, source: t - 1, sourcePort: t - 1 === 0 ? 0 : 1, target: t, targetPort: 0 }));
    const graph = toOriginalJson({ nodes, edges, nextId: 2 * n - 1, maxConn: 10 });
    writeFileSync(path.join(dir, 'candidates', `c${n}.json`), JSON.stringify({ id: `c${n}`, iteration: 1, program: '(add (push identity))', stitchProgram: '', size: 3, mass: 3, logProbability: 0, graph, nodes: n, edges: n - 1, status: 'trained', metrics: metrics(0.5 + n / 10), modelPath: '', seed: 0 }));
  }
  writeFileSync(path.join(dir, 'baselines', 'random.json'), JSON.stringify({ id: 'baseline-random', kind: 'random', elements: 5, status: 'completed', metrics: metrics(0.8), modelPath: '', seed: 0 }));
}

describe('synth analyze --report', () => {
  const model = path.join(scratch, 'model');
  beforeAll(async () => {
    process.env.SYNTH_BACKEND = 'wasm';
    const r = await synthInProcess('train', '--baseline', 'mlp', '--data', 'mnist-0v1', '--preset', 'tiny', '--epochs', '2', '--train-size', '48', '--out', model);
    expect(r.code, r.stderr).toBe(0);
  });

  it('writes the pruning, ensemble and difficulty report of a saved model (tables, JSON, SVG and PNG)', () => {
    const out = path.join(scratch, 'model-report');
    const r = synth('analyze', model, '--report', out, '--max-examples', '32', '--sparsities', '0.5,0.8', '--severities', '2', '--retrain-epochs', '1', '--sgld-burn-in', '2', '--sgld-thin', '1', '--sgld-samples', '3', '--difficulty-epochs', '1');
    expect(r.code, r.stderr).toBe(0);
    for (const name of ['report.md', 'report.json', 'robustness.svg', 'robustness.png', 'geometry.png', 'ensemble.svg', 'difficulty.png']) expect(existsSync(path.join(out, name)), name).toBe(true);
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    // dense + 2 scopes x 2 one-shot levels + 2 iterative rounds.
    expect(report.pruning.rows).toHaveLength(7);
    const iterative = report.pruning.rows.filter((row: { method: string }) => row.method === 'iterative+rewind');
    iterative.forEach((row: { sparsity: number }, k: number) => expect(row.sparsity).toBeCloseTo([0.5, 0.8][k], 3));
    expect(report.pruning.reconstructionError).toBeLessThan(1e-4);
    expect(Object.keys(report.pruning.rows[0].corrupted)).toEqual(['gaussian-noise@2', 'blur@2', 'contrast@2', 'occlusion@2']);
    expect(report.bayes.ensemble).toHaveLength(3);
    expect(report.difficulty.map((d: { labels: { kind: string } }) => d.labels.kind)).toEqual(['real', 'noisy', 'random']);
    const text = readFileSync(path.join(out, 'report.md'), 'utf8');
    expect(text).toContain('## Pruning and robustness');
    expect(text).toContain('## Bayesian ensemble (SGLD)');
    expect(text).toContain('## Example difficulty');
  });

  it('runs the dead-neuron, AP-step and node-mask search study on request', async () => {
    const out = path.join(scratch, 'sparsity-report');
    const r = await synthInProcess('analyze', model, '--report', out, '--studies', 'sparsity', '--mask-sparsities', '0.5', '--ap-rate', '0.1');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    const { pruning, search, setup } = report.sparsity;
    expect(pruning.magnitude).toHaveLength(4);
    // The AP step prunes more than magnitude pruning alone, round after round.
    pruning['magnitude+AP'].slice(1).forEach((round: { sparsity: number }, k: number) => expect(round.sparsity).toBeGreaterThan(pruning.magnitude[k + 1].sparsity));
    expect(search).toHaveLength(1);
    expect(search[0].searched).toHaveLength(3);
    expect(search[0].random).toHaveLength(3);
    expect(setup.probeExamples).toBe(48);
    const text = readFileSync(path.join(out, 'report.md'), 'utf8');
    expect(text).toContain('## Dead neurons, the AP step and sparse search');
    expect(text).not.toContain('## Pruning and robustness');
  });

  it('writes the structure report of a search run into DIR/analysis-report by default', () => {
    const run = path.join(scratch, 'run');
    fakeRun(run);
    const r = synth('analyze', run, '--report');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(path.join(run, 'analysis-report', 'report.json'), 'utf8'));
    expect(report.candidates).toHaveLength(3);
    expect(report.correlations.find((c: { feature: string }) => c.feature === 'diameter').validation.rho).toBeCloseTo(1, 9);
    expect(existsSync(path.join(run, 'analysis-report', 'structure-scatter.png'))).toBe(true);
  });

  it('reads models saved by synth search, whose metadata is the training job', async () => {
    const searchModel = path.join(scratch, 'search-model');
    mkdirSync(searchModel);
    const manifest = JSON.parse(readFileSync(path.join(model, 'model.json'), 'utf8'));
    const summary = manifest.metadata.summary;
    manifest.metadata = { job: { id: 'baseline-mlp', kind: 'mlp', data: { name: summary.data, seed: summary.splitSeed }, preset: summary.preset, seed: 0 }, result: manifest.metadata.result };
    writeFileSync(path.join(searchModel, 'model.json'), JSON.stringify(manifest));
    writeFileSync(path.join(searchModel, 'weights.bin'), readFileSync(path.join(model, 'weights.bin')));
    const r = await synthInProcess('analyze', searchModel, '--measures', 'margin', '--max-examples', '16', '--json');
    expect(r.code, r.stderr).toBe(0);
  });

  it('user mistakes exit 1 with a hint', async () => {
    const decreasing = await synthInProcess('analyze', model, '--report', path.join(scratch, 'x'), '--sparsities', '0.8,0.5');
    expect(decreasing.code).toBe(1);
    expect(decreasing.stderr).toContain('--sparsities');
    const nowhere = await synthInProcess('analyze', scratch, '--report', path.join(scratch, 'y'));
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toMatch(/neither a search run/);
    const study = await synthInProcess('analyze', model, '--report', '--studies', 'pruning,weather');
    expect(study.code).toBe(1);
    expect(study.stderr).toContain('--studies');
  });
});
