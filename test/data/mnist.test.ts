import { describe, expect, it } from 'vitest';
import { loadDataset, listDatasets, DataError } from '../../src/data/datasets.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedMnistDigits, loadMnistDigits } from '../../src/data/mnist.ts';

describe('MNIST', () => {
  it('loads the 10,000 real digits offline from the package', () => {
    const digits = loadMnistDigits();
    expect(digits.count).toBe(10000);
    const counts = new Array(10).fill(0);
    for (const d of digits.digits) counts[d]++;
    expect(counts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    // Real strokes: a digit has ink (bright pixels) but is mostly background.
    const first = digits.pixels.subarray(0, 784);
    const ink = first.filter((v) => v > 128).length;
    expect(ink).toBeGreaterThan(40);
    expect(ink).toBeLessThan(400);
  });

  it('the disk cache returns exactly the package\'s digits', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-mnist-'));
    try {
      const warnings: string[] = [];
      const parsed = cachedMnistDigits(dir, (m) => warnings.push(m));
      const cached = cachedMnistDigits(dir, (m) => warnings.push(m));
      expect([parsed.fromCache, cached.fromCache]).toEqual([false, true]);
      expect(Buffer.from(cached.digits.pixels).equals(Buffer.from(parsed.digits.pixels))).toBe(true);
      expect(Buffer.from(cached.digits.digits.buffer).equals(Buffer.from(parsed.digits.digits.buffer))).toBe(true);
      expect(warnings).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every MNIST task loads with stratified splits, the same bytes for the same seed', async () => {
    for (const info of listDatasets().filter((d) => d.family === 'mnist')) {
      const a = await loadDataset(info.name, { seed: 3, trainSize: 200 });
      const b = await loadDataset(info.name, { seed: 3, trainSize: 200 });
      // Byte comparison: toEqual walks typed arrays element by element and is slow.
      expect(Buffer.from(a.train.x.buffer).equals(Buffer.from(b.train.x.buffer))).toBe(true);
      expect(Buffer.from(a.test.y.buffer).equals(Buffer.from(b.test.y.buffer))).toBe(true);
      expect(a.train.count).toBe(200);
      expect(a.numClasses).toBe(info.classNames.length);
      expect(a.train.x.length).toBe(200 * 28 * 28);
      for (const split of [a.train, a.validation, a.test]) {
        for (const y of split.y) expect(y >= 0 && y < a.numClasses).toBe(true);
      }
      // Stratified: each class's share of the training set is within one example of its share of the test set.
      const share = (ys: Int32Array, c: number) => ys.filter((y) => y === c).length / ys.length;
      for (let c = 0; c < a.numClasses; c++) expect(Math.abs(share(a.train.y, c) - share(a.test.y, c))).toBeLessThan(0.02);
    }
  });

  it('resamples to another image size and records the labels control', async () => {
    const d = await loadDataset('mnist-even-odd', { seed: 1, trainSize: 50, imageSize: 16, labels: { kind: 'random', seed: 9 } });
    expect(d.inputShape).toEqual([16, 16, 1]);
    expect(d.train.x.length).toBe(50 * 256);
    expect(d.labels).toEqual({ kind: 'random', seed: 9 });
    expect(d.provenance.labels).toEqual({ kind: 'random', seed: 9 });
  });

  it('an unknown name lists the known names; generator options are refused', async () => {
    await expect(loadDataset('mnist', { poolSize: 500 })).rejects.toThrow(/poolSize applies to generated \(RAVEN\) data sets only/);
    await expect(loadDataset('mnits')).rejects.toThrow(DataError);
    await expect(loadDataset('mnits')).rejects.toMatchObject({ hint: expect.stringContaining('mnist-even-odd') });
  });
});
