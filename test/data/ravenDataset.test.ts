import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../../src/data/datasets.ts';
import { generateRavenPool } from '../../src/data/raven/pool.ts';

const dirs: string[] = [];
const freshCache = () => {
  const dir = mkdtempSync(join(tmpdir(), 'synth-data-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const sameBytes = (a: ArrayBufferView, b: ArrayBufferView) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const small = { poolSize: 150, validationSize: 20, testSize: 30, imageSize: 32 };

describe('RAVEN data sets', () => {
  it('same seed, same bytes: freshly generated, from the cache, and in another cache', async () => {
    const cacheDir = freshCache();
    const warnings: string[] = [];
    const first = await loadDataset('raven', { ...small, seed: 2, cacheDir, warn: (m) => warnings.push(m) });
    const cached = await loadDataset('raven', { ...small, seed: 2, cacheDir, warn: (m) => warnings.push(m) });
    const elsewhere = await loadDataset('raven', { ...small, seed: 2, cacheDir: freshCache() });
    expect(first.provenance.fromCache).toBe(false);
    expect(cached.provenance.fromCache).toBe(true);
    for (const d of [cached, elsewhere]) {
      expect(sameBytes(d.train.x, first.train.x)).toBe(true);
      expect(sameBytes(d.test.x, first.test.x)).toBe(true);
      expect(sameBytes(d.train.y, first.train.y)).toBe(true);
    }
    expect(warnings).toEqual([]);
    expect(first.inputShape).toEqual([32, 32, 1]);
    expect(first.train.count).toBe(100);
    expect(first.train.x.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('a corrupt cache entry is reported and generated again, giving the same data', async () => {
    const cacheDir = freshCache();
    const clean = await loadDataset('raven-color-rule', { ...small, cacheDir });
    const [file] = readdirSync(cacheDir).filter((f) => f.endsWith('.bin'));
    const path = join(cacheDir, file);
    const bytes = readFileSync(path);
    bytes[bytes.length - 5] ^= 0xff;
    writeFileSync(path, bytes);
    const warnings: string[] = [];
    const again = await loadDataset('raven-color-rule', { ...small, cacheDir, warn: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/checksum mismatch\); generating it again/);
    expect(again.provenance.fromCache).toBe(false);
    expect(sameBytes(again.train.x, clean.train.x)).toBe(true);
    // A truncated file is caught too, and the rewritten entry then loads cleanly.
    writeFileSync(path, readFileSync(path).subarray(0, 20));
    const truncated: string[] = [];
    await loadDataset('raven-color-rule', { ...small, cacheDir, warn: (m) => truncated.push(m) });
    expect(truncated[0]).toMatch(/truncated header|payload is/);
    const quiet: string[] = [];
    const reloaded = await loadDataset('raven-color-rule', { ...small, cacheDir, warn: (m) => quiet.push(m) });
    expect(quiet).toEqual([]);
    expect(reloaded.provenance.fromCache).toBe(true);
  });

  it('tasks share one cached pool; training subsets nest; the test set stays fixed', async () => {
    const cacheDir = freshCache();
    const a = await loadDataset('raven', { ...small, seed: 4, trainSize: 40, cacheDir });
    const b = await loadDataset('raven', { ...small, seed: 4, trainSize: 90, cacheDir });
    const c = await loadDataset('raven-configuration', { ...small, seed: 4, trainSize: 90, cacheDir });
    expect(sameBytes(a.test.x, b.test.x)).toBe(true);
    expect(c.provenance.cacheKey).toBe(a.provenance.cacheKey);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    expect(c.numClasses).toBe(6);
    const size = 32 * 32;
    const key = (x: Float32Array, i: number) => Buffer.from(x.buffer, x.byteOffset + i * size * 4, size * 4).toString('base64');
    const larger = new Set(Array.from({ length: b.train.count }, (_, i) => key(b.train.x, i)));
    for (let i = 0; i < a.train.count; i++) expect(larger.has(key(a.train.x, i))).toBe(true);
  });

  it('worker threads generate exactly the pool one thread does', async () => {
    const request = { dataSeed: 3, ruleset: 'original' as const, poolSize: 420, imageSize: 32 };
    const serial = await generateRavenPool(request);
    const progress: number[] = [];
    const parallel = await generateRavenPool({ ...request, workers: 2, onProgress: (done) => progress.push(done) });
    expect(sameBytes(parallel.pixels, serial.pixels)).toBe(true);
    expect(parallel.matrices).toEqual(serial.matrices);
    expect(progress.at(-1)).toBe(420);
  });

  it('bad options say what is wrong', async () => {
    await expect(loadDataset('raven', { ...small, trainSize: 500, cacheDir: freshCache() })).rejects.toThrow(/trainSize 500 is larger than the 100 examples/);
    await expect(loadDataset('raven', { imageSize: 3 })).rejects.toThrow(/imageSize must be an integer in \[8, 512\]/);
  });
});
