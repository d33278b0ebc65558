/**
 * Exploration: enumerate programs best first, evaluate each under a budget, keep those whose
 * graph has more than one node and is connected, and hold one program per graph up to
 * isomorphism (the one of smallest mass, then highest probability).
 *
 * Pruning, and why it is sound:
 * - A labelled graph seen before (same ids, edges and ports) is isomorphic to the one held
 *   for it, so the catalog lookup is skipped and only the mass comparison is done.
 * - Heap Search: a program `op k` whose first step leaves the initial state unchanged (up to
 *   id renaming; `move`, `add`, `pop`, `connect` on the one-node start) builds what `k` builds;
 *   k is strictly more probable, so it was enumerated (and evaluated) before: `op k` is counted
 *   as `skippedEquivalent` and not evaluated.
 * - No subprogram is pruned from the enumeration. Observational-equivalence pruning by
 *   "the state after this prefix was seen before" is sound only for left-to-right prefix
 *   enumeration of straight-line CPS chains; Heap Search builds programs from shared
 *   subprograms (a continuation is reused under many different prefixes, and `func` /
 *   `if_positions_equal` run their arguments on several states), so a subprogram equivalent
 *   on one state may differ on another, and removing it would lose programs.
 */
import type { ProgramGraph } from '../../dsl/graph.ts';
import type { EvalBudget, EvalError } from '../../dsl/evaluate.ts';
import { DEFAULT_BUDGET, evaluateGraphState, runOnState } from '../../dsl/evaluate.ts';
import { app, idx, lam, type Term } from '../../dsl/term.ts';
import { graphPrimitives, initialState, toProgramGraph, type GraphState } from '../../dsl/domains/graph.ts';
import { programMass, programSize } from '../../dsl/metrics.ts';
import { showType, type Type } from '../../dsl/types.ts';
import type { Grammar } from '../grammar.ts';
import { enumerationStrategy, StrategyStats, type StateSearchStats, type EnumerationStrategyName, type InventionUse, type EnumerationProgress } from '../enumerate/index.ts';
import { GraphCatalog, simpleGraphOf } from './isomorphism.ts';
import { canonicalStateKey, simpleGraphOfState } from './stateKey.ts';
import { graphStepDomain, isGraphStep } from './stepDomain.ts';

export interface ExploreOptions {
  /**
   * The enumeration strategy, by its name in ENUMERATION_STRATEGIES (enumerate/strategies.ts).
   * `heap` (default): Heap Search over every program, each evaluated from scratch.
   * `states`: best-first search over program states with observational-equivalence pruning
   * (enumerate/stateSearch.ts): straight-line CPS chains only, each distinct state extended once.
   * `novelty`: the `states` search with a novelty bound: at most `perClassExpansions` states
   * per graph class (up to isomorphism) are extended, so the window goes to new graphs.
   */
  readonly strategy?: EnumerationStrategyName;
  /**
   * `states` / `novelty`: most distinct states held (default 2,000,000); past it new states are
   * dropped, and the result says how many (`states.dropped`).
   */
  readonly maxStates?: number;
  /** Closed sub-programs tried per branch argument in the `states` and `novelty` strategies. */
  readonly argumentPool?: number;
  /** The novelty bound: states extended per graph class (default 16; `novelty` only). */
  readonly perClassExpansions?: number;
  /**
   * Largest graph (nodes) the `states` / `novelty` searches extend; no step removes a node,
   * so this drops exactly the programs whose graph would be larger.
   */
  readonly maxNodes?: number;
  /**
   * Smallest graph (nodes) reported: smaller connected graphs count as rejected, while their
   * programs are still extended, so a search can look only among graphs of a useful size.
   */
  readonly minNodes?: number;
  /** Stop once this many new graph classes (not excluded) were found. */
  readonly stopAfterGraphs?: number;
  /** Graphs the caller already holds: a class isomorphic to one of them is not reported nor counted. */
  readonly exclude?: GraphCatalog<unknown> | readonly ProgramGraph[];
  readonly maxSize?: number;
  readonly maxPrograms?: number;
  readonly seconds?: number;
  /** Evaluation budget per program (defaults: 20,000 steps, depth 100, no time limit). */
  readonly evalBudget?: Partial<EvalBudget>;
  readonly maxConn?: number;
  readonly onProgress?: (progress: ExploreProgress) => void;
  readonly progressEvery?: number;
}

export interface ExploreProgress extends EnumerationProgress {
  readonly distinctGraphs: number;
}

/** One class of graphs found, with the program kept for it. */
export interface FoundGraph {
  readonly term: Term;
  readonly graph: ProgramGraph;
  readonly mass: number;
  readonly logProbability: number;
  readonly size: number;
  /** 1-based position in the enumeration of the first program that built this class. */
  readonly firstFoundAt: number;
  /** Programs seen that built a graph of this class. */
  readonly programs: number;
}

export interface ExploreResult {
  readonly strategy: EnumerationStrategyName;
  readonly programs: number;
  /**
   * The `states` / `novelty` strategies' bookkeeping: distinct states held, expanded, steps
   * pruned as equivalent; with `novelty`, states left unexpanded by the bound and classes met.
   */
  readonly states?: {
    distinct: number;
    expanded: number;
    pruned: number;
    evaluations: number;
    failures: number;
    noveltyPruned?: number;
    classes?: number;
    widenings?: number;
    inadmissible?: number;
    /** The state cap in force, and the new states it dropped (0: the cap never bound). */
    maxStates: number;
    dropped: number;
    /** How the search uses each invention of the grammar, or why it does not. */
    inventions: readonly InventionUse[];
  };
  /** The `windows` strategy's bookkeeping: probability windows started, steps and terminals evaluated, and how many failed. */
  readonly windows?: { windows: number; evaluations: number; failures: number };
  readonly seconds: number;
  readonly programsPerSecond: number;
  /** Programs whose graph had one node (fewer than `minNodes`) or was disconnected. */
  readonly rejected: number;
  /** Heap Search programs `op k` whose first step leaves the initial state unchanged: they build what k builds, so they are not evaluated. */
  readonly skippedEquivalent: number;
  readonly failures: { readonly budget: number; readonly runtime: number };
  readonly distinctGraphs: number;
  /** Classes found that were in `exclude` (not in `graphs`, not in `distinctGraphs`). */
  readonly excluded: number;
  /** Classes in discovery order. */
  readonly graphs: readonly FoundGraph[];
}

/**
 * Per-program evaluation budget: steps and depth only, so what a search finds does not depend on
 * the machine's speed or load (`seconds` is the one time-dependent knob of a search).
 */
export const DEFAULT_EXPLORE_BUDGET: Partial<EvalBudget> = { maxSteps: 20_000, maxMillis: Infinity, maxDepth: 100 };

interface Held {
  found: FoundGraph;
  programs: number;
  /** A class the caller already holds (`exclude`). */
  excluded: boolean;
}

export function explore(grammar: Grammar, options: ExploreOptions = {}): ExploreResult {
  const budget = { ...DEFAULT_EXPLORE_BUDGET, ...options.evalBudget };
  const catalog = new GraphCatalog<Held>();
  const exclude = excludedCatalog(options.exclude);
  let excluded = 0;
  const stopAfter = options.stopAfterGraphs ?? Infinity;
  const byLabelledGraph = new Map<string, Held>();
  const discovered: Held[] = [];
  const failures = { budget: 0, runtime: 0 };
  let rejected = 0;
  let skippedEquivalent = 0;
  // Whether a one-argument step leaves the initial state as it is (e.g. `move`, `connect`):
  // then `op k` builds exactly what k builds, and k, more probable, came out before it.
  const initial = initialState(options.maxConn);
  const initialKey = canonicalStateKey(initial);
  const idleFirstStep = new Map<string, boolean>();
  const startsWithIdleStep = (term: Term): boolean => {
    if (term.kind !== 'apply') return false;
    const head = term.fn;
    if ((head.kind !== 'primitive' && head.kind !== 'invention') || !isGraphStep(head, 1)) return false;
    let idle = idleFirstStep.get(head.name);
    if (idle === undefined) {
      const after = runOnState(app(head, lam(idx(0))), initial, graphPrimitives, { ...DEFAULT_BUDGET, ...budget });
      idle = after.ok && canonicalStateKey(after.value) === initialKey;
      idleFirstStep.set(head.name, idle);
    }
    return idle;
  };
  let programs = 0;
  const started = performance.now();
  const every = options.progressEvery ?? 10_000;
  const minNodes = Math.max(2, options.minNodes ?? 2);

  const strategyName = options.strategy ?? 'heap';
  const strategy = enumerationStrategy(strategyName);
  const stats = new StrategyStats();
  const source = strategy.programs<GraphState>(
    grammar,
    graphStepDomain(options.maxConn, options.maxNodes),
    {
      maxSize: options.maxSize,
      maxPrograms: options.maxPrograms,
      seconds: options.seconds,
      argumentPool: options.argumentPool,
      maxStates: options.maxStates,
      evalBudget: { ...DEFAULT_BUDGET, ...budget },
      perClassExpansions: options.perClassExpansions,
    },
    stats,
  );
  for (const program of source) {
    programs++;
    if (options.onProgress && programs % every === 0) {
      options.onProgress({
        programs,
        seconds: (performance.now() - started) / 1000,
        logProbability: program.logProbability,
        distinctGraphs: discovered.length,
      });
    }
    let state = program.state;
    if (state === undefined && startsWithIdleStep(program.term)) {
      skippedEquivalent++;
      continue;
    }
    if (state === undefined) {
      const result = evaluateGraphState(program.term, { maxConn: options.maxConn, budget });
      if (!result.ok) {
        countFailure(failures, result.error);
        continue;
      }
      state = result.value;
    }
    if (state.graph.size < minNodes || state.graph.components !== 1) {
      rejected++;
      continue;
    }
    const label = labelledKey(state);
    let held = byLabelledGraph.get(label);
    if (held === undefined) {
      const simple = simpleGraphOfState(state);
      const existing = catalog.find(simple);
      if (existing) held = existing.payload;
      else {
        const isExcluded = exclude !== null && exclude.find(simple) !== undefined;
        held = { found: foundGraph(program.term, state, program.logProbability, program.size, programs), programs: 1, excluded: isExcluded };
        catalog.add(simple, held);
        byLabelledGraph.set(label, held);
        if (isExcluded) {
          excluded++;
          continue;
        }
        discovered.push(held);
        if (discovered.length >= stopAfter) break;
        continue;
      }
      byLabelledGraph.set(label, held);
    }
    held.programs++;
    if (massOf(program.term) < held.found.mass) {
      held.found = foundGraph(program.term, state, program.logProbability, program.size, held.found.firstFoundAt);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    strategy: strategyName,
    programs,
    ...(strategy.searchesStates ? { states: stateSummary(stats.states, strategy.noveltyBound) } : {}),
    ...(strategy.windowed ? { windows: { windows: stats.windows.windows, evaluations: stats.windows.evaluations, failures: stats.windows.failures } } : {}),
    seconds,
    programsPerSecond: seconds > 0 ? programs / seconds : 0,
    rejected,
    skippedEquivalent,
    failures,
    distinctGraphs: discovered.length,
    excluded,
    graphs: discovered.map((h) => ({ ...h.found, programs: h.programs })),
  };
}

function stateSummary(stats: StateSearchStats, novelty: boolean): NonNullable<ExploreResult['states']> {
  const { states: distinct, expanded, pruned, evaluations, failures } = stats;
  return { distinct, expanded, pruned, evaluations, failures, maxStates: stats.maxStates, dropped: stats.dropped, inventions: stats.inventions, ...(novelty ? { noveltyPruned: stats.noveltyPruned, classes: stats.classes, widenings: stats.widenings, inadmissible: stats.inadmissible } : {}) };
}

function excludedCatalog(exclude: ExploreOptions['exclude']): GraphCatalog<unknown> | null {
  if (exclude === undefined) return null;
  if (exclude instanceof GraphCatalog) return exclude;
  const catalog = new GraphCatalog<null>();
  for (const graph of exclude) catalog.add(simpleGraphOf(graph), null);
  return catalog;
}

function foundGraph(term: Term, state: GraphState, logProbability: number, size: number, at: number): FoundGraph {
  return { term, graph: toProgramGraph(state.graph), mass: massOf(term), logProbability, size, firstFoundAt: at, programs: 0 };
}

/** Mass, with programs too large to normalize ranked last. */
function massOf(term: Term): number {
  // Without lambdas or inventions there is no redex: the term is its own normal form.
  if (!hasAbstraction(term)) return programSize(term);
  const mass = programMass(term, 100_000);
  return mass.ok ? mass.value : Infinity;
}

function hasAbstraction(term: Term): boolean {
  switch (term.kind) {
    case 'apply':
      return hasAbstraction(term.fn) || hasAbstraction(term.arg);
    case 'lambda':
    case 'invention':
      return true;
    default:
      return false;
  }
}

function countFailure(failures: { budget: number; runtime: number }, error: EvalError): void {
  if (error.kind === 'budget') failures.budget++;
  else failures.runtime++;
}

/** The exact labelled graph (ids, ports) as a string: equal strings mean equal graphs. */
function labelledKey(state: GraphState): string {
  let key = `${state.graph.nextId}`;
  for (let e = state.graph.edges; e !== null; e = e.older) key += `;${e.id},${e.cursor},${e.neighbour},${e.port}`;
  return key;
}

/**
 * The DSL's inventions a search could not use, and why: the grammar has no place for them (an
 * argument type without programs), or (`states`, `novelty`) no argument choice made them a
 * step or a whole program.
 */
export function unusedInventions(inventions: ReadonlyMap<string, { readonly type: Type }>, grammar: Grammar, result: ExploreResult): { name: string; why: string }[] {
  const inGrammar = new Set<string>();
  for (const symbol of grammar.symbols) for (const p of symbol.productions) if (p.head?.kind === 'invention') inGrammar.add(p.head.name);
  const out: { name: string; why: string }[] = [];
  for (const [name, { type }] of inventions) {
    if (!inGrammar.has(name)) out.push({ name, why: `no program can use its type ${showType(type)}: one of its argument types has no program` });
  }
  for (const use of result.states?.inventions ?? []) if (use.unused !== undefined) out.push({ name: use.name, why: use.unused });
  return out;
}
