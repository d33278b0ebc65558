import { synthSync } from '../helpers/cli.ts';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEASURE_NAMES, NEEDS_INITIAL_WEIGHTS } from '../../src/analysis/measures.ts';
import { modelNames } from '../../src/analysis/savedModels.ts';
import { synthInProcess } from '../helpers/inProcess.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'synth-analyze-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const synth = (...args: string[]) => synthSync(args, { env: { SYNTH_BACKEND: 'wasm' } });


describe('synth analyze', () => {
  const run = path.join(scratch, 'run');
  beforeAll(async () => {
    process.env.SYNTH_BACKEND = 'wasm';
    // b is saved without its initial weights (the opt-out for size).
    for (const [name, seed, size, ...extra] of [['a', '1', '32'], ['b', '2', '64', '--no-initial-weights']]) {
      const r = await synthInProcess('train', '--baseline', 'linear', '--data', 'mnist-0v1', '--preset', 'tiny', '--epochs', '1', '--train-size', size, '--seed', seed, '--out', path.join(run, name), '--json', ...extra);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it('prints a table of measures for one saved model, with the caveat', () => {
    const { code, stdout } = synth('analyze', path.join(run, 'a'), '--measures', 'margin,path-norm,log-prod-of-spec', '--max-examples', '64');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^margin\s+\d/m);
    expect(stdout).toMatch(/^log-prod-of-spec\s+-?\d/m);
    expect(stdout).toContain('diagnostics');
    // Measures that can be negative by construction say so.
    expect(stdout).toContain('can be negative (logs): log-prod-of-spec');
    expect(stdout).toMatch(/can be negative: path-norm: .*not plain ReLU networks/);
  });

  it('--measures all lists every measure, computed or skipped with the reason, none from missing inputs', async () => {
    const { code, stdout, stderr } = await synthInProcess('analyze', run, '--measures', 'all', '--max-examples', '16', '--json');
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.measuresRequested).toEqual([...MEASURE_NAMES]);
    expect(Object.keys(out.captions)).toEqual([...MEASURE_NAMES]);
    const [a, b] = out.models;
    for (const m of out.models) {
      for (const name of MEASURE_NAMES) expect(name in m.measures !== name in m.skipped, `${m.name}: ${name}`).toBe(true);
    }
    // a kept its initial weights: every measure ran (the log of a zero distance may be undefined).
    expect(Object.keys(a.skipped).filter((n) => !/came out/.test(a.skipped[n]))).toEqual([]);
    expect(a.measures['l2-dist']).toBeGreaterThan(0);
    expect(a.measures['pacbayes-mag-orig']).toBeDefined();
    // b did not: exactly the measures that need w0 are skipped, pacbayes-mag-orig among them, saying why.
    expect(Object.keys(b.skipped).sort()).toEqual([...NEEDS_INITIAL_WEIGHTS].sort());
    expect(b.skipped['pacbayes-mag-orig']).toMatch(/saved without them.*--no-initial-weights/);
  });

  it('finds every model under a run directory and ranks each measure against the gap (JSON)', async () => {
    const { code, stdout } = await synthInProcess('analyze', run, '--measures', 'margin,l2,l2-dist', '--max-examples', '64', '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.models).toHaveLength(2);
    for (const m of out.models) {
      expect(m.kind).toBe('linear');
      expect(m.measures.margin).toBeGreaterThanOrEqual(0);
      expect(m.measures.l2).toBeGreaterThan(0);
      expect(m.name).toBe(m.dir.endsWith('a') ? 'a' : 'b');
      expect(m.gap).toBeCloseTo(m.trainAccuracy - m.testAccuracy, 12);
    }
    expect(out.models[0].measures['l2-dist']).toBeGreaterThan(0);
    expect(out.models[1].skipped['l2-dist']).toMatch(/initialization/);
    expect(Math.abs(out.ranking.margin)).toBeLessThanOrEqual(1);
    expect(out.caveat).toMatch(/diagnostics/);
  });

  it('rejects unknown measures and directories without models, saying how to fix them', async () => {
    const bad = await synthInProcess('analyze', run, '--measures', 'margin,sharpnes');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown measure "sharpnes"');
    expect(bad.stderr).toContain('sharpness-rho');
    const empty = await synthInProcess('analyze', scratch + '/nowhere');
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('no such directory');
  });
});

describe('model names', () => {
  it('a search run names its models as synth show does: #rank id, the bare id, baseline <kind>', () => {
    const run = path.join(scratch, 'search-run');
    for (const id of ['c1', 'c2', 'c3', 'baseline-linear']) mkdirSync(path.join(run, 'models', id), { recursive: true });
    mkdirSync(path.join(run, 'candidates'));
    writeFileSync(path.join(run, 'report.json'), JSON.stringify({ best: [{ id: 'c3' }, { id: 'c1' }] }));
    const dirs = ['baseline-linear', 'c1', 'c2', 'c3'].map((id) => path.join(run, 'models', id));
    expect(modelNames(run, dirs)).toEqual(['baseline linear', '#2 c1', 'c2', '#1 c3']);
    // Outside a search run: the path under the analysed directory.
    expect(modelNames(scratch, [path.join(scratch, 'run', 'a')])).toEqual([path.join('run', 'a')]);
  });
});
