import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { synthSync } from '../helpers/cli.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'synth-train-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const synth = (...args: string[]) => synthSync(args, { env: { SYNTH_BACKEND: 'wasm' } });

describe('synth train', () => {
  it('trains a G-SSNN from a program, prints JSON metrics last and saves the model', () => {
    const out = path.join(scratch, 'model');
    const { code, stdout, stderr } = synth(
      'train', '--program', '(push (add (connect identity)))', '--data', 'mnist-0v1',
      '--preset', 'tiny', '--epochs', '1', '--train-size', '32', '--seed', '3', '--out', out, '--json',
    );
    expect(stderr).toContain('epoch 1');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    const summary = JSON.parse(lines[lines.length - 1]);
    expect(summary).toMatchObject({ kind: 'gssnn', data: 'mnist-0v1', preset: 'tiny', seed: 3, status: 'completed', epochs: 1, steps: 2 });
    for (const split of ['train', 'validation', 'test']) {
      expect(summary[split].accuracy).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(summary[split].loss)).toBe(true);
    }
    expect(summary.parameterCount).toBeGreaterThan(0);
    expect(summary.graph).toEqual({ nodes: 2, edges: 1 });
    const manifest = JSON.parse(readFileSync(path.join(out, 'model.json'), 'utf8'));
    expect(manifest.spec.kind).toBe('gssnn');
    expect(existsSync(path.join(out, 'weights.bin'))).toBe(true);
  });

});

// Error paths run in-process through the same entry point (no training, no process start-up).
describe('synth train errors', () => {
  async function synthInProcess(...args: string[]) {
    const chunks: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    });
    try {
      const code = await main(['node', 'synth', ...args]);
      return { code, stderr: chunks.join('') };
    } finally {
      spy.mockRestore();
    }
  }

  it('says what is wrong with a program, and where', async () => {
    const { code, stderr } = await synthInProcess('train', '--program', '(lam (add $0', '--data', 'mnist-0v1', '--preset', 'tiny');
    expect(code).toBe(1);
    expect(stderr).toMatch(/--program:1:13: unexpected end of input/);
  });

  it('asks for exactly one of --program and --baseline, and knows the baselines', async () => {
    const neither = await synthInProcess('train', '--data', 'mnist-0v1');
    expect(neither.code).toBe(1);
    expect(neither.stderr).toContain('exactly one of --program and --baseline');
    const unknown = await synthInProcess('train', '--baseline', 'ring', '--data', 'mnist-0v1');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('linear, mlp, random, chain, star, complete');
    const preset = await synthInProcess('train', '--baseline', 'linear', '--data', 'mnist-0v1', '--preset', 'huge');
    expect(preset.code).toBe(1);
    expect(preset.stderr).toContain('use one of tiny, small, paper');
  });
});
