/**
 * `synth search`: the population loop on built-in data. Thin: it parses flags, opens or
 * creates the run store, wires the local trainer into `runPopulationSearch` and prints.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { baseRate, DataError, listDatasets, loadDataset } from '../../data/index.ts';
import type { Dsl } from '../../dsl/dsl.ts';
import { BACKEND_NAMES, BackendChoiceError, initBackend, parseBackendName } from '../../gssnn/backend.ts';
import { getPreset, PRESET_NAMES, type PresetName } from '../../gssnn/presets.ts';
import { ENUMERATION_STRATEGY_NAMES } from '../../synth/enumerate/index.ts';
import { RunLockedError } from '../../synth/runLock.ts';
import { populationSearchConfigFromManifest } from '../../synth/runRecords.ts';
import { recoverRun, RunRecoveryError } from '../../synth/runRecovery.ts';
import { RunStore, RunStoreError } from '../../synth/runStore.ts';
import { runPopulationSearch, PopulationSearchError, validatePopulationSearchConfig, type PopulationSearchConfig, type PopulationSearchEvent, type PopulationSearchReport, type SelectionMetric } from '../../synth/search.ts';
import { dslFromFlag } from '../dslFlag.ts';
import { UserError } from '../errors.ts';
import { parseChoice, parseChoiceList, parseInteger, parseNumber } from '../options.ts';
import { BASELINE_KINDS, DEFAULT_POPULATION_BATCH, localTrainer, queueTrainer, type TrainingConfig } from '../../pipeline/index.ts';
import { openQueueFlag } from '../queueFlag.ts';
import type { QueueLocation } from '../../queue/location.ts';
import { createProgressView } from '../progress.ts';
import { onInterrupt, RESTORE_TERMINAL } from '../interrupt.ts';
import { requireWritableDirectory } from '../outputs.ts';
import { BASE_RATE_FILE, baseRateFile, formatSearchSummary, readSearchSummary, type SplitBaseRate } from '../searchSummary.ts';
import { commandLine } from '../shell.ts';
import { toolkitVersion } from '../../util/version.ts';
import { defaultThreadCount } from '../../util/workerPool.ts';

interface SearchFlags {
  data: string;
  preset: string;
  iterations: string;
  population: string;
  keep: string;
  seed: string;
  out?: string;
  resume?: boolean;
  json?: boolean;
  workers?: string;
  populationBatch: string;
  selection: string;
  folds: string;
  maxPrograms: string;
  maxSize: string;
  seconds?: string;
  strategy: string;
  minNodes?: string;
  maxNodes?: string;
  noveltyBound?: string;
  maxStates?: string;
  argumentPool?: string;
  arity: string;
  compressIterations: string;
  baselines: string;
  trainSize?: string;
  epochs?: string;
  dsl?: string;
  backend?: string;
  queue?: string;
  shipModels?: boolean;
}

const SELECTION_METRICS: readonly SelectionMetric[] = ['validation', 'train', 'kfold'];
/** Flags that describe the run itself; with --resume they come from its manifest. */
const RUN_DEFINING = ['data', 'preset', 'iterations', 'population', 'keep', 'seed', 'selection', 'folds', 'maxPrograms', 'maxSize', 'seconds', 'strategy', 'minNodes', 'maxNodes', 'noveltyBound', 'maxStates', 'argumentPool', 'arity', 'compressIterations', 'baselines', 'trainSize', 'epochs', 'dsl'];

export function register(program: Command): void {
  program
    .command('search')
    .description('Explore programs, train a G-SSNN per new graph against baselines, keep the best, learn a library, repeat')
    .option('--data <name>', 'data set (see `synth data list`; raven is the original task)', 'mnist')
    .option('--preset <name>', `model and training sizes: ${PRESET_NAMES.join(', ')}`, 'small')
    .option('--iterations <n>', 'explore/train/select/compress rounds', '2')
    .option('--population <n>', 'candidates held per iteration', '6')
    .option('--keep <k>', 'candidates kept after each selection', '3')
    .option('--seed <n>', 'seeds everything: exploration ties, training, splits', '0')
    .option('--out <dir>', 'run directory (default: runs/search-<data>-<preset>-seed<seed>)')
    .option('--resume', 'continue the run in --out where it stopped')
    .option('--json', 'stream NDJSON events on stdout (the last line is the report)')
    .option('--workers <n>', 'train candidates on this many worker threads (default: one per core, at most 8; results do not depend on it)')
    .option('--population-batch <k>', 'models trained together in one computation (1: one at a time)', String(DEFAULT_POPULATION_BATCH))
    .option('--selection <metric>', `score used to keep candidates: ${SELECTION_METRICS.join(', ')} (train = as the original)`, 'validation')
    .option('--folds <k>', 'folds for --selection kfold', '3')
    .option('--max-programs <n>', 'programs enumerated per exploration', '20000')
    .option('--max-size <n>', 'largest program size enumerated', '20')
    .option('--seconds <s>', 'wall-clock budget per exploration (makes runs machine-dependent)')
    .option('--strategy <name>', `exploration: ${ENUMERATION_STRATEGY_NAMES.join(', ')} (heap = the original's plain best-first order; novelty reaches far more graphs)`, 'novelty')
    .option('--min-nodes <n>', 'candidates are graphs of at least this many nodes (default 2)')
    .option('--max-nodes <n>', 'novelty / states: candidates are graphs of at most this many nodes')
    .option('--novelty-bound <n>', 'novelty: states extended per graph class before the bound widens (default 16)')
    .option('--max-states <n>', 'states / novelty: most distinct program states held (default 2,000,000); the exploration reports the states it dropped')
    .option('--argument-pool <n>', 'states / novelty: closed programs tried per branch argument, as the branches of func (default 4)')
    .option('--arity <n>', 'largest arity of learned abstractions', '2')
    .option('--compress-iterations <n>', 'abstractions learned per iteration at most', '2')
    .option('--baselines <list>', `baselines trained once: comma list of ${BASELINE_KINDS.join(', ')}, or none`, 'linear,mlp,random,chain')
    .option('--train-size <n>', "training examples (default: the preset's)")
    .option('--epochs <n>', "epochs per model (default: the preset's)")
    .option('--dsl <file>', 'DSL to start from (default: the built-in uniform graph DSL)')
    .option('--backend <name>', `tensor backend: ${BACKEND_NAMES.join(', ')}`)
    .option('--queue <url>', 'train on `synth worker` processes through Redis at redis://HOST:PORT[/DB] instead of locally')
    .option('--ship-models', 'with --queue: workers send models back through Redis (no shared run directory needed)')
    .action(async (flags: SearchFlags, command: Command) => {
      await runSearchCommand(flags, command);
    });
}

function configFrom(flags: SearchFlags): PopulationSearchConfig {
  const preset = parseChoice('--preset', flags.preset, PRESET_NAMES) as PresetName;
  const known = listDatasets().map((d) => d.name);
  if (!known.includes(flags.data)) throw new UserError(`--data: unknown data set "${flags.data}"`, `use one of ${known.join(', ')}`);
  const training: TrainingConfig = {
    data: flags.data,
    dataSeed: parseInteger('--seed', flags.seed),
    preset,
    ...(flags.trainSize !== undefined ? { trainSize: parseInteger('--train-size', flags.trainSize, 2) } : {}),
    ...(flags.epochs !== undefined ? { epochs: parseInteger('--epochs', flags.epochs, 1) } : {}),
  };
  const config: PopulationSearchConfig = {
    iterations: parseInteger('--iterations', flags.iterations, 1),
    population: parseInteger('--population', flags.population, 2),
    keep: parseInteger('--keep', flags.keep, 1),
    seed: parseInteger('--seed', flags.seed),
    selection: { metric: parseChoice('--selection', flags.selection, SELECTION_METRICS), folds: parseInteger('--folds', flags.folds, 2) },
    explore: {
      maxPrograms: parseInteger('--max-programs', flags.maxPrograms, 1),
      maxSize: parseInteger('--max-size', flags.maxSize, 1),
      ...(flags.seconds !== undefined ? { seconds: parseNumber('--seconds', flags.seconds, 0.01) } : {}),
      strategy: parseChoice('--strategy', flags.strategy, ENUMERATION_STRATEGY_NAMES),
      ...(flags.minNodes !== undefined ? { minNodes: parseInteger('--min-nodes', flags.minNodes, 2) } : {}),
      ...(flags.maxNodes !== undefined ? { maxNodes: parseInteger('--max-nodes', flags.maxNodes, 2) } : {}),
      ...(flags.noveltyBound !== undefined ? { perClassExpansions: parseInteger('--novelty-bound', flags.noveltyBound, 1) } : {}),
      ...(flags.maxStates !== undefined ? { maxStates: parseInteger('--max-states', flags.maxStates, 1) } : {}),
      ...(flags.argumentPool !== undefined ? { argumentPool: parseInteger('--argument-pool', flags.argumentPool, 1) } : {}),
    },
    compress: { arity: parseInteger('--arity', flags.arity, 0, 5), iterations: parseInteger('--compress-iterations', flags.compressIterations, 0) },
    reweight: { pseudoCount: 1 },
    baselines: parseChoiceList('--baselines', flags.baselines, BASELINE_KINDS),
    training: { ...training, ...(flags.dsl ? { dsl: flags.dsl } : {}) },
  };
  const problems = validatePopulationSearchConfig(config);
  if (problems.length > 0) throw new UserError(`impossible search settings: ${problems.join('; ')}`);
  return config;
}

async function runSearchCommand(flags: SearchFlags, command: Command): Promise<void> {
  const workers = flags.workers === undefined ? defaultThreadCount() : parseInteger('--workers', flags.workers, 1, 64);
  const populationBatch = parseInteger('--population-batch', flags.populationBatch, 1, 256);
  if (flags.shipModels && flags.queue === undefined) throw new UserError('--ship-models needs --queue', 'add --queue redis://HOST:PORT, or drop --ship-models');
  if (flags.queue !== undefined && command.getOptionValueSource('workers') === 'cli') throw new UserError('--workers trains on this machine and has no effect with --queue', 'drop --workers; give each `synth worker` --concurrency N instead');
  const queue = flags.queue === undefined ? undefined : await openQueueFlag(flags.queue);
  if (flags.out !== undefined && flags.out.trim() === '') throw new UserError('--out: expected a directory, got an empty path', 'for example --out runs/my-search');
  const out = flags.out ?? join('runs', `search-${flags.data}-${flags.preset}-seed${flags.seed}`);
  const commandLine = `synth ${process.argv.slice(2).join(' ')}`;
  // Settings are checked before anything slow starts or anything is written.
  let config: PopulationSearchConfig;
  let store: RunStore | undefined;
  try {
    if (flags.resume) {
      const given = RUN_DEFINING.filter((name) => command.getOptionValueSource(name) === 'cli');
      if (given.length > 0) {
        throw new UserError(
          `--resume continues the run in ${out} with its own settings; these flags would change it: ${given.map((g) => `--${kebab(g)}`).join(', ')}`,
          'drop them, or start a new run in another --out directory',
        );
      }
      if (RunStore.exists(out)) requireWritableDirectory(out, '--out', 'a run is resumed where it lies: make the directory writable, or copy it somewhere writable and resume the copy');
      store = RunStore.resume(out, commandLine);
      config = configOfRun(store);
    } else {
      config = configFrom(flags);
      if (RunStore.exists(out)) throw new UserError(`${out} already holds a run`, 'pass --resume to continue it, or choose another --out directory');
      requireWritableDirectory(out, '--out');
    }
  } catch (err) {
    store?.close();
    throw runError(err);
  }
  try {
    await createAndExecute(store, out, config, flags, command, commandLine, { workers, populationBatch }, queue);
  } finally {
    store?.close();
  }
}

/** The settings of a run being resumed, checked as they are read back. */
function configOfRun(store: RunStore): PopulationSearchConfig {
  const read = populationSearchConfigFromManifest(store.manifest.config);
  if (!read.ok) throw new UserError(`${join(store.dir, 'manifest.json')}: field "config.${read.error.field}": ${read.error.message}`, 'the run cannot be continued with damaged settings; start a new run');
  const training = read.value.training as Partial<TrainingConfig>;
  const field = !PRESET_NAMES.includes(training.preset as PresetName) ? 'preset' : !listDatasets().some((d) => d.name === training.data) ? 'data' : undefined;
  if (field) throw new UserError(`${join(store.dir, 'manifest.json')}: field "config.training.${field}": unknown value ${JSON.stringify(training[field])}`, 'the run cannot be continued with damaged settings; start a new run');
  return read.value;
}

/** Errors of the run directory (held by another process, damaged, missing) as user errors. */
function runError(err: unknown): unknown {
  if (err instanceof RunStoreError || err instanceof RunRecoveryError || err instanceof RunLockedError) return new UserError(err.message, err.hint);
  return err;
}

async function createAndExecute(
  resumed: RunStore | undefined,
  out: string,
  config: PopulationSearchConfig,
  flags: SearchFlags,
  command: Command,
  commandLine: string,
  local: { workers: number; populationBatch: number },
  queue: QueueLocation | undefined,
): Promise<void> {
  let store = resumed;
  const dsl = dslFromFlag((config.training as { dsl?: string }).dsl);
  let backend: string;
  try {
    backend = (await initBackend(flags.backend === undefined ? undefined : parseBackendName(flags.backend, '--backend'))).name;
  } catch (err) {
    if (err instanceof BackendChoiceError) throw new UserError(err.message, err.hint);
    throw err;
  }
  try {
    store ??= RunStore.create(out, {
      runId: `search-${Date.now().toString(36)}`,
      createdAt: new Date().toISOString(),
      toolkitVersion: toolkitVersion(),
      node: process.version,
      seed: config.seed,
      backend,
      command: commandLine,
      config: config as unknown as Record<string, unknown>,
    });
  } catch (err) {
    throw runError(err);
  }
  try {
    for (const note of recoverRun(store)) {
      process.stderr.write(`warning: ${join(store.dir, note.file)}${note.field ? `: field "${note.field}"` : ''}: ${note.problem}; ${note.action}\n`);
    }
    await execute(store, config, dsl, flags, local, backend, { out, resume: resumeCommand(out, flags, command) }, queue);
  } catch (err) {
    throw runError(err);
  } finally {
    store.close();
  }
}

/** The command that continues this run: its directory and the flags that do not define it. */
function resumeCommand(out: string, flags: SearchFlags, command: Command): string {
  const args = ['synth', 'search', '--resume', '--out', out];
  const given = (name: string) => command.getOptionValueSource(name) === 'cli';
  if (given('workers') && flags.workers !== undefined) args.push('--workers', flags.workers);
  if (given('populationBatch')) args.push('--population-batch', flags.populationBatch);
  if (flags.backend !== undefined) args.push('--backend', flags.backend);
  if (flags.queue !== undefined) args.push('--queue', flags.queue);
  if (flags.shipModels) args.push('--ship-models');
  if (flags.json) args.push('--json');
  return commandLine(args);
}

/** Majority-class rate and size of a split. */
function splitRate(split: { y: ArrayLike<number>; count: number }, classes: number): SplitBaseRate {
  return { baseRate: baseRate(split.y, classes), examples: split.count };
}

/** `where.out`: the run directory as the user gave it, for messages; `where.resume`: the command that resumes it. */
async function execute(store: RunStore, config: PopulationSearchConfig, dsl: Dsl, flags: SearchFlags, local: { workers: number; populationBatch: number }, backend: string, where: { out: string; resume: string }, queue?: QueueLocation): Promise<void> {
  const training = config.training as unknown as TrainingConfig;
  const preset = getPreset(training.preset);
  // Made first, so that its threads load the training code while the data loads. One worker
  // still trains on a thread, so that Ctrl-C is answered at once, not after the current model.
  const trainer = queue
    ? queueTrainer(store, { location: queue, backend, shipModels: Boolean(flags.shipModels), populationBatch: local.populationBatch })
    : localTrainer(store, { ...local, backend, thread: true });
  let report: PopulationSearchReport;
  try {
    try {
      const data = await loadDataset(training.data, {
        seed: training.dataSeed,
        imageSize: preset.image.inputSize,
        trainSize: training.trainSize ?? preset.data.trainSize,
        validationSize: preset.data.validationSize,
        testSize: preset.data.testSize,
        labels: training.labels,
        warn: (m) => process.stderr.write(`warning: ${m}\n`),
      });
      // Written first, so that the base rates of an interrupted run are known too.
      if (!store.has(BASE_RATE_FILE)) store.commit({ type: 'base-rate' }, { [BASE_RATE_FILE]: baseRateFile(splitRate(data.validation, data.numClasses), splitRate(data.test, data.numClasses)) });
    } catch (err) {
      if (err instanceof DataError) throw new UserError(`--data ${training.data}: ${err.message}`, err.hint);
      throw err;
    }
    const view = createProgressView({ json: Boolean(flags.json), stream: process.stderr });
    const release = onInterrupt((signal) => {
      view.stop();
      if (process.stderr.isTTY) process.stderr.write(RESTORE_TERMINAL);
      process.stderr.write(`\nsynth search: interrupted (${signal}). Every finished step is saved in ${where.out}.\nResume with:\n  ${where.resume}\n`);
      if (flags.json) process.stdout.write(`${JSON.stringify({ type: 'interrupted', signal, resume: where.resume })}\n`);
    });
    view.start(where.out, config);
    try {
      report = await runPopulationSearch(store, config, dsl, trainer, (event: PopulationSearchEvent) => {
        view.update(event);
        if (flags.json && event.type !== 'done') process.stdout.write(`${JSON.stringify(event)}\n`);
      });
    } catch (err) {
      if (err instanceof PopulationSearchError) throw new UserError(err.message, err.hint);
      throw err;
    } finally {
      view.stop();
      release();
    }
  } finally {
    await trainer.close?.();
  }
  const summary = readSearchSummary(store, report);
  if (flags.json) {
    // The last line is the report, with the base rates and the verdicts against them.
    process.stdout.write(`${JSON.stringify({ type: 'done', report, baseRates: summary.rates?.splits ?? null, assessment: summary.assessment })}\n`);
    for (const w of summary.assessment.warnings) process.stderr.write(`warning: ${w}\n`);
    return;
  }
  process.stdout.write(formatSearchSummary(summary, where.out));
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
