/**
 * The pool of generated RAVEN matrices behind every `raven*` data set: matrix i of the
 * corpus `dataSeed` rendered at one size, with the rules it was drawn from. Cached on disk
 * (one entry per data seed, ruleset, size and pool size).
 */
import { cachePath, readCacheEntry, writeCacheEntry } from '../cache.ts';
import { corpusMatrix, type GeneratorOptions } from './generate.ts';
import { renderMatrix } from './render.ts';
import { FULL_RULESET, ORIGINAL_RULESET } from './rules.ts';
import type { MatrixRules, RulesetName } from './tasks.ts';

/** Bump when generation or rendering changes, so old cache entries are not reused. */
export const RAVEN_GENERATOR_VERSION = 1;

export interface RavenPoolRequest {
  readonly dataSeed: number;
  readonly ruleset: RulesetName;
  readonly poolSize: number;
  readonly imageSize: number;
  readonly cacheDir: string;
  readonly onProgress?: (done: number, total: number) => void;
  readonly warn: (message: string) => void;
}

export interface RavenPool {
  /** `count * imageSize^2` grey bytes. */
  readonly pixels: Uint8Array;
  readonly matrices: readonly MatrixRules[];
  readonly count: number;
  readonly imageSize: number;
  /** Whether this pool came from the disk cache. */
  readonly fromCache: boolean;
}

interface PoolHeader {
  readonly version: number;
  readonly dataSeed: number;
  readonly ruleset: RulesetName;
  readonly poolSize: number;
  readonly imageSize: number;
  readonly matrices: MatrixRules[];
}

export function generatorOptions(ruleset: RulesetName): GeneratorOptions {
  return { ruleset: ruleset === 'full' ? FULL_RULESET : ORIGINAL_RULESET };
}

/** The rules of the first `count` matrices of a corpus, without rendering (cheap: for base rates). */
export function corpusRules(dataSeed: number, ruleset: RulesetName, count: number): MatrixRules[] {
  const options = generatorOptions(ruleset);
  return Array.from({ length: count }, (_, i) => {
    const m = corpusMatrix(dataSeed, i, options);
    return { configuration: m.configuration, rules: m.components.map((c) => c.rules) };
  });
}

export function poolKey(request: Pick<RavenPoolRequest, 'dataSeed' | 'ruleset' | 'poolSize' | 'imageSize'>): string {
  return `raven-v${RAVEN_GENERATOR_VERSION}-${request.ruleset}-seed${request.dataSeed}-px${request.imageSize}-n${request.poolSize}`;
}

export function generateRavenPool(request: Omit<RavenPoolRequest, 'cacheDir' | 'warn'>): RavenPool {
  const { dataSeed, poolSize, imageSize } = request;
  const options = generatorOptions(request.ruleset);
  const area = imageSize * imageSize;
  const pixels = new Uint8Array(poolSize * area);
  const matrices: MatrixRules[] = [];
  for (let i = 0; i < poolSize; i++) {
    const matrix = corpusMatrix(dataSeed, i, options);
    pixels.set(renderMatrix(matrix, { size: imageSize }), i * area);
    matrices.push({ configuration: matrix.configuration, rules: matrix.components.map((c) => c.rules) });
    if (request.onProgress && ((i + 1) % 100 === 0 || i + 1 === poolSize)) request.onProgress(i + 1, poolSize);
  }
  return { pixels, matrices, count: poolSize, imageSize, fromCache: false };
}

export function loadRavenPool(request: RavenPoolRequest): RavenPool {
  const key = poolKey(request);
  const path = cachePath(request.cacheDir, key);
  const entry = readCacheEntry<PoolHeader>(
    path,
    (h) =>
      h.version === RAVEN_GENERATOR_VERSION &&
      h.dataSeed === request.dataSeed &&
      h.ruleset === request.ruleset &&
      h.poolSize === request.poolSize &&
      h.imageSize === request.imageSize &&
      Array.isArray(h.matrices) &&
      h.matrices.length === request.poolSize,
    request.warn,
  );
  let pool: RavenPool;
  if (entry && entry.payload.length === request.poolSize * request.imageSize ** 2) {
    pool = { pixels: entry.payload, matrices: entry.header.matrices, count: request.poolSize, imageSize: request.imageSize, fromCache: true };
  } else {
    pool = generateRavenPool(request);
    const header: PoolHeader = {
      version: RAVEN_GENERATOR_VERSION,
      dataSeed: request.dataSeed,
      ruleset: request.ruleset,
      poolSize: request.poolSize,
      imageSize: request.imageSize,
      matrices: pool.matrices as MatrixRules[],
    };
    writeCacheEntry(path, header, pool.pixels);
  }
  return pool;
}
