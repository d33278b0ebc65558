/**
 * Data benchmark: RAVEN matrices generated and rendered per second at 32, 64 and 128 px
 * (generation alone too), and the time to load MNIST from the package and from the disk cache. Prints one JSON object and writes
 * benchmarks/results/data.json.
 */
import { loadNote, machineInfo, reportBenchmark } from './machine.ts';
import { corpusMatrix } from '../src/data/raven/generate.ts';
import { renderMatrix, defaultSupersample } from '../src/data/raven/render.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedMnistDigits } from '../src/data/mnist.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

/** Calls `work(i)` for i = 0, 1, ... for about `seconds` after a short warm-up; returns calls per second. */
function rate(work: (i: number) => void, seconds: number): { perSecond: number; count: number } {
  for (let i = 0; i < 300; i++) work(1_000_000 + i);
  const start = performance.now();
  let count = 0;
  while (performance.now() - start < seconds * 1000) work(count++);
  return { perSecond: Math.round((count / (performance.now() - start)) * 1000 * 10) / 10, count };
}

const generationOnly = rate((i) => corpusMatrix(0, i), SECONDS);
const rendering: Record<string, unknown> = {};
for (const size of [32, 64, 128]) {
  const both = rate((i) => renderMatrix(corpusMatrix(0, i), { size }), SECONDS);
  rendering[`${size}px`] = { matricesPerSecond: both.perSecond, matrices: both.count, supersample: defaultSupersample(size) };
}
const mnistCache = mkdtempSync(join(tmpdir(), 'bench-mnist-'));
const timed = () => {
  const start = performance.now();
  const result = cachedMnistDigits(mnistCache, () => {});
  return { ...result, seconds: Math.round(performance.now() - start) / 1000 };
};
const mnistFromPackage = timed();
const mnistFromCache = timed();
rmSync(mnistCache, { recursive: true, force: true });

reportBenchmark('data', {
  benchmark: 'data',
  machine: machineInfo({ backend: 'none (pure TypeScript, single thread)' }),
  note: loadNote(),
  secondsPerMeasurement: SECONDS,
  ravenGenerationOnly: { matricesPerSecond: generationOnly.perSecond, matrices: generationOnly.count },
  ravenGenerateAndRender: rendering,
  mnistLoad: {
    digits: mnistFromPackage.digits.count,
    fromPackageSeconds: mnistFromPackage.seconds,
    fromDiskCacheSeconds: mnistFromCache.seconds,
    cacheHit: mnistFromCache.fromCache,
  },
});
