/**
 * The records of a search and the contract of its loop: the settings (`PopulationSearchConfig`, checked
 * by `validatePopulationSearchConfig`), what the loop asks of a trainer (`TrainRequest`, `TrainOutcome`,
 * `Trainer`), and what it writes and reports (`CandidateRecord`, `BaselineRecord`,
 * `Selection`, `PopulationFile`, `PopulationSearchReport`, `PopulationSearchEvent`). Readers of a run (analysis,
 * the leaderboard, the CLI's summary) import these without the loop itself.
 */
import type { ProgramGraph } from '../dsl/graph.ts';
import type { OriginalGraphJson } from '../dsl/graphFormats.ts';
import { ENUMERATION_STRATEGIES, ENUMERATION_STRATEGY_NAMES, isEnumerationStrategy, type EnumerationStrategy, type EnumerationStrategyName } from './enumerate/index.ts';
import { UserFacingError } from '../util/errors.ts';

export type SelectionMetric = 'validation' | 'train' | 'kfold';

export interface PopulationSearchConfig {
  readonly iterations: number;
  /** Candidates held in each iteration (the kept ones plus new ones). */
  readonly population: number;
  /** Candidates kept after each iteration's selection. */
  readonly keep: number;
  readonly seed: number;
  readonly selection: { readonly metric: SelectionMetric; readonly folds: number };
  readonly explore: {
    readonly maxPrograms: number;
    readonly maxSize: number;
    readonly seconds?: number;
    /** Enumeration strategy (enumerate/strategies.ts); absent means `heap`. */
    readonly strategy?: EnumerationStrategyName;
    /** Candidates are graphs of at least this many nodes (default 2). */
    readonly minNodes?: number;
    /** `states` / `novelty`: candidates are graphs of at most this many nodes. */
    readonly maxNodes?: number;
    /** `novelty`: states extended per graph class before the bound widens. */
    readonly perClassExpansions?: number;
    /** `states` / `novelty`: most distinct states held. */
    readonly maxStates?: number;
    /** `states` / `novelty`: closed programs tried per branch argument (of `func`, say; default 4). */
    readonly argumentPool?: number;
  };
  readonly compress: { readonly arity: number; readonly iterations: number };
  readonly reweight: { readonly pseudoCount: number };
  /** Baseline model kinds trained once, on the same data and preset. */
  readonly baselines: readonly string[];
  /** Passed through to the trainer untouched (data set, preset, epochs, ...). */
  readonly training: Readonly<Record<string, unknown>>;
}

/** One model to train: a candidate's graph (one job per fold with k-fold scoring) or a baseline. */
export interface TrainRequest {
  /** Unique per job: the candidate id, with `#fold<i>` for folds, or `baseline-<kind>`. */
  readonly jobId: string;
  readonly candidateId: string;
  readonly kind: 'program' | 'baseline';
  readonly baseline?: string;
  readonly graph?: ProgramGraph;
  /** Element count for graph-wired baselines (the population's median). */
  readonly elements?: number;
  readonly seed: number;
  readonly fold?: { readonly k: number; readonly index: number };
  /** Run-relative directory to save the model in. */
  readonly modelPath: string;
  readonly training: Readonly<Record<string, unknown>>;
}

export interface SplitScore {
  readonly accuracy: number;
  readonly loss: number;
}

export interface TrainOutcome {
  readonly status: string;
  readonly parameterCount: number;
  readonly train: SplitScore;
  readonly validation: SplitScore;
  readonly test: SplitScore;
  readonly trainSeconds: number;
  readonly error?: string;
}

/**
 * Trains the requests (in any order, in parallel if it likes), reporting each as it ends. A
 * trainer that holds resources between calls (threads) has `close`, which whoever made it
 * calls once the search is over.
 */
export type Trainer = ((
  requests: readonly TrainRequest[],
  onOutcome: (request: TrainRequest, outcome: TrainOutcome) => void,
) => Promise<void>) & { readonly close?: () => Promise<void> };

export interface CandidateRecord {
  readonly id: string;
  /** Iteration whose exploration found it. */
  readonly iteration: number;
  readonly program: string;
  readonly stitchProgram: string;
  readonly size: number;
  readonly mass: number;
  readonly logProbability: number;
  readonly graph: OriginalGraphJson;
  readonly nodes: number;
  readonly edges: number;
  readonly status: 'pending' | 'trained' | 'diverged' | 'failed';
  readonly metrics: CandidateMetrics | null;
  readonly modelPath: string;
  readonly seed: number;
}

export interface CandidateMetrics {
  readonly train: SplitScore;
  readonly validation: SplitScore;
  readonly test: SplitScore;
  /** The selection metric's value (validation accuracy, fold mean, or train accuracy). */
  readonly score: number;
  readonly parameterCount: number;
  readonly trainSeconds: number;
  readonly folds?: readonly TrainOutcome[];
  readonly error?: string;
}

export interface BaselineRecord {
  readonly id: string;
  readonly kind: string;
  readonly elements: number | null;
  readonly status: string;
  readonly metrics: CandidateMetrics | null;
  readonly modelPath: string;
  readonly seed: number;
}

export interface Selection {
  readonly iteration: number;
  /** Ranked by score, best first. */
  readonly ranking: readonly { readonly id: string; readonly score: number }[];
  readonly kept: readonly string[];
  readonly discarded: readonly string[];
}

export interface PopulationFile {
  readonly iteration: number;
  readonly ids: readonly string[];
  readonly exploration: {
    readonly programs: number;
    readonly seconds: number;
    readonly distinctGraphs: number;
    readonly newCandidates: number;
    readonly requested: number;
  } | null;
}

export interface PopulationSearchReport {
  readonly iterations: number;
  readonly selectionMetric: SelectionMetric;
  /** The final kept population, best first, with held-out test scores. */
  readonly best: readonly {
    readonly id: string;
    readonly program: string;
    readonly nodes: number;
    readonly edges: number;
    readonly score: number;
    readonly validation: number;
    readonly test: number;
  }[];
  readonly baselines: readonly { readonly kind: string; readonly validation: number; readonly test: number; readonly status: string }[];
  readonly inventions: readonly string[];
  readonly candidatesTrained: number;
}

export type PopulationSearchEvent =
  | { type: 'iteration-start'; iteration: number }
  | {
      type: 'explored';
      iteration: number;
      programs: number;
      seconds: number;
      distinctGraphs: number;
      newCandidates: number;
      requested: number;
      /** Inventions of the DSL the exploration could not use, and why. */
      unusedInventions?: readonly { name: string; why: string }[];
      /** New states the state cap kept out (absent when it never bound). */
      statesDropped?: { dropped: number; maxStates: number };
    }
  | { type: 'training'; iteration: number; jobs: number }
  | { type: 'trained'; iteration: number; id: string; status: string; score: number | null; done: number; total: number }
  | { type: 'selected'; iteration: number; kept: readonly string[]; best: { id: string; score: number } | null }
  | { type: 'compressed'; iteration: number; inventions: readonly string[]; compressionRatio: number }
  | { type: 'done'; report: PopulationSearchReport };

export class PopulationSearchError extends UserFacingError {
  constructor(message: string, hint?: string) {
    super(message, { kind: 'usage', hint });
  }
}

/** Problems with a configuration, as messages naming the option; empty when it is valid. */
export function validatePopulationSearchConfig(config: PopulationSearchConfig): string[] {
  const problems: string[] = [];
  const positive = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) problems.push(`${name} must be a positive integer, got ${v}`);
  };
  positive('iterations', config.iterations);
  positive('population', config.population);
  positive('keep', config.keep);
  positive('explore.maxPrograms', config.explore.maxPrograms);
  positive('explore.maxSize', config.explore.maxSize);
  const { minNodes, maxNodes } = config.explore;
  const strategyName = config.explore.strategy ?? 'heap';
  if (isEnumerationStrategy(strategyName)) {
    const strategy = ENUMERATION_STRATEGIES[strategyName];
    // The strategies a setting applies to, named from the registry.
    const names = (has: (s: EnumerationStrategy) => boolean) => ENUMERATION_STRATEGY_NAMES.filter((n) => has(ENUMERATION_STRATEGIES[n]));
    const stateStrategies = `applies to the ${names((s) => s.searchesStates).join(' and ')} strategies, not ${names((s) => !s.searchesStates).join(' or ')}`;
    if (maxNodes !== undefined && !strategy.searchesStates) problems.push(`explore.maxNodes ${stateStrategies}`);
    if (config.explore.perClassExpansions !== undefined && !strategy.noveltyBound) {
      problems.push(`explore.perClassExpansions (the novelty bound) applies to the ${names((s) => s.noveltyBound).join(' and ')} strategy only`);
    }
    if (config.explore.maxStates !== undefined && !strategy.searchesStates) problems.push(`explore.maxStates ${stateStrategies}`);
    if (config.explore.argumentPool !== undefined && !strategy.searchesStates) problems.push(`explore.argumentPool ${stateStrategies}`);
  } else problems.push(`explore.strategy: unknown strategy "${strategyName}" (use ${ENUMERATION_STRATEGY_NAMES.join(', ')})`);
  if (minNodes !== undefined && maxNodes !== undefined && minNodes > maxNodes) problems.push(`explore.minNodes (${minNodes}) is larger than explore.maxNodes (${maxNodes})`);
  if (config.keep >= config.population) problems.push(`keep (${config.keep}) must be smaller than population (${config.population}), or nothing new is ever explored`);
  if (config.selection.metric === 'kfold' && (!Number.isInteger(config.selection.folds) || config.selection.folds < 2)) {
    problems.push(`k-fold selection needs folds >= 2, got ${config.selection.folds}`);
  }
  if (!Number.isInteger(config.compress.arity) || config.compress.arity < 0) problems.push(`compress.arity must be >= 0, got ${config.compress.arity}`);
  if (!Number.isInteger(config.compress.iterations) || config.compress.iterations < 0) problems.push(`compress.iterations must be >= 0, got ${config.compress.iterations}`);
  if (!(config.reweight.pseudoCount > 0)) problems.push(`reweight.pseudoCount must be > 0, got ${config.reweight.pseudoCount}`);
  if (config.explore.seconds !== undefined && !(config.explore.seconds > 0)) problems.push(`explore.seconds must be > 0, got ${config.explore.seconds}`);
  return problems;
}
