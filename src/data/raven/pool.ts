/**
 * The pool of generated RAVEN matrices behind every `raven*` data set: matrix i of the
 * corpus `dataSeed` rendered at one size, with the rules it was drawn from. Cached on disk
 * (one entry per data seed, ruleset, size and pool size).
 */
import { cachePath, readCacheEntry, writeCacheEntry } from '../cache.ts';
import { runInWorkers } from '../../util/workerPool.ts';
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
  /** Worker threads for generation (default 1: in this thread). Results do not depend on it. */
  readonly workers?: number;
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

/** A run of consecutive corpus matrices, the unit of work handed to a worker thread. */
export interface PoolChunk {
  readonly dataSeed: number;
  readonly ruleset: RulesetName;
  readonly imageSize: number;
  readonly from: number;
  readonly to: number;
}

export interface RenderedChunk {
  readonly pixels: Uint8Array;
  readonly matrices: MatrixRules[];
}

/** Generates and renders matrices [from, to) of a corpus (runs in worker threads too). */
export function renderPoolChunk(chunk: PoolChunk, onMatrix?: (done: number) => void): RenderedChunk {
  const options = generatorOptions(chunk.ruleset);
  const area = chunk.imageSize * chunk.imageSize;
  const pixels = new Uint8Array((chunk.to - chunk.from) * area);
  const matrices: MatrixRules[] = [];
  for (let i = chunk.from; i < chunk.to; i++) {
    const matrix = corpusMatrix(chunk.dataSeed, i, options);
    pixels.set(renderMatrix(matrix, { size: chunk.imageSize }), (i - chunk.from) * area);
    matrices.push({ configuration: matrix.configuration, rules: matrix.components.map((c) => c.rules) });
    onMatrix?.(i + 1 - chunk.from);
  }
  return { pixels, matrices };
}

export async function generateRavenPool(request: Omit<RavenPoolRequest, 'cacheDir' | 'warn'>): Promise<RavenPool> {
  const { dataSeed, ruleset, poolSize, imageSize, onProgress } = request;
  const area = imageSize * imageSize;
  const workers = Math.max(1, Math.floor(request.workers ?? 1));
  // Threads cost a second or so to start: only worth it for a few hundred matrices each.
  if (workers === 1 || poolSize < 200 * workers) {
    const chunk = renderPoolChunk({ dataSeed, ruleset, imageSize, from: 0, to: poolSize }, (done) => {
      if (onProgress && (done % 100 === 0 || done === poolSize)) onProgress(done, poolSize);
    });
    return { ...chunk, count: poolSize, imageSize, fromCache: false };
  }
  const chunkSize = Math.max(50, Math.ceil(poolSize / (workers * 8)));
  const inputs: PoolChunk[] = [];
  for (let from = 0; from < poolSize; from += chunkSize) inputs.push({ dataSeed, ruleset, imageSize, from, to: Math.min(poolSize, from + chunkSize) });
  let done = 0;
  const outcomes = await runInWorkers<PoolChunk, RenderedChunk>({
    moduleUrl: import.meta.url,
    exportName: 'renderPoolChunk',
    inputs,
    workers,
    onOutcome: (outcome) => {
      if (outcome.ok) done += inputs[outcome.index].to - inputs[outcome.index].from;
      onProgress?.(done, poolSize);
    },
  });
  const pixels = new Uint8Array(poolSize * area);
  const matrices: MatrixRules[] = [];
  for (const outcome of outcomes) {
    if (!outcome.ok) throw new Error(`RAVEN generation failed in a worker (matrices ${inputs[outcome.index].from}..${inputs[outcome.index].to - 1}): ${outcome.error}`);
    pixels.set(outcome.value.pixels, inputs[outcome.index].from * area);
    matrices.push(...outcome.value.matrices);
  }
  return { pixels, matrices, count: poolSize, imageSize, fromCache: false };
}

export async function loadRavenPool(request: RavenPoolRequest): Promise<RavenPool> {
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
    pool = await generateRavenPool(request);
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
