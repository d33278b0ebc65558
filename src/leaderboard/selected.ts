/**
 * The program whose graph wires the leaderboard's `gssnn-selected` model: the best program of
 * a search the suite runs first (stored under `<out>/search/<hash>/`, resumed if interrupted,
 * reused once finished), of a given search run directory, or a given program text.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { evaluate } from '../dsl/evaluate.ts';
import type { ProgramGraph } from '../dsl/graph.ts';
import { graphDsl } from '../dsl/domains/graphDsl.ts';
import { parseProgram } from '../dsl/parse.ts';
import { readRecordFile } from '../synth/runRecords.ts';
import { RunStore } from '../synth/runStore.ts';
import { runPopulationSearch, type PopulationSearchConfig, type PopulationSearchEvent, type PopulationSearchReport, type Trainer } from '../synth/search.ts';
import { controlWiring, type WiringKind } from '../gssnn/models/wiring.ts';
import { isomorphic, simpleGraphOf } from '../synth/graphs/index.ts';
import { canonicalJson } from './plan.ts';
import { SuiteError, type SearchSource, type SelectedSource } from './suite.ts';

export interface SelectedProgram {
  readonly program: string;
  readonly graph: ProgramGraph;
  /** Where the program came from, for the report. */
  readonly origin: {
    readonly kind: SelectedSource['kind'];
    /** Search run directory (relative to the output directory when the suite ran the search). */
    readonly runDir: string | null;
    /** The search's own scores of the program (validation, test) on its data set. */
    readonly searchScores: { readonly data: string; readonly validation: number; readonly test: number } | null;
  };
}

export interface SelectOptions {
  readonly out: string;
  /** Makes the trainer a search uses (the CLI passes the worker-thread trainer). */
  readonly trainerFor: (store: RunStore) => Trainer;
  readonly onEvent?: (event: PopulationSearchEvent) => void;
  readonly command: string;
  readonly backend: string;
  readonly toolkitVersion: string;
}

/** How suites' searches explore (as `synth search` does by default). */
const SEARCH_STRATEGY = 'novelty' as const;

export function populationSearchConfigOf(source: SearchSource): PopulationSearchConfig {
  return {
    iterations: source.iterations,
    population: source.population,
    keep: source.keep,
    seed: source.seed,
    selection: { metric: 'validation', folds: 3 },
    explore: {
      maxPrograms: source.maxPrograms,
      maxSize: source.maxSize,
      strategy: SEARCH_STRATEGY,
      ...(source.minNodes === undefined ? {} : { minNodes: source.minNodes }),
      ...(source.maxNodes === undefined ? {} : { maxNodes: source.maxNodes }),
    },
    compress: { arity: source.arity, iterations: source.compressIterations },
    reweight: { pseudoCount: 1 },
    // The leaderboard trains its own baselines, on every task, size and seed.
    baselines: [],
    training: { data: source.data, dataSeed: source.seed, preset: source.preset, trainSize: source.trainSize, ...(source.epochs === undefined ? {} : { epochs: source.epochs }) },
  };
}

/** The run directory of a suite's search, named by the hash of its settings. */
export function searchDirOf(source: SearchSource): string {
  return join('search', createHash('sha256').update(canonicalJson({ ...source, strategy: SEARCH_STRATEGY })).digest('hex').slice(0, 16));
}

export function graphOfProgram(program: string, where: string): ProgramGraph {
  const parsed = parseProgram(program, { source: where });
  if (!parsed.ok) throw new SuiteError(`${where}: ${parsed.error.message}`, 'programs are s-expressions such as "(lam (add identity $0))"; inventions inline as {fn_k}(body)');
  const graph = evaluate(parsed.value);
  if (!graph.ok) throw new SuiteError(`${where}: evaluating the program failed: ${graph.error.message}`, 'a graph program has type S -> S, e.g. (push (add (connect identity)))');
  return graph.value;
}

/** The control wirings that do not depend on a seed: the same for every seed of a suite. */
const FIXED_CONTROLS: readonly WiringKind[] = ['chain', 'star', 'complete'];

/** The fixed control (if any) that is the given graph up to isomorphism. */
export function controlReproducing(graph: ProgramGraph): WiringKind | null {
  const like = { nodes: graph.nodes.length, edges: graph.edges.length };
  const target = simpleGraphOf(graph);
  return FIXED_CONTROLS.find((kind) => isomorphic(simpleGraphOf(controlWiring(kind, like, 0, graph.maxConn)), target)) ?? null;
}

/**
 * The search's best program whose graph no fixed control wiring reproduces: a selected star
 * of six nodes would be its own `gssnn-star` control, and the comparison would be empty. When
 * every kept program is a control (tiny searches keep only 2-node graphs), the best one is
 * taken, and the page shows which controls coincide with it (`wirings[].isomorphicSeeds`).
 */
function fromReport(report: PopulationSearchReport, where: string, data: string, kind: SelectedSource['kind'], runDir: string): SelectedProgram {
  const graphs = report.best.map((candidate, rank) => graphOfProgram(candidate.program, `${where} best[${rank}].program`));
  if (graphs.length === 0) throw new SuiteError(`${where}: the search kept no program`, 'run a longer search (more programs or iterations)');
  const rank = Math.max(0, graphs.findIndex((graph) => controlReproducing(graph) === null));
  const chosen = report.best[rank];
  return { program: chosen.program, graph: graphs[rank], origin: { kind, runDir, searchScores: { data, validation: chosen.validation, test: chosen.test } } };
}

export async function resolveSelected(source: SelectedSource, options: SelectOptions): Promise<SelectedProgram> {
  if (source.kind === 'program') {
    return { program: source.program, graph: graphOfProgram(source.program, 'suite selected.program'), origin: { kind: 'program', runDir: null, searchScores: null } };
  }
  if (source.kind === 'run') {
    if (!RunStore.exists(source.dir)) throw new SuiteError(`${source.dir}: no search run there`, 'give a directory written by `synth search --out DIR`');
    const store = RunStore.open(source.dir);
    const report = readRecordFile<PopulationSearchReport>(store, 'report.json');
    if (!report) throw new SuiteError(`${source.dir}: the search has no report.json yet`, `finish it first: synth search --out ${source.dir} --resume`);
    const data = String((store.manifest.config as { training?: { data?: unknown } }).training?.data ?? 'unknown');
    return fromReport(report, `${source.dir}/report.json`, data, 'run', source.dir);
  }
  const rel = searchDirOf(source);
  const dir = join(options.out, rel);
  const config = populationSearchConfigOf(source);
  const store = RunStore.exists(dir)
    ? RunStore.resume(dir, options.command)
    : RunStore.create(dir, {
        runId: `leaderboard-${rel.slice('search/'.length)}`,
        createdAt: new Date().toISOString(),
        toolkitVersion: options.toolkitVersion,
        node: process.version,
        seed: source.seed,
        backend: options.backend,
        command: options.command,
        config: config as unknown as Record<string, unknown>,
      });
  try {
    const report = store.readJson<PopulationSearchReport>('report.json') ?? (await searchWith(options.trainerFor(store), (trainer) => runPopulationSearch(store, config, graphDsl(), trainer, options.onEvent)));
    return fromReport(report, `${rel}/report.json`, source.data, 'search', rel);
  } finally {
    store.close();
  }
}

/** Runs `search` with `trainer`, then closes the trainer. */
async function searchWith<R>(trainer: Trainer, search: (trainer: Trainer) => Promise<R>): Promise<R> {
  try {
    return await search(trainer);
  } finally {
    await trainer.close?.();
  }
}
