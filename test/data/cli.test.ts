import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { synthSync } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'synth-data-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const synth = (...args: string[]) => synthSync(args, { env: { SYNTH_CACHE_DIR: join(work, 'cache') } });

describe('synth data', () => {
  it('preview writes a PNG grid and prints the legend with the base rate', () => {
    const out = join(work, 'raven.png');
    const run = synth('data', 'preview', '--data', 'raven', '--n', '6', '--seed', '3', '--pool-size', '80', '--validation-size', '10', '--test-size', '20', '--out', out);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/class 0 no: \d+ shown/);
    expect(run.stdout).toMatch(/class 1 yes: \d+ shown/);
    expect(run.stdout).toMatch(/base rate \(majority class\) of the train split: \d+\.\d%/);
    const png = PNG.sync.read(readFileSync(out));
    // Three columns of 32 px matrices zoomed 4x with frames.
    expect(png.width).toBeGreaterThan(3 * 128);
    expect(png.height).toBeGreaterThan(2 * 128);
  });

  it('a mistake exits 1 with what is wrong and how to fix it', async () => {
    // In process (main() is what bin/synth.mjs runs): a second spawn would double this file's time.
    const { main } = await import('../../src/cli/main.ts');
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      expect(await main(['node', 'synth', 'data', 'preview', '--data', 'ravne', '--out', join(work, 'x.png')])).toBe(1);
      expect(await main(['node', 'synth', 'data', 'preview', '--data', 'mnist', '--label-noise', '2', '--out', join(work, 'x.png')])).toBe(1);
    } finally {
      spy.mockRestore();
    }
    const stderr = written.join('');
    expect(stderr).toMatch(/unknown data set "ravne"/);
    expect(stderr).toMatch(/hint: known data sets: mnist, .*raven/);
    expect(stderr).toMatch(/--label-noise: expected a number in \[0, 1\], got "2"/);
  });
});
