/**
 * The population loop of `synth search`:
 *
 *   explore -> train every new candidate (and, once, the baselines) -> score on the selection
 *   metric -> keep the top k -> compress the kept programs into new inventions -> reweight
 *   the grammar -> explore again ... ; the test split is reported, never used to select.
 *
 * Every phase commits its outcome to the run store in one step (an event carrying every file
 * it produces, see runStore.ts) before the next one starts, and each phase is a deterministic
 * function of what earlier commits hold, so an interrupted run resumed from its store ends
 * with the same records as an uninterrupted one, and no committed training is redone. Training itself is injected (worker threads, a job queue),
 * which keeps this module free of any tensor code.
 */
import { createHash } from 'node:crypto';
import type { Dsl } from '../dsl/dsl.ts';
import { dslFromJson, dslToJson } from '../dsl/dslFile.ts';
import { fromOriginalJson, toOriginalJson } from '../dsl/graphFormats.ts';
import { parseProgram } from '../dsl/parse.ts';
import { printProgram } from '../dsl/print.ts';
import type { Term } from '../dsl/term.ts';
import { deriveSeed } from '../util/random.ts';
import { type AbstractionBody, compress, rewrittenWithInventions, withAbstractions } from './compress/index.ts';
import { explore, type ExploreResult, GraphCatalog, simpleGraphOf, unusedInventions } from './graphs/index.ts';
import { grammarFromDsl } from './grammar.ts';
import { reweightDsl } from './reweightDsl.ts';
import { readRecordFile, type librarySchema } from './runRecords.ts';
import { modelDigests, recoverRun } from './runRecovery.ts';
import type { RunStore } from './runStore.ts';
import type { z } from 'zod';
import {
  PopulationSearchError,
  validatePopulationSearchConfig,
  type BaselineRecord,
  type CandidateMetrics,
  type CandidateRecord,
  type PopulationFile,
  type PopulationSearchConfig,
  type PopulationSearchEvent,
  type PopulationSearchReport,
  type Selection,
  type SelectionMetric,
  type SplitScore,
  type TrainOutcome,
  type Trainer,
  type TrainRequest,
} from './searchRecords.ts';

// The records and contract of the loop live in searchRecords.ts; re-exported so that callers of the loop need one import.
export {
  PopulationSearchError,
  validatePopulationSearchConfig,
  type SelectionMetric,
  type PopulationSearchConfig,
  type TrainRequest,
  type SplitScore,
  type TrainOutcome,
  type Trainer,
  type CandidateRecord,
  type CandidateMetrics,
  type BaselineRecord,
  type Selection,
  type PopulationFile,
  type PopulationSearchReport,
  type PopulationSearchEvent,
} from './searchRecords.ts';

const paths = {
  dsl: (k: number) => `dsl/iteration-${k}.json`,
  library: (k: number) => `dsl/iteration-${k}.library.json`,
  population: (k: number) => `iterations/${k}/population.json`,
  selection: (k: number) => `iterations/${k}/selection.json`,
  candidate: (id: string) => `candidates/${id}.json`,
  baseline: (kind: string) => `baselines/${kind}.json`,
  report: 'report.json',
};

export { paths as runPaths };

/** A candidate's id: a short hash of its program text (stable across runs and machines). */
export function candidateId(program: string): string {
  return createHash('sha256').update(program).digest('hex').slice(0, 16);
}

/**
 * Runs (or resumes) a search in `store`. `initialDsl` is the DSL of iteration 0; it is
 * written to the store on the first call and read back on resume.
 */
export async function runPopulationSearch(
  store: RunStore,
  config: PopulationSearchConfig,
  initialDsl: Dsl,
  trainer: Trainer,
  onEvent: (event: PopulationSearchEvent) => void = () => undefined,
): Promise<PopulationSearchReport> {
  const problems = validatePopulationSearchConfig(config);
  if (problems.length > 0) throw new PopulationSearchError(`invalid search configuration: ${problems.join('; ')}`);
  // Files a kill left unwritten are completed from the log; orphans are dropped and redone.
  recoverRun(store);
  const emit: Emit = (event, records, models) => {
    const logged = { ...(event as unknown as { type: string }), ...(models ? { models } : {}) };
    if (records) store.commit(logged, records);
    else store.appendEvent(logged);
    onEvent(event);
  };
  if (!store.has(paths.dsl(0))) {
    store.commit({ type: 'initialized' }, { [paths.dsl(0)]: dslToJson(initialDsl), [paths.library(0)]: [] });
  }

  for (let iteration = 1; iteration <= config.iterations; iteration++) {
    emit({ type: 'iteration-start', iteration });
    const dsl = readDsl(store, iteration - 1);
    const population = readRecordFile<PopulationFile>(store, paths.population(iteration)) ?? explorePopulation(store, config, dsl, iteration, emit);
    await trainPending(store, config, population, iteration, trainer, emit);
    const selection = readRecordFile<Selection>(store, paths.selection(iteration)) ?? select(store, config, population, iteration, emit);
    if (iteration < config.iterations && !store.has(paths.dsl(iteration))) learnLibrary(store, config, dsl, selection, iteration, emit);
  }
  const report = buildReport(store, config);
  emit({ type: 'done', report }, { [paths.report]: report });
  return report;
}

/** Reports an event; with `records`, commits them with it (and the digests of trained models). */
type Emit = (event: PopulationSearchEvent, records?: Record<string, unknown>, models?: Record<string, Record<string, string>>) => void;


function readDsl(store: RunStore, k: number): Dsl {
  const json = store.readJson<unknown>(paths.dsl(k));
  if (json === undefined) throw new PopulationSearchError(`the run is missing ${paths.dsl(k)}`, 'the run directory is incomplete; start a new run');
  const parsed = dslFromJson(json, store.resolve(paths.dsl(k)));
  if (!parsed.ok) throw new PopulationSearchError(parsed.error.message);
  return parsed.value;
}

function readCandidate(store: RunStore, id: string): CandidateRecord {
  const record = readRecordFile<CandidateRecord>(store, paths.candidate(id));
  if (!record) throw new PopulationSearchError(`the run is missing ${paths.candidate(id)}`);
  return record;
}

/** Every candidate the run has ever held, in id order. */
export function allCandidates(store: RunStore): CandidateRecord[] {
  return store.list('candidates').filter((f) => f.endsWith('.json')).map((f) => readCandidate(store, f.slice(0, -5)));
}

function explorePopulation(
  store: RunStore,
  config: PopulationSearchConfig,
  dsl: Dsl,
  iteration: number,
  emit: Emit,
): PopulationFile {
  const kept = iteration === 1 ? [] : (readRecordFile<Selection>(store, paths.selection(iteration - 1))?.kept ?? []);
  const requested = config.population - kept.length;
  // Graphs already held or tried are not new, whatever program builds them.
  const known = new GraphCatalog<string>();
  for (const c of allCandidates(store)) {
    const graph = fromOriginalJson(c.graph);
    if (graph.ok) known.add(simpleGraphOf(graph.value), c.id);
  }
  const strategy = config.explore.strategy ?? 'heap';
  const grammar = grammarFromDsl(dsl);
  const found: ExploreResult = explore(grammar, {
    maxPrograms: config.explore.maxPrograms,
    maxSize: config.explore.maxSize,
    seconds: config.explore.seconds,
    ...(config.explore.minNodes === undefined ? {} : { minNodes: config.explore.minNodes }),
    ...(config.explore.maxNodes === undefined ? {} : { maxNodes: config.explore.maxNodes }),
    ...(config.explore.perClassExpansions === undefined ? {} : { perClassExpansions: config.explore.perClassExpansions }),
    ...(config.explore.maxStates === undefined ? {} : { maxStates: config.explore.maxStates }),
    ...(config.explore.argumentPool === undefined ? {} : { argumentPool: config.explore.argumentPool }),
    // `heap` spends its whole budget as it always did, so runs recorded with it replay exactly;
    // the state searches stop once they hold enough graphs the run does not have yet.
    ...(strategy === 'heap' ? {} : { strategy, exclude: known, stopAfterGraphs: requested }),
  });
  const fresh: string[] = [];
  const records: Record<string, unknown> = {};
  for (const g of found.graphs) {
    if (fresh.length >= requested) break;
    if (!known.add(simpleGraphOf(g.graph), '').added) continue;
    const program = printProgram(g.term, { form: 'combined' });
    const id = candidateId(program);
    const record: CandidateRecord = {
      id,
      iteration,
      program,
      stitchProgram: printProgram(g.term, { form: 'stitch' }),
      size: g.size,
      mass: g.mass,
      logProbability: g.logProbability,
      graph: toOriginalJson(g.graph),
      nodes: g.graph.nodes.length,
      edges: g.graph.edges.length,
      status: 'pending',
      metrics: null,
      modelPath: `models/${id}`,
      seed: deriveSeed(config.seed, 'train', id),
    };
    records[paths.candidate(id)] = record;
    fresh.push(id);
  }
  const population: PopulationFile = {
    iteration,
    ids: [...kept, ...fresh],
    exploration: {
      programs: found.programs,
      seconds: found.seconds,
      distinctGraphs: found.distinctGraphs,
      newCandidates: fresh.length,
      requested,
    },
  };
  if (population.ids.length === 0) {
    throw new PopulationSearchError(
      `exploration found no connected graph with at least ${Math.max(2, config.explore.minNodes ?? 2)} nodes`,
      'raise --max-programs (explore.maxPrograms) or the program size limit',
    );
  }
  records[paths.population(iteration)] = population;
  const unused = unusedInventions(dsl.inventions, grammar, found);
  emit({ type: 'explored', iteration, ...population.exploration!, ...(unused.length > 0 ? { unusedInventions: unused } : {}), ...(found.states && found.states.dropped > 0 ? { statesDropped: { dropped: found.states.dropped, maxStates: found.states.maxStates } } : {}) }, records);
  return population;
}

function jobsForCandidate(config: PopulationSearchConfig, record: CandidateRecord): TrainRequest[] {
  const graph = fromOriginalJson(record.graph);
  if (!graph.ok) throw new PopulationSearchError(`candidate ${record.id} has a malformed graph: ${graph.error}`);
  const base = { candidateId: record.id, kind: 'program' as const, graph: graph.value, seed: record.seed, training: config.training };
  if (config.selection.metric !== 'kfold') return [{ ...base, jobId: record.id, modelPath: record.modelPath }];
  return Array.from({ length: config.selection.folds }, (_, index) => ({
    ...base,
    jobId: `${record.id}#fold${index}`,
    fold: { k: config.selection.folds, index },
    modelPath: `${record.modelPath}/fold-${index}`,
  }));
}

async function trainPending(
  store: RunStore,
  config: PopulationSearchConfig,
  population: PopulationFile,
  iteration: number,
  trainer: Trainer,
  emit: Emit,
): Promise<void> {
  const records = new Map(population.ids.map((id) => [id, readCandidate(store, id)]));
  const requests: TrainRequest[] = [];
  for (const record of records.values()) if (record.status === 'pending') requests.push(...jobsForCandidate(config, record));
  if (iteration === 1) requests.push(...baselineRequests(store, config, [...records.values()]));
  if (requests.length === 0) return;

  emit({ type: 'training', iteration, jobs: requests.length });
  // Fold outcomes are gathered until all of a candidate's folds are in.
  const foldOutcomes = new Map<string, Map<number, TrainOutcome>>();
  let done = 0;
  await trainer(requests, (request, outcome) => {
    done++;
    if (request.kind === 'baseline') {
      const record: BaselineRecord = {
        id: request.candidateId,
        kind: request.baseline!,
        elements: request.elements ?? null,
        status: outcome.status,
        metrics: metricsOf([outcome], 'validation'),
        modelPath: request.modelPath,
        seed: request.seed,
      };
      emit(
        { type: 'trained', iteration, id: request.candidateId, status: outcome.status, score: record.metrics?.score ?? null, done, total: requests.length },
        { [paths.baseline(request.baseline!)]: record },
        { [request.modelPath]: modelDigests(store, request.modelPath) },
      );
      return;
    }
    const record = records.get(request.candidateId)!;
    let outcomes: TrainOutcome[];
    if (request.fold) {
      const folds = foldOutcomes.get(record.id) ?? new Map<number, TrainOutcome>();
      folds.set(request.fold.index, outcome);
      foldOutcomes.set(record.id, folds);
      if (folds.size < request.fold.k) return;
      outcomes = [...folds.entries()].sort((a, b) => a[0] - b[0]).map(([, o]) => o);
    } else {
      outcomes = [outcome];
    }
    const metrics = metricsOf(outcomes, config.selection.metric);
    const status = outcomes.some((o) => o.status === 'failed') ? 'failed' : outcomes.some((o) => o.status === 'diverged') ? 'diverged' : 'trained';
    const updated: CandidateRecord = { ...record, status, metrics };
    records.set(record.id, updated);
    const models = Object.fromEntries(jobsForCandidate(config, record).map((job) => [job.modelPath, modelDigests(store, job.modelPath)]));
    emit({ type: 'trained', iteration, id: record.id, status, score: metrics.score, done, total: requests.length }, { [paths.candidate(record.id)]: updated }, models);
  });
  const unfinished = [...records.values()].filter((r) => r.status === 'pending');
  if (unfinished.length > 0) throw new PopulationSearchError(`the trainer returned without results for ${unfinished.map((r) => r.id).join(', ')}`);
}

function baselineRequests(store: RunStore, config: PopulationSearchConfig, population: CandidateRecord[]): TrainRequest[] {
  const sizes = population.map((c) => c.nodes + c.edges).sort((a, b) => a - b);
  const elements = sizes.length > 0 ? sizes[Math.floor(sizes.length / 2)] : undefined;
  return config.baselines
    .filter((kind) => !store.has(paths.baseline(kind)))
    .map((kind) => ({
      jobId: `baseline-${kind}`,
      candidateId: `baseline-${kind}`,
      kind: 'baseline' as const,
      baseline: kind,
      elements,
      seed: deriveSeed(config.seed, 'baseline', kind),
      modelPath: `models/baseline-${kind}`,
      training: config.training,
    }));
}

function metricsOf(outcomes: readonly TrainOutcome[], metric: SelectionMetric): CandidateMetrics {
  const mean = (pick: (o: TrainOutcome) => number) => outcomes.reduce((s, o) => s + pick(o), 0) / outcomes.length;
  const split = (pick: (o: TrainOutcome) => SplitScore): SplitScore => ({ accuracy: mean((o) => pick(o).accuracy), loss: mean((o) => pick(o).loss) });
  const train = split((o) => o.train);
  const validation = split((o) => o.validation);
  const usable = outcomes.every((o) => o.status === 'completed' || o.status === 'stopped');
  const score = !usable ? Number.NEGATIVE_INFINITY : metric === 'train' ? train.accuracy : validation.accuracy;
  const errors = outcomes.map((o) => o.error).filter((e): e is string => e !== undefined);
  return {
    train,
    validation,
    test: split((o) => o.test),
    score: Number.isFinite(score) ? score : -1,
    parameterCount: outcomes[0]?.parameterCount ?? 0,
    trainSeconds: outcomes.reduce((s, o) => s + o.trainSeconds, 0),
    ...(outcomes.length > 1 ? { folds: outcomes } : {}),
    ...(errors.length > 0 ? { error: errors.join('; ') } : {}),
  };
}

function select(store: RunStore, config: PopulationSearchConfig, population: PopulationFile, iteration: number, emit: Emit): Selection {
  const ranked = population.ids
    .map((id) => readCandidate(store, id))
    .sort((a, b) => (b.metrics?.score ?? -1) - (a.metrics?.score ?? -1) || a.mass - b.mass || (a.id < b.id ? -1 : 1));
  const keepCount = Math.min(config.keep, ranked.length);
  const selection: Selection = {
    iteration,
    ranking: ranked.map((r) => ({ id: r.id, score: r.metrics?.score ?? -1 })),
    kept: ranked.slice(0, keepCount).map((r) => r.id),
    discarded: ranked.slice(keepCount).map((r) => r.id),
  };
  emit({ type: 'selected', iteration, kept: selection.kept, best: selection.ranking[0] ?? null }, { [paths.selection(iteration)]: selection });
  return selection;
}

function learnLibrary(
  store: RunStore,
  config: PopulationSearchConfig,
  dsl: Dsl,
  selection: Selection,
  iteration: number,
  emit: Emit,
): void {
  const library = readLibrary(store, iteration - 1);
  const corpus: Term[] = selection.kept.map((id) => {
    const parsed = parseProgram(readCandidate(store, id).program, { form: 'combined' });
    if (!parsed.ok) throw new PopulationSearchError(`candidate ${id}: stored program does not parse: ${parsed.error.message}`);
    return parsed.value;
  });
  const result = compress(corpus, {
    maxArity: config.compress.arity,
    iterations: config.compress.iterations,
    library,
    abstractionPrefix: 'fn_',
    reservedNames: [...dsl.primitives.keys(), ...dsl.inventions.keys()],
  });
  let next = dsl;
  const added: string[] = [];
  const earlier = [...library];
  for (const abstraction of result.abstractions) {
    const extended = withAbstractions(next, [abstraction], earlier);
    earlier.push(abstraction);
    // An abstraction the type system cannot give a ground type is of no use to the enumerator.
    if (!extended.ok) continue;
    next = extended.value;
    added.push(abstraction.name);
  }
  // Reweighting counts uses in the kept programs as rewritten with the new inventions.
  const usable = rewrittenWithInventions(result, library).filter((t) => onlyKnownInventions(t, next));
  next = reweightDsl({ ...next, name: `${dsl.name.replace(/-iteration-\d+$/, '')}-iteration-${iteration}` }, usable.map((term) => ({ term, weight: 1 })), config.reweight.pseudoCount);
  emit(
    { type: 'compressed', iteration, inventions: added, compressionRatio: result.compressionRatio },
    { [paths.library(iteration)]: earlier.map(libraryEntryJson), [paths.dsl(iteration)]: dslToJson(next) },
  );
}

/** A learned abstraction as stored: its body as program text (parsed back by readLibrary). */
function libraryEntryJson(entry: AbstractionBody): z.infer<typeof librarySchema>[number] {
  return { name: entry.name, arity: entry.arity, body: printProgram(entry.body, { form: 'combined' }) };
}

function readLibrary(store: RunStore, k: number): AbstractionBody[] {
  const stored = readRecordFile<z.infer<typeof librarySchema>>(store, paths.library(k)) ?? [];
  return stored.map((entry, index) => {
    const body = parseProgram(entry.body, { form: 'auto', source: `${store.resolve(paths.library(k))} entry ${index} body` });
    if (!body.ok) throw new PopulationSearchError(body.error.message, 'resume the run so that it is repaired from its event log, or start a new run');
    return { name: entry.name, arity: entry.arity, body: body.value };
  });
}

/** Whether every invention a program uses is in the DSL (a rewrite may use one that did not type). */
function onlyKnownInventions(term: Term, dsl: Dsl): boolean {
  switch (term.kind) {
    case 'invention':
      return dsl.inventions.has(term.name) && onlyKnownInventions(term.body, dsl);
    case 'apply':
      return onlyKnownInventions(term.fn, dsl) && onlyKnownInventions(term.arg, dsl);
    case 'lambda':
      return onlyKnownInventions(term.body, dsl);
    default:
      return true;
  }
}

function buildReport(store: RunStore, config: PopulationSearchConfig): PopulationSearchReport {
  const final = readRecordFile<Selection>(store, paths.selection(config.iterations));
  if (!final) throw new PopulationSearchError(`the run is missing ${paths.selection(config.iterations)}`);
  const best = final.kept.map((id) => {
    const c = readCandidate(store, id);
    return {
      id,
      program: c.program,
      nodes: c.nodes,
      edges: c.edges,
      score: c.metrics?.score ?? -1,
      validation: c.metrics?.validation.accuracy ?? Number.NaN,
      test: c.metrics?.test.accuracy ?? Number.NaN,
    };
  });
  const baselines = config.baselines.map((kind) => {
    const b = readRecordFile<BaselineRecord>(store, paths.baseline(kind));
    return { kind, validation: b?.metrics?.validation.accuracy ?? Number.NaN, test: b?.metrics?.test.accuracy ?? Number.NaN, status: b?.status ?? 'missing' };
  });
  const lastDsl = config.iterations > 1 ? readDsl(store, config.iterations - 1) : readDsl(store, 0);
  return {
    iterations: config.iterations,
    selectionMetric: config.selection.metric,
    best,
    baselines,
    inventions: [...lastDsl.inventions.keys()],
    candidatesTrained: allCandidates(store).filter((c) => c.status !== 'pending').length,
  };
}
