/**
 * The enumeration strategies by name: each turns a grammar (and, for the state searches, a step
 * domain) into programs, best first. Callers pick one from this table; adding a strategy adds an
 * entry here and touches no domain.
 */
import type { Term } from '../../dsl/term.ts';
import type { Grammar } from '../grammar.ts';
import { enumeratePrograms } from './heapSearch.ts';
import { searchWindows, WindowSearchStats } from './windowSearch.ts';
import { searchStates, StateSearchStats, type StateSearchOptions, type StepDomain } from './stateSearch.ts';
import { UserFacingError } from '../../util/errors.ts';

/** Default novelty bound: states extended per output class (see benchmarks/coverage.ts). */
export const DEFAULT_PER_CLASS_EXPANSIONS = 16;

/**
 * Limits a strategy runs under; each strategy reads the ones that apply to it (Heap Search only
 * the size, program and time limits; the novelty bound only `novelty`, default
 * DEFAULT_PER_CLASS_EXPANSIONS).
 */
export type EnumerationSettings = Pick<StateSearchOptions, 'maxSize' | 'maxPrograms' | 'seconds' | 'maxStates' | 'argumentPool' | 'evalBudget' | 'perClassExpansions'>;

/** A program as a strategy yields it; the state searches also give its output state. */
export interface StrategyProgram<State> {
  readonly term: Term;
  readonly logProbability: number;
  readonly size: number;
  readonly state?: State;
}

/** Counters a strategy fills as it runs: the state searches `states`, the window search `windows`. */
export class StrategyStats {
  readonly states = new StateSearchStats();
  readonly windows = new WindowSearchStats();
}

export interface EnumerationStrategy {
  /** Whether it searches program states (the state cap, argument pool and the domain's `admissible` apply). */
  readonly searchesStates: boolean;
  /** Whether it takes a novelty bound. */
  readonly noveltyBound: boolean;
  /** Whether it enumerates in probability windows (and counts them in `stats.windows`). */
  readonly windowed: boolean;
  /** The programs, best first; the strategy fills its counters in `stats` as it goes. */
  programs<State>(grammar: Grammar, domain: StepDomain<State>, settings: EnumerationSettings, stats: StrategyStats): Iterable<StrategyProgram<State>>;
}

/** Heap Search over every program of the grammar, each to be evaluated from scratch. */
const heap: EnumerationStrategy = {
  searchesStates: false,
  noveltyBound: false,
  windowed: false,
  programs: (grammar, _domain, s) => enumeratePrograms(grammar, { maxSize: s.maxSize, maxPrograms: s.maxPrograms, seconds: s.seconds }),
};

const stateSearchSettings = (s: EnumerationSettings) => ({
  maxSize: s.maxSize,
  maxPrograms: s.maxPrograms,
  seconds: s.seconds,
  argumentPool: s.argumentPool,
  maxStates: s.maxStates,
  evalBudget: s.evalBudget,
});

/** Best-first search over program states: straight-line CPS chains, each distinct state extended once. */
const states: EnumerationStrategy = {
  searchesStates: true,
  noveltyBound: false,
  windowed: false,
  programs: (grammar, domain, s, stats) => searchStates(grammar, domain, stateSearchSettings(s), stats.states),
};

/** The state search with a novelty bound: a bounded number of states extended per output class. */
const novelty: EnumerationStrategy = {
  searchesStates: true,
  noveltyBound: true,
  windowed: false,
  programs: (grammar, domain, s, stats) =>
    searchStates(grammar, domain, { ...stateSearchSettings(s), perClassExpansions: s.perClassExpansions ?? DEFAULT_PER_CLASS_EXPANSIONS }, stats.states),
};

/**
 * Every program, like Heap Search, depth first in probability windows: memory flat in the run's
 * length, and each program evaluated from its parent prefix's state (enumerate/windowSearch.ts).
 */
const windows: EnumerationStrategy = {
  searchesStates: false,
  noveltyBound: false,
  windowed: true,
  programs: (grammar, domain, s, stats) => searchWindows(grammar, domain, { maxSize: s.maxSize, maxPrograms: s.maxPrograms, seconds: s.seconds, evalBudget: s.evalBudget }, stats.windows),
};

export type EnumerationStrategyName = 'heap' | 'states' | 'novelty' | 'windows';

export const ENUMERATION_STRATEGIES: Readonly<Record<EnumerationStrategyName, EnumerationStrategy>> = { heap, states, novelty, windows };

/** The strategy names, in the registry's order. */
export const ENUMERATION_STRATEGY_NAMES = Object.keys(ENUMERATION_STRATEGIES) as readonly EnumerationStrategyName[];

/** Whether a text names a strategy. */
export function isEnumerationStrategy(name: string): name is EnumerationStrategyName {
  return Object.hasOwn(ENUMERATION_STRATEGIES, name);
}

/** The strategy of that name; a name not in the registry is a usage error. */
export function enumerationStrategy(name: string): EnumerationStrategy {
  if (!isEnumerationStrategy(name)) {
    throw new UserFacingError(`unknown enumeration strategy "${name}"`, { kind: 'usage', where: 'strategy', hint: `use one of ${ENUMERATION_STRATEGY_NAMES.join(', ')}` });
  }
  return ENUMERATION_STRATEGIES[name];
}
