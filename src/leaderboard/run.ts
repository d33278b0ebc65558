/**
 * The leaderboard end to end: resolve the selected program (running the suite's search if
 * needed), train every job the cache lacks (in process or on worker threads), gather the
 * results and the performance benchmarks into leaderboard.json, then render the Markdown and
 * the plots from that JSON alone.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem, platform, arch } from 'node:os';
import { join } from 'node:path';
import { listDatasets } from '../data/datasets.ts';
import { initBackend, parseBackendName } from '../gssnn/backend.ts';
import type { RunStore } from '../synth/runStore.ts';
import type { PopulationSearchEvent, Trainer } from '../synth/searchRecords.ts';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomicFile.ts';
import { writeChart } from '../util/plot.ts';
import { runInWorkers } from '../util/workerPool.ts';
import { buildCoherence, buildComparisons, buildMeasures, buildReferences, buildRows, round } from './aggregate.ts';
import { gatherBenchmarks } from './benchmarks.ts';
import { ResultCache, type CachedResult } from './cache.ts';
import type { LeaderboardJob, LeaderboardJobResult } from './job.ts';
import { estimatedJobCost, leaderboardPopulationKey, runLeaderboardJobGroup, type LeaderboardJobOutcome } from './jobGroup.ts';
import { populationGroups } from '../gssnn/population/groups.ts';
import { renderMarkdown } from './markdown.ts';
import { modelKindOf, planJobs, type PlannedJob } from './plan.ts';
import { leaderboardCharts } from './plots.ts';
import { LEADERBOARD_FORMAT, LEADERBOARD_VERSION, leaderboardJsonSchema, parseLeaderboard, type Leaderboard } from './schema.ts';
import { resolveSelected, type SelectedProgram } from './selected.ts';
import { LEADERBOARD_MODELS, type Suite } from './suite.ts';
import { modelKindFromName } from '../gssnn/models/spec.ts';
import { controlWiring } from '../gssnn/models/wiring.ts';
import { isomorphic, simpleGraphOf } from '../synth/graphs/index.ts';
import { deriveSeed } from '../util/random.ts';
import { UserFacingError } from '../util/errors.ts';

export const LEADERBOARD_FILES = { json: 'leaderboard.json', schema: 'leaderboard.schema.json', markdown: 'LEADERBOARD.md', plots: 'plots', cache: 'cache' } as const;

export interface JobProgress {
  readonly done: number;
  readonly total: number;
  readonly job: LeaderboardJob;
  readonly result: LeaderboardJobResult | null;
  readonly error?: string;
}

export interface RunOptions {
  readonly suite: Suite;
  readonly out: string;
  readonly workers: number;
  /** Models trained together in one computation (population/); 1 trains one at a time. */
  readonly populationBatch?: number;
  /** Backend name; default: SYNTH_BACKEND or the fastest available. */
  readonly backend?: string;
  /** The exact command line, recorded with every result and printed atop the Markdown. */
  readonly command: string;
  readonly toolkitVersion: string;
  readonly trainerFor: (store: RunStore, backend: string) => Trainer;
  /** Where benchmarks/*.ts wrote their results. */
  readonly benchmarksDir: string;
  readonly onSearchEvent?: (event: PopulationSearchEvent) => void;
  readonly onPlanned?: (info: { total: number; cached: number }) => void;
  readonly onJob?: (progress: JobProgress) => void;
  readonly warn?: (message: string) => void;
  /** Repository whose HEAD commit is recorded (default: the current directory's). */
  readonly repoDir?: string;
}

export function gitCommit(dir = process.cwd()): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

type JobDone = (planned: PlannedJob, outcome: { ok: true; result: LeaderboardJobResult } | { ok: false; error: string }) => void;

async function trainMissing(missing: readonly PlannedJob[], workers: number, populationBatch: number, onDone: JobDone): Promise<void> {
  // Groups of one still train through the population code, so results do not depend on the batch.
  const groups = populationGroups(missing, (p) => leaderboardPopulationKey(p.job), populationBatch, workers, (p) => estimatedJobCost(p.job));
  const report = (group: number[], outcomes: readonly LeaderboardJobOutcome[]) =>
    group.forEach((i, j) => onDone(missing[i], outcomes[j].ok ? { ok: true, result: outcomes[j].value } : { ok: false, error: outcomes[j].error }));
  if (workers <= 1) {
    for (const group of groups) {
      let outcomes: LeaderboardJobOutcome[];
      try {
        outcomes = await runLeaderboardJobGroup(group.map((i) => missing[i].job));
      } catch (err) {
        outcomes = group.map(() => ({ ok: false, error: err instanceof Error ? err.message : String(err) }));
      }
      report(group, outcomes);
    }
    return;
  }
  await runInWorkers<LeaderboardJob[], LeaderboardJobOutcome[]>({
    moduleUrl: new URL('./jobGroup.ts', import.meta.url).href,
    exportName: 'runLeaderboardJobGroup',
    inputs: groups.map((g) => g.map((i) => missing[i].job)),
    workers,
    onOutcome: (o) => report(groups[o.index], o.ok ? o.value : groups[o.index].map(() => ({ ok: false, error: o.error }))),
  });
}

/** Runs what the cache lacks, writes leaderboard.json and renders; returns the leaderboard. */
export async function runLeaderboard(options: RunOptions): Promise<Leaderboard> {
  const { suite, out } = options;
  const warn = options.warn ?? (() => undefined);
  const backend = (await initBackend(options.backend === undefined ? undefined : parseBackendName(options.backend))).name;
  const commit = gitCommit(options.repoDir);
  const selected = await resolveSelected(suite.selected, {
    out,
    trainerFor: (store) => options.trainerFor(store, backend),
    onEvent: options.onSearchEvent,
    command: options.command,
    backend,
    toolkitVersion: options.toolkitVersion,
  });
  // The resolved backend is part of every job: results from another backend are not reused.
  const planned = planJobs(suite, selected.graph, backend);
  const cache = new ResultCache(join(out, LEADERBOARD_FILES.cache));
  const entries: CachedResult[] = [];
  const missing: PlannedJob[] = [];
  for (const p of planned) {
    const hit = cache.get(p.hash, p.job, warn);
    if (hit) entries.push(hit);
    else missing.push(p);
  }
  const fromCache = entries.length;
  options.onPlanned?.({ total: planned.length, cached: fromCache });
  const failed: Leaderboard['runs']['failed'] = [];
  let done = fromCache;
  const provenance = { gitCommit: commit, command: options.command, node: process.version };
  await trainMissing(missing, options.workers, options.populationBatch ?? 1, (p, outcome) => {
    done++;
    if (outcome.ok) {
      const entry: CachedResult = { hash: p.hash, job: p.job, result: outcome.result, provenance };
      cache.put(entry);
      entries.push(entry);
      options.onJob?.({ done, total: planned.length, job: p.job, result: outcome.result });
    } else {
      failed.push({ task: p.job.task, model: p.job.model, trainSize: p.job.trainSize, seed: p.job.seed, error: outcome.error });
      options.onJob?.({ done, total: planned.length, job: p.job, result: null, error: outcome.error });
    }
  });
  // Plan order, not completion order: the JSON must not depend on thread scheduling.
  const order = new Map(planned.map((p, i) => [p.hash, i]));
  entries.sort((a, b) => order.get(a.hash)! - order.get(b.hash)!);
  failed.sort((a, b) => a.task.localeCompare(b.task) || a.trainSize - b.trainSize || a.model.localeCompare(b.model) || a.seed - b.seed);

  const board = assembleLeaderboard({
    suite,
    selected,
    entries,
    failed,
    jobs: planned.length,
    fromCache,
    command: options.command,
    gitCommit: commit,
    toolkitVersion: options.toolkitVersion,
    createdAt: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: Math.max(1, cpus().length),
      memoryGiB: round(totalmem() / 2 ** 30, 1),
      platform: `${platform()}-${arch()}`,
      node: process.version,
      backend,
    },
    benchmarks: gatherBenchmarks(options.benchmarksDir, warn),
  });
  // Validating what we write catches a bug here before a reader meets it.
  const checked = parseLeaderboard(JSON.parse(JSON.stringify(board)), 'the leaderboard being written');
  writeJsonAtomic(join(out, LEADERBOARD_FILES.json), checked);
  await renderLeaderboard(checked, out);
  return checked;
}

export interface LeaderboardParts {
  readonly suite: Suite;
  readonly selected: SelectedProgram;
  /** Results in plan order. */
  readonly entries: readonly CachedResult[];
  readonly failed: Leaderboard['runs']['failed'];
  readonly jobs: number;
  readonly fromCache: number;
  readonly command: string;
  readonly gitCommit: string;
  readonly toolkitVersion: string;
  readonly createdAt: string;
  readonly machine: Leaderboard['machine'];
  readonly benchmarks: Leaderboard['benchmarks'];
}

/** The leaderboard from its parts: a pure function (no clock, no disk). */
export function assembleLeaderboard(parts: LeaderboardParts): Leaderboard {
  const { suite, selected, entries } = parts;
  const known = new Map(listDatasets().map((d) => [d.name, d]));
  return {
    format: LEADERBOARD_FORMAT,
    version: LEADERBOARD_VERSION,
    command: parts.command,
    gitCommit: parts.gitCommit,
    toolkitVersion: parts.toolkitVersion,
    createdAt: parts.createdAt,
    machine: parts.machine,
    suite,
    selected: {
      program: selected.program,
      nodes: selected.graph.nodes.length,
      edges: selected.graph.edges.length,
      source: selected.origin.kind,
      runDir: selected.origin.runDir,
      searchScores: selected.origin.searchScores
        ? { data: selected.origin.searchScores.data, validation: round(selected.origin.searchScores.validation), test: round(selected.origin.searchScores.test) }
        : null,
    },
    wirings: wiringsOf(suite, selected),
    tasks: suite.tasks.map((t) => {
      const rates = entries.filter((e) => e.job.task === t.name).map((e) => e.result.baseRate);
      return {
        name: t.name,
        dataset: t.dataset,
        description: known.get(t.dataset)?.description ?? '',
        classes: [...(known.get(t.dataset)?.classNames ?? [])],
        baseRate: rates.length > 0 ? round(rates.reduce((a, b) => a + b, 0) / rates.length) : 0,
      };
    }),
    rows: buildRows(suite, entries),
    comparisons: buildComparisons(suite, entries),
    references: buildReferences(suite, entries),
    coherence: buildCoherence(entries),
    measures: buildMeasures(suite, entries),
    runs: { jobs: parts.jobs, fromCache: parts.fromCache, trained: entries.length - parts.fromCache, failed: parts.failed },
    benchmarks: parts.benchmarks,
  };
}

/**
 * Node and edge counts of each model's wiring (counts do not depend on the wiring seed), and
 * on how many of the suite's seeds it is the selected graph up to isomorphism (random wirings
 * are drawn per seed as `specFor` draws them).
 */
export function wiringsOf(suite: Suite, selected: SelectedProgram): Leaderboard['wirings'] {
  const like = { nodes: selected.graph.nodes.length, edges: selected.graph.edges.length };
  const target = simpleGraphOf(selected.graph);
  return LEADERBOARD_MODELS.filter((m) => suite.models.includes(m)).map((model) => {
    const kind = modelKindFromName(modelKindOf(model));
    if (kind.family !== 'gssnn') return { model, nodes: null, edges: null, isomorphicSeeds: null };
    if (kind.wiring === 'program') return { model, nodes: like.nodes, edges: like.edges, isomorphicSeeds: suite.seeds.length };
    const { wiring } = kind;
    const graphs = suite.seeds.map((seed) => controlWiring(wiring, like, deriveSeed(seed, 'wiring'), selected.graph.maxConn));
    return { model, nodes: graphs[0].nodes.length, edges: graphs[0].edges.length, isomorphicSeeds: graphs.filter((g) => isomorphic(simpleGraphOf(g), target)).length };
  });
}

/** Reads and validates `<dir>/leaderboard.json`. */
export function readLeaderboard(dir: string): Leaderboard {
  const file = join(dir, LEADERBOARD_FILES.json);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new LeaderboardInputError(`${file}: no leaderboard there`, `run \`synth leaderboard --out ${dir}\` first`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new LeaderboardInputError(`${file}: not valid JSON (${(err as Error).message})`, 'regenerate it with `synth leaderboard`');
  }
  return parseLeaderboard(value, file);
}

export class LeaderboardInputError extends UserFacingError {
  constructor(message: string, hint: string) {
    super(message, { kind: 'usage', hint });
  }
}

/** Writes LEADERBOARD.md, plots/*.svg + *.png and the JSON Schema: a function of the JSON only. */
export async function renderLeaderboard(board: Leaderboard, out: string): Promise<string[]> {
  const charts = leaderboardCharts(board);
  const files: string[] = [];
  for (const chart of charts) {
    const written = await writeChart(join(out, LEADERBOARD_FILES.plots, chart.name), chart.spec);
    files.push(written.svg, written.png);
  }
  const markdown = join(out, LEADERBOARD_FILES.markdown);
  writeFileAtomic(markdown, renderMarkdown(board, charts));
  const schema = join(out, LEADERBOARD_FILES.schema);
  writeJsonAtomic(schema, leaderboardJsonSchema());
  return [markdown, schema, ...files];
}
