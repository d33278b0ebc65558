/**
 * `synth train --optimizer ...`: SAM and SAF (and the other rules) train end to end, and the
 * saved model records the optimizer, its parameters and its initial weights; bad
 * combinations exit 1 with a hint.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInitialWeights, readManifest } from '../../src/gssnn/persist.ts';
import { synthInProcess as synth } from '../helpers/inProcess.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'synth-optimizer-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));


const base = ['train', '--baseline', 'linear', '--data', 'mnist-0v1', '--preset', 'tiny', '--train-size', '32', '--test-size', '32', '--json'];

describe('synth train --optimizer', () => {
  beforeAll(() => {
    process.env.SYNTH_BACKEND = 'wasm';
  });

  it.each([
    ['sam', ['--rho', '0.1'], { name: 'sam', kind: 'adam', rule: { kind: 'sam', rho: 0.1 } }],
    ['saf', ['--saf-lag', '1', '--saf-coefficient', '0.5', '--base-optimizer', 'sgd', '--lr', '0.05', '--momentum', '0.9'], { name: 'saf', kind: 'sgd', lr: 0.05, momentum: 0.9, rule: { kind: 'saf', coefficient: 0.5, temperature: 5, lag: 1 } }],
    ['winsorized', ['--winsorize', '2'], { name: 'winsorized', kind: 'adam', rule: { kind: 'winsorized', c: 2 } }],
    ['sgd', ['--lr', '0.1'], { name: 'sgd', kind: 'sgd', lr: 0.1 }],
  ])('--optimizer %s trains end to end and records its settings in the saved model', async (name, extra, expected) => {
    const out = path.join(scratch, name);
    const r = await synth(...base, '--epochs', '3', '--optimizer', name, ...extra, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(summary.status).toBe('completed');
    expect(summary.steps).toBe(6);
    expect(summary.optimizer).toMatchObject(expected);
    const manifest = readManifest(out);
    expect((manifest.metadata.summary as { optimizer: unknown }).optimizer).toEqual(summary.optimizer);
    expect(existsSync(path.join(out, 'initial-weights.bin'))).toBe(true);
    const initial = loadInitialWeights(out, manifest)!;
    const trained = new Float32Array(readFileSync(path.join(out, 'weights.bin')).buffer.slice(0));
    // Training moved the weights away from the saved initial ones.
    expect(initial.flatMap((w) => Array.from(w)).some((w, i) => w !== trained[i])).toBe(true);
  });

  it('rejects a parameter of another optimizer, and momentum without sgd', async () => {
    const wrong = await synth(...base, '--epochs', '1', '--optimizer', 'saf', '--rho', '0.1');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('--rho applies to --optimizer sam, not saf');
    const momentum = await synth(...base, '--epochs', '1', '--optimizer', 'sam', '--momentum', '0.9');
    expect(momentum.code).toBe(1);
    expect(momentum.stderr).toContain('--momentum applies to sgd');
    const unknown = await synth(...base, '--epochs', '1', '--optimizer', 'lion');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/--optimizer.*lion/);
  });
});
