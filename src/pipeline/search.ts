/**
 * A search as one library call: open (or resume) a run directory, pick the trainer (this
 * machine's threads or a Redis queue), run the population loop and close the run. What
 * `synth search` adds on top is flags, progress display and the summary it prints.
 */
import type { Dsl } from '../dsl/dsl.ts';
import { graphDsl } from '../dsl/domains/graphDsl.ts';
import { initBackend, type BackendName } from '../gssnn/backend.ts';
import type { QueueLocation } from '../queue/location.ts';
import { recoverRun, type RecoveryNote } from '../synth/runRecovery.ts';
import { populationSearchConfigFromManifest } from '../synth/runRecords.ts';
import { RunStore } from '../synth/runStore.ts';
import { runPopulationSearch, PopulationSearchError, type PopulationSearchConfig, type PopulationSearchEvent, type PopulationSearchReport, type Trainer } from '../synth/search.ts';
import { toolkitVersion } from '../util/version.ts';
import { localTrainer } from './localTrainer.ts';
import { queueTrainer } from './queueTrainer.ts';
import { BASELINE_KINDS, type TrainingConfig } from './trainingJobs.ts';

export interface PopulationSearchRunOptions {
  /** The run directory: created, or continued when it already holds a run (its own settings then apply). */
  readonly dir: string;
  /** The run's settings; `config.training` is a `TrainingConfig`. Ignored when the run is resumed. */
  readonly config: PopulationSearchConfig;
  /** The DSL to start from (default: the built-in uniform graph DSL). */
  readonly dsl?: Dsl;
  /** Tensor backend (default: `SYNTH_BACKEND` or the fastest available). */
  readonly backend?: BackendName;
  /** Train on this many worker threads (default 1: in this thread). */
  readonly workers?: number;
  /** Models trained together in one computation (default 16). */
  readonly populationBatch?: number;
  /** Train on `synth worker` processes through Redis instead of on this machine. */
  readonly queue?: QueueLocation;
  /** Any trainer at all; overrides `workers` and `queue`. */
  readonly trainer?: (store: RunStore, backend: string) => Trainer;
  readonly onEvent?: (event: PopulationSearchEvent) => void;
  /** Damage repaired in a resumed run directory (default: ignored). */
  readonly onRecovery?: (note: RecoveryNote) => void;
}

/** The settings of a search with `synth search`'s defaults, given the data set and preset to train on. */
export function populationSearchConfig(training: TrainingConfig, overrides: Partial<Omit<PopulationSearchConfig, 'training'>> = {}): PopulationSearchConfig {
  return {
    iterations: 2,
    population: 6,
    keep: 3,
    seed: training.dataSeed,
    selection: { metric: 'validation', folds: 3 },
    explore: { maxPrograms: 20_000, maxSize: 20, strategy: 'novelty' },
    compress: { arity: 2, iterations: 2 },
    reweight: { pseudoCount: 1 },
    baselines: BASELINE_KINDS.filter((b) => b !== 'star' && b !== 'complete'),
    ...overrides,
    training: training as unknown as PopulationSearchConfig['training'],
  };
}

/** Runs a whole search in `options.dir` and returns its report. */
export async function populationSearchInDirectory(options: PopulationSearchRunOptions): Promise<PopulationSearchReport> {
  const backend = (await initBackend(options.backend)).name;
  const resumed = RunStore.exists(options.dir);
  const store = resumed
    ? RunStore.resume(options.dir)
    : RunStore.create(options.dir, {
        runId: `search-${Date.now().toString(36)}`,
        createdAt: new Date().toISOString(),
        toolkitVersion: toolkitVersion(),
        node: process.version,
        seed: options.config.seed,
        backend,
        config: options.config as unknown as Record<string, unknown>,
      });
  try {
    for (const note of recoverRun(store)) options.onRecovery?.(note);
    const config = resumed ? configOfRun(store) : options.config;
    const trainer = options.trainer
      ? options.trainer(store, backend)
      : options.queue
        ? queueTrainer(store, { location: options.queue, backend, populationBatch: options.populationBatch })
        : localTrainer(store, { workers: options.workers ?? 1, backend, populationBatch: options.populationBatch });
    try {
      return await runPopulationSearch(store, config, options.dsl ?? graphDsl(), trainer, options.onEvent);
    } finally {
      await trainer.close?.();
    }
  } finally {
    store.close();
  }
}

function configOfRun(store: RunStore): PopulationSearchConfig {
  const read = populationSearchConfigFromManifest(store.manifest.config);
  if (read.ok) return read.value;
  throw new PopulationSearchError(`${store.dir}/manifest.json: field "config.${read.error.field}": ${read.error.message}`, 'the run cannot be continued with damaged settings; start a new run');
}
