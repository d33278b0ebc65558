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
import type { ProgramGraph } from '../dsl/graph.ts';
import type { EvalBudget, EvalError } from '../dsl/evaluate.ts';
import { DEFAULT_BUDGET, evaluateGraphState, runOnState } from '../dsl/evaluate.ts';
import { app, idx, lam } from '../dsl/term.ts';
import { edgeList, graphPrimitives, initialState, nodeIds, toProgramGraph, type GraphState } from '../dsl/domains/graph.ts';
import { searchStates, StateSearchStats, type InventionUse, type StepDomain } from './stateSearch.ts';
import { normalForm, programMass, programSize } from '../dsl/metrics.ts';
import type { Term } from '../dsl/term.ts';
import type { Grammar } from './grammar.ts';
import { showType, type Type } from '../dsl/types.ts';
import { enumeratePrograms, type SearchProgress } from './heapSearch.ts';
import { GraphCatalog, simpleGraph, simpleGraphOf, type SimpleGraph } from './isomorphism.ts';

export interface ExploreOptions {
  /**
   * `heap` (default): Heap Search over every program, each evaluated from scratch.
   * `states`: best-first search over program states with observational-equivalence pruning
   * (stateSearch.ts): straight-line CPS chains only, each distinct state extended once.
   * `novelty`: the `states` search with a novelty bound: at most `perClassExpansions` states
   * per graph class (up to isomorphism) are extended, so the window goes to new graphs.
   */
  readonly strategy?: ExploreStrategy;
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

export type ExploreStrategy = 'heap' | 'states' | 'novelty';

export const EXPLORE_STRATEGIES: readonly ExploreStrategy[] = ['heap', 'states', 'novelty'];

/** Default novelty bound: states extended per graph class (see benchmarks/coverage.ts). */
export const DEFAULT_PER_CLASS_EXPANSIONS = 16;

export interface ExploreProgress extends SearchProgress {
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
  readonly strategy: ExploreStrategy;
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

  const stateStats = new StateSearchStats();
  const source: Iterable<{ term: Term; logProbability: number; size: number; state?: GraphState }> =
    options.strategy === 'states' || options.strategy === 'novelty'
      ? searchStates(grammar, graphStepDomain(options.maxConn, options.maxNodes), {
          maxSize: options.maxSize,
          maxPrograms: options.maxPrograms,
          seconds: options.seconds,
          argumentPool: options.argumentPool,
          maxStates: options.maxStates,
          evalBudget: { ...DEFAULT_BUDGET, ...budget },
          ...(options.strategy === 'novelty' ? { perClassExpansions: options.perClassExpansions ?? DEFAULT_PER_CLASS_EXPANSIONS } : {}),
        }, stateStats)
      : enumeratePrograms(grammar, { maxSize: options.maxSize, maxPrograms: options.maxPrograms, seconds: options.seconds });
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
    strategy: options.strategy ?? 'heap',
    programs,
    ...(options.strategy === 'states' || options.strategy === 'novelty' ? { states: stateSummary(stateStats, options.strategy === 'novelty') } : {}),
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

/** The graph domain for state search: every primitive with a continuation is a step. */
export function graphStepDomain(maxConn?: number, maxNodes?: number): StepDomain<GraphState> {
  return {
    ...(maxNodes === undefined ? {} : { admissible: (s: GraphState) => s.graph.size <= maxNodes }),
    primitives: graphPrimitives,
    initialState: initialState(maxConn),
    stateKey: canonicalStateKey,
    isStep: isGraphStep,
    isStepWith: isGraphStepWith,
    outputClass: graphClassifier(),
  };
}

/**
 * Numbers graphs up to isomorphism (isolated nodes included). Steps that leave the graph as
 * it is (`move`, `push`, `pop`, ports) share its structure object, so a cache keyed by that
 * object makes most lookups one map access.
 */
function graphClassifier(): (state: GraphState) => number {
  const classes = new GraphCatalog<number>();
  const byStructure = new WeakMap<GraphState['graph'], number>();
  return (state) => {
    let id = byStructure.get(state.graph);
    if (id === undefined) {
      id = classes.add(simpleGraphOfState(state), classes.size).entry.payload;
      byStructure.set(state.graph, id);
    }
    return id;
  };
}

/**
 * A graph primitive with a continuation is a step. An invention is one when its body is
 * `arity` lambdas around a chain of steps that ends by calling the last parameter (`$0`
 * there) and mentions it nowhere else; anything else is conservatively not a step.
 */
export function isGraphStep(head: Term, arity: number): boolean {
  if (head.kind === 'primitive') return arity >= 1 && graphPrimitives[head.name]?.arity === arity;
  if (head.kind !== 'invention' || arity < 1) return false;
  let body = head.body;
  for (let i = 0; i < arity; i++) {
    if (body.kind !== 'lambda') return false;
    body = body.body;
  }
  return isChainEndingIn(body);
}

/**
 * Whether `head a1 .. an`, with the continuation at the null argument and the others fixed
 * (closed), is a step: its normal form, inventions inlined, is a chain of primitive steps
 * ending in the continuation and mentioning it nowhere else. This is how an invention that
 * takes its continuation first, or calls a function argument, becomes a macro step.
 */
export function isGraphStepWith(head: Term, args: readonly (Term | null)[]): boolean {
  if (args.filter((a) => a === null).length !== 1) return false;
  let applied: Term = head;
  for (const a of args) applied = app(applied, a ?? idx(0));
  const normal = normalForm(lam(applied), 100_000);
  return normal !== null && normal.kind === 'lambda' && isChainEndingIn(normal.body);
}

/** `op a1 .. k` where op is a step, the a_i do not mention `$0`, and k is `$0` or such a chain. */
function isChainEndingIn(term: Term): boolean {
  const args: Term[] = [];
  let head = term;
  while (head.kind === 'apply') {
    args.unshift(head.arg);
    head = head.fn;
  }
  if (args.length === 0 || !isGraphStep(head, args.length)) return false;
  const last = args[args.length - 1];
  if (args.slice(0, -1).some((a) => mentionsVariable(a, 0))) return false;
  return (last.kind === 'index' && last.index === 0) || isChainEndingIn(last);
}

function mentionsVariable(term: Term, index: number): boolean {
  switch (term.kind) {
    case 'index':
      return term.index === index;
    case 'apply':
      return mentionsVariable(term.fn, index) || mentionsVariable(term.arg, index);
    case 'lambda':
      return mentionsVariable(term.body, index + 1);
    default:
      return false;
  }
}

/**
 * A key equal for two states exactly when one is the other with node and edge ids renamed
 * (ports, cursor, current port and stack kept). The domain only compares ids for equality
 * and takes new ids from the counter, so such states build isomorphic graphs under every
 * continuation: merging them is sound when outputs are compared up to isomorphism.
 * Nodes are numbered by a breadth-first walk from the cursor, then from the stack (top
 * first), taking edges in port order; a port holds at most one edge per node, so the walk
 * is canonical. Nodes it cannot reach are numbered in id order (still sound, merges less).
 * `saved` cursors (e.g. the states a pending `func` returns to) are part of the key, in order.
 * With `relativePorts`, ports are counted from the current one: every primitive treats ports
 * alike up to rotation (`next_port`/`prev_port` cycle them), so states equal up to rotating
 * all ports build isomorphic graphs under every continuation, too.
 */
export function canonicalStateKey(s: GraphState, saved: readonly SavedCursor[] = NO_SAVED, relativePorts = false): string {
  const g = s.graph;
  const maxConn = g.maxConn;
  const shift = relativePorts ? maxConn - s.port : 0;
  const ids = g.nextId;
  let stackDepth = 0;
  for (let n = s.conn; n !== null; n = n.below) stackDepth++;
  for (const c of saved) for (let n = c.conn; n !== null; n = n.below) stackDepth++;
  const { neighbourAt, label, order, codes } = keyScratch(ids, maxConn, 2 + 3 * ids + stackDepth + 3 * saved.length);
  neighbourAt.fill(-1, 0, ids * maxConn);
  label.fill(-1, 0, ids);
  for (let e = g.edges; e !== null; e = e.older) {
    const port = (e.port + shift) % maxConn;
    neighbourAt[e.cursor * maxConn + port] = e.neighbour;
    neighbourAt[e.neighbour * maxConn + port] = e.cursor;
    label[e.id] = -2; // an edge id, never a node
  }
  let labelled = visitFrom(s.pos, 0, maxConn, neighbourAt, label, order);
  for (let n = s.conn; n !== null; n = n.below) labelled = visitFrom(n.node, labelled, maxConn, neighbourAt, label, order);
  for (const c of saved) {
    labelled = visitFrom(c.pos, labelled, maxConn, neighbourAt, label, order);
    for (let n = c.conn; n !== null; n = n.below) labelled = visitFrom(n.node, labelled, maxConn, neighbourAt, label, order);
  }
  for (let id = 0; id < ids; id++) labelled = visitFrom(id, labelled, maxConn, neighbourAt, label, order);
  // Size, port, then each edge once as (higher label, port) from its lower end, then the stack.
  let length = 0;
  codes[length++] = g.size;
  codes[length++] = (s.port + shift) % maxConn;
  for (let i = 0; i < labelled; i++) {
    const row = order[i] * maxConn;
    for (let port = 0; port < maxConn; port++) {
      const v = neighbourAt[row + port];
      if (v >= 0 && label[v] > i) {
        codes[length++] = label[v] + 1;
        codes[length++] = port;
      }
    }
    codes[length++] = 0; // end of node i's edges
  }
  for (let n = s.conn; n !== null; n = n.below) codes[length++] = label[n.node];
  for (const c of saved) {
    codes[length++] = SAVED_MARK; // never a label: labels stay below the id count
    codes[length++] = label[c.pos];
    codes[length++] = (c.port + shift) % maxConn;
    for (let n = c.conn; n !== null; n = n.below) codes[length++] = label[n.node];
  }
  return String.fromCharCode.apply(null, codes.subarray(0, length) as unknown as number[]);
}

/** A cursor, port and stack to come back to (what `func` restores after its branch). */
export interface SavedCursor {
  readonly pos: number;
  readonly port: number;
  readonly conn: GraphState['conn'];
}

const NO_SAVED: readonly SavedCursor[] = [];
const SAVED_MARK = 0xffff;

/** Labels the nodes reachable from `root` breadth-first, ports in order (`order` is the queue); returns the count labelled. */
function visitFrom(root: number, labelled: number, maxConn: number, neighbourAt: Int32Array, label: Int32Array, order: Int32Array): number {
  if (label[root] !== -1) return labelled;
  let head = labelled;
  label[root] = labelled;
  order[labelled++] = root;
  while (head < labelled) {
    const row = order[head++] * maxConn;
    for (let port = 0; port < maxConn; port++) {
      const v = neighbourAt[row + port];
      if (v >= 0 && label[v] === -1) {
        label[v] = labelled;
        order[labelled++] = v;
      }
    }
  }
  return labelled;
}

interface KeyScratch {
  neighbourAt: Int32Array;
  label: Int32Array;
  order: Int32Array;
  codes: Uint16Array;
}

let scratch: KeyScratch = { neighbourAt: new Int32Array(0), label: new Int32Array(0), order: new Int32Array(0), codes: new Uint16Array(0) };

/** Buffers reused across calls (keys are built one at a time), grown on demand. */
function keyScratch(ids: number, maxConn: number, codeLength: number): KeyScratch {
  if (scratch.label.length < ids || scratch.neighbourAt.length < ids * maxConn) {
    const n = Math.max(ids, 2 * scratch.label.length, 64);
    scratch = { ...scratch, neighbourAt: new Int32Array(n * maxConn), label: new Int32Array(n), order: new Int32Array(n) };
  }
  if (scratch.codes.length < codeLength) scratch = { ...scratch, codes: new Uint16Array(Math.max(codeLength, 2 * scratch.codes.length)) };
  return scratch;
}

export function simpleGraphOfState(state: GraphState): SimpleGraph {
  const ids = nodeIds(state.graph);
  const position = new Map<number, number>();
  ids.forEach((id, i) => position.set(id, i));
  return simpleGraph(
    ids.length,
    edgeList(state.graph).map((e) => [position.get(e.cursor)!, position.get(e.neighbour)!] as [number, number]),
  );
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
