import { synthSync } from '../helpers/cli.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'synth-analyze-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const synth = (...args: string[]) => synthSync(args, { env: { SYNTH_BACKEND: 'wasm' } });

/** The same entry point in this process: no start-up cost per call. */
async function synthInProcess(...args: string[]) {
  const err: string[] = [];
  const out: string[] = [];
  const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  const outSpy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    return { code: await main(['node', 'synth', ...args]), stderr: err.join(''), stdout: out.join('') };
  } finally {
    errSpy.mockRestore();
    outSpy.mockRestore();
  }
}

describe('synth analyze', () => {
  const run = path.join(scratch, 'run');
  beforeAll(async () => {
    process.env.SYNTH_BACKEND = 'wasm';
    for (const [name, seed, size] of [['a', '1', '32'], ['b', '2', '64']]) {
      const r = await synthInProcess('train', '--baseline', 'linear', '--data', 'mnist-0v1', '--preset', 'tiny', '--epochs', '1', '--train-size', size, '--seed', seed, '--out', path.join(run, name), '--json');
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it('prints a table of measures for one saved model, with the caveat', () => {
    const { code, stdout } = synth('analyze', path.join(run, 'a'), '--measures', 'margin,path-norm,log-prod-of-spec', '--max-examples', '64');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^margin\s+\d/m);
    expect(stdout).toMatch(/^log-prod-of-spec\s+-?\d/m);
    expect(stdout).toContain('diagnostics');
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
      expect(m.skipped['l2-dist']).toMatch(/initialization/);
      expect(m.gap).toBeCloseTo(m.trainAccuracy - m.testAccuracy, 12);
    }
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
