/**
 * Goal-directed synthesis: the smallest graph program (then the most probable of that size)
 * whose output is isomorphic to a target graph.
 *
 * A program of the base graph DSL is a tree whose main chain runs left to right; `func f g`
 * runs the branch f from the current state, keeps its graph (when connected) and restores
 * the cursor, port and stack, then continues with g. Reading the tree in evaluation order
 * gives a sequence of actions on a configuration (a state plus the cursors that pending
 * `func`s restore): a step (cost 1), entering a branch (`func`, cost 1), and `identity`
 * (cost 1), which ends the innermost branch or, with none open, the program. A program's
 * size (leaves, as `programSize` counts them) is the sum of its actions' costs, and its
 * log-probability the sum of theirs, so the search is A* over configurations with the cost
 * pair (size, -log p) ordered lexicographically.
 *
 * Why it is exact (over every program of the DSL's base primitives):
 * - Configurations equal up to renaming ids (`canonicalStateKey` with the saved cursors)
 *   build isomorphic graphs under every continuation, so one best prefix per configuration
 *   suffices.
 * - Graphs only grow along a run (no primitive removes a node or an edge, and a branch that
 *   ends disconnected leaves the configuration as it was, so it is never needed), hence a
 *   configuration whose graph does not embed in the target is dropped.
 * - The heuristic (missing edges + missing nodes + open branches + the final `identity`, or
 *   two actions between consecutive edges where that is more: `gapsBetweenEdges`) never
 *   overestimates: each missing edge needs a `connect`, each node an `add`, each open branch
 *   and the program one `identity`. A configuration reached again more cheaply is expanded
 *   again, so the first program reaching the target is the smallest, and among those the
 *   most probable.
 * - `if_positions_equal f g h k l` is never needed: it builds l(h(s)) or l(k(s)), and h (or k)
 *   with its final `identity` replaced by l builds the same at a smaller size.
 * Inventions of a DSL are not used (their sizes would make other programs smaller); the
 * result says so.
 */
import { DomainFailure, TailCall, type ProgramFunction } from '../../dsl/domain.ts';
import { graphPrimitives, initialState, type GraphState, type GraphStructure } from '../../dsl/domains/graph.ts';
import { app, prim, type Term } from '../../dsl/term.ts';
import { canonicalStateKey, simpleGraphOfState, type SavedCursor } from './stateKey.ts';
import type { Grammar } from '../grammar.ts';
import { edgeCount, embeds, GraphCatalog, isomorphic, type SimpleGraph } from './isomorphism.ts';
import { MaxHeap } from '../enumerate/index.ts';
import { evaluateGraphState } from '../../dsl/evaluate.ts';
import { programSize } from '../../dsl/metrics.ts';
import { constructProgram } from './constructProgram.ts';

export interface FindOptions {
  readonly maxConn?: number;
  /** Most distinct configurations held; the search stops there and says so (default 1,000,000). */
  readonly maxStates?: number;
  /** Largest program size considered (default: none). */
  readonly maxSize?: number;
  /**
   * Also list other programs of at most this size (one per distinct final configuration),
   * smallest then most probable first.
   */
  readonly allWithin?: number;
  /** Most programs returned (default 1, or 20 with `allWithin`). */
  readonly limit?: number;
  /**
   * Weight of the heuristic (default 1: exact). A larger weight finds a program sooner but not
   * necessarily the smallest (weighted A*: at most `weight` times the smallest size).
   */
  readonly heuristicWeight?: number;
}

export interface FoundProgram {
  readonly term: Term;
  readonly size: number;
  readonly logProbability: number;
  /** The final state the search computed (the caller re-evaluates it as proof). */
  readonly state: GraphState;
}

export type FindStop = 'found' | 'exhausted' | 'max-states' | 'max-size';

export interface FindResult {
  /** Smallest first, then most probable; empty when nothing was found. */
  readonly programs: readonly FoundProgram[];
  /** Why the search ended: enough programs, no program left, or a limit. */
  readonly stop: FindStop;
  /**
   * No program is smaller than this (with weight 1: the search ruled out every smaller one
   * before it stopped); equal to the first program's size when that one is proven smallest.
   */
  readonly lowerBound: number;
  readonly configurations: number;
  readonly expanded: number;
  /** Configurations dropped because their graph does not embed in the target. */
  readonly notEmbeddable: number;
  /** Grammar entries the search does not use (inventions, `if_positions_equal`), with why. */
  readonly unused: readonly { name: string; why: string }[];
}

export const DEFAULT_FIND_MAX_STATES = 1_000_000;

/** An open `func` branch: what to restore when it ends. */
interface Frame extends SavedCursor {
  readonly below: Frame | null;
}

type Action = { readonly kind: 'step'; readonly name: string } | { readonly kind: 'enter' } | { readonly kind: 'exit' } | { readonly kind: 'end' };

interface Config {
  readonly state: GraphState;
  readonly frames: Frame | null;
  readonly depth: number;
  readonly size: number;
  readonly logProbability: number;
  readonly parent: Config | null;
  readonly action: Action | null;
  readonly key: string;
}

const CONTINUATION = { __programFunction: true } as ProgramFunction;
const noNestedRuns = (): never => {
  throw new Error('a step ran a sub-program');
};
const NOT_A_STEP = 'takes no continuation as its only argument';

export function findPrograms(target: SimpleGraph, grammar: Grammar, options: FindOptions = {}): FindResult {
  const maxStates = options.maxStates ?? DEFAULT_FIND_MAX_STATES;
  const maxSize = options.maxSize ?? Infinity;
  const allWithin = options.allWithin;
  const limit = options.limit ?? (allWithin === undefined ? 1 : 20);
  const weight = options.heuristicWeight ?? 1;
  if (!Number.isInteger(weight) || weight < 1) throw new RangeError(`heuristicWeight must be a positive integer, got ${weight}`);
  const targetNodes = target.order;
  const targetEdges = edgeCount(target);

  const { steps, identity, func, unused } = actionsOf(grammar);
  if (identity === undefined) {
    return { programs: [], stop: 'exhausted', lowerBound: Infinity, configurations: 0, expanded: 0, notEmbeddable: 0, unused };
  }
  const fits = embeddingTest(target);
  const maxDegree = Math.max(...target.neighbours.map((ns) => ns.length));
  const connect = graphPrimitives.connect.implementation;
  const connectChanges = (state: GraphState) => (connect([CONTINUATION], state, noNestedRuns) as TailCall<GraphState>).state !== state;
  const otherSteps = steps.filter((s) => s.name !== 'connect');
  const heuristic = (c: { state: GraphState; depth: number; frames: Frame | null }) => {
    const { state, depth } = c;
    const edges = targetEdges - fits(state).edges;
    const nodes = targetNodes - state.graph.size;
    // Two connects in a row add one edge: each further edge needs an action between, which
    // is an add, the end of an open branch, or another action.
    let separators = 0;
    // Actions between connects (see `gapsBetweenEdges`).
    let gaps = 0;
    if (edges > 0) {
      const now = connectChanges(state);
      separators = Math.max(0, edges - 1 + (now ? 0 : 1) - nodes - depth);
      const first = now ? 0 : depth > 0 || otherSteps.some((s) => connectChanges(stepOn(s, state))) ? 1 : 2;
      gaps = gapsBetweenEdges(edges, first, depth);
    }
    // The final graph needs at least maxDegree port numbers; each one not on an edge, current or
    // saved is reached by its own next_port / prev_port.
    const ports = new Set<number>();
    for (let e = state.graph.edges; e !== null; e = e.older) ports.add(e.port);
    ports.add(state.port);
    for (let f = c.frames; f !== null; f = f.below) ports.add(f.port);
    const portChanges = Math.max(0, maxDegree - ports.size);
    return edges + 1 + Math.max(nodes + depth + Math.max(separators, portChanges), gaps);
  };

  // Buckets by size + heuristic; each bucket a heap by log-probability.
  const buckets: MaxHeap<Config>[] = [];
  let lowest = 0;
  const push = (c: Config, f: number) => {
    (buckets[f] ??= new MaxHeap<Config>()).push(c, c.logProbability);
    if (f < lowest) lowest = f;
  };
  const best = new Map<string, Config>();
  let configurations = 0;
  let expanded = 0;
  let notEmbeddable = 0;
  let stop: FindStop = 'exhausted';
  const programs: FoundProgram[] = [];
  const sizeBound = Math.min(maxSize, allWithin ?? Infinity);

  const consider = (parent: Config, state: GraphState, frames: Frame | null, depth: number, action: Action, cost: number, logProbability: number): boolean => {
    if (!fits(state).embeds) {
      notEmbeddable++;
      return true;
    }
    const key = canonicalStateKey(state, framesOf(frames), true);
    const size = parent.size + cost;
    const p = parent.logProbability + logProbability;
    const known = best.get(key);
    if (known !== undefined && (known.size < size || (known.size === size && known.logProbability >= p))) return true;
    // Past the size bound before counting: a configuration that cannot finish within it is never held.
    const h = heuristic({ state, depth, frames });
    if (size + h > sizeBound) return true;
    if (known === undefined) {
      if (configurations >= maxStates) return false;
      configurations++;
    }
    const c: Config = { state, frames, depth, size, logProbability: p, parent, action, key };
    const f = size + weight * h;
    best.set(key, c);
    push(c, f);
    return true;
  };

  const start = initialState(options.maxConn);
  const root: Config = { state: start, frames: null, depth: 0, size: 0, logProbability: 0, parent: null, action: null, key: canonicalStateKey(start, [], true) };
  best.set(root.key, root);
  configurations = 1;
  push(root, weight * heuristic(root));

  search: for (;;) {
    while (lowest < buckets.length && (buckets[lowest] === undefined || buckets[lowest].size === 0)) lowest++;
    if (lowest >= buckets.length) break;
    if (lowest > sizeBound && weight === 1) {
      stop = allWithin === undefined ? 'max-size' : 'exhausted';
      break;
    }
    const c = buckets[lowest].pop()!;
    if (c.action?.kind === 'end') {
      programs.push({ term: termOf(c), size: c.size, logProbability: c.logProbability, state: c.state });
      if (programs.length >= limit) {
        stop = 'found';
        break;
      }
      continue;
    }
    if (best.get(c.key) !== c) continue;
    expanded++;
    const { state } = c;
    // identity: ends the innermost branch, or the program.
    if (c.frames === null) {
      const shape = fits(state);
      if (state.graph.components === 1 && state.graph.size === targetNodes && shape.edges === targetEdges) {
        const size = c.size + 1;
        if (size <= sizeBound) {
          const end: Config = { ...c, size, logProbability: c.logProbability + identity, parent: c, action: { kind: 'end' } };
          push(end, size);
        }
      }
    } else if (state.graph.components === 1) {
      const frame = c.frames;
      const back: GraphState = { graph: state.graph, pos: frame.pos, port: frame.port, conn: frame.conn };
      if (!consider(c, back, frame.below, c.depth - 1, { kind: 'exit' }, 1, identity)) {
        stop = 'max-states';
        break search;
      }
    }
    for (const step of steps) {
      const out = stepOn(step, state);
      if (out === state) continue;
      if (!consider(c, out, c.frames, c.depth, step.action, 1, step.logProbability)) {
        stop = 'max-states';
        break search;
      }
    }
    if (func !== undefined) {
      const frames: Frame = { pos: state.pos, port: state.port, conn: state.conn, below: c.frames };
      if (!consider(c, state, frames, c.depth + 1, { kind: 'enter' }, 1, func)) {
        stop = 'max-states';
        break search;
      }
    }
  }
  if (stop === 'exhausted' && programs.length === 0 && maxSize !== Infinity) stop = 'max-size';
  // Every configuration below the bucket reached was expanded, and the heuristic is admissible.
  let lowerBound = weight === 1 ? Math.min(lowest, programs[0]?.size ?? Infinity) : 0;
  if (weight === 1 && stop === 'exhausted' && programs.length === 0) lowerBound = Infinity;
  return { programs, stop, lowerBound, configurations, expanded, notEmbeddable, unused };
}

/**
 * A lower bound on the actions other than `connect` still needed to add `edges` more edges.
 * Between two connects that each add an edge, one action is never enough unless it ends an open
 * branch: after connect(a, b) at port p, `move` goes to b (a self-loop), `push` makes a the top
 * (a self-loop), `add` and `pop` keep a port p that b or a already uses, a port change only
 * repeats a-b, and entering a branch changes nothing. Ending a branch opened later costs its
 * entry, so only the `depth` open ones can be gaps of one action. `first` is the gap before the
 * next connect: 0 if a connect adds an edge now, 1 if one action can make it, else 2.
 */
export function gapsBetweenEdges(edges: number, first: number, depth: number): number {
  return edges <= 0 ? 0 : first + 2 * (edges - 1) - Math.min(depth, edges - 1);
}

/** A step's successor state; the state itself when the step fails or changes nothing. */
function stepOn(step: StepAction, state: GraphState): GraphState {
  try {
    const result = step.implementation([CONTINUATION], state, noNestedRuns);
    return (result instanceof TailCall ? result.state : result) as GraphState;
  } catch (e) {
    if (e instanceof DomainFailure) return state;
    throw e;
  }
}

interface StepAction {
  readonly name: string;
  readonly action: Action;
  readonly logProbability: number;
  readonly implementation: (typeof graphPrimitives)[string]['implementation'];
}

/** The start symbol's base primitives as actions, and the entries the search leaves out. */
function actionsOf(grammar: Grammar): { steps: StepAction[]; identity?: number; func?: number; unused: { name: string; why: string }[] } {
  const steps: StepAction[] = [];
  const unused: { name: string; why: string }[] = [];
  let identity: number | undefined;
  let func: number | undefined;
  for (const production of grammar.symbols[grammar.start].productions) {
    const head = production.head;
    if (head === null) continue;
    const arity = production.argumentSymbols.length;
    const name = head.kind === 'primitive' || head.kind === 'invention' ? head.name : production.key;
    if (head.kind === 'invention') {
      unused.push({ name, why: 'an invention: the smallest program is sought over the base primitives' });
      continue;
    }
    if (head.kind !== 'primitive' || !Object.hasOwn(graphPrimitives, name)) {
      unused.push({ name, why: 'not a primitive of the graph domain' });
      continue;
    }
    const primitive = graphPrimitives[name];
    if (name === 'identity' && arity === 0) identity = production.logProbability;
    else if (name === 'func' && arity === 2) func = production.logProbability;
    else if (name === 'if_positions_equal') unused.push({ name, why: 'never in a smallest program: inlining its chosen branch builds the same, smaller' });
    else if (primitive.arity === 1 && arity === 1) steps.push({ name, action: { kind: 'step', name }, logProbability: production.logProbability, implementation: primitive.implementation });
    else unused.push({ name, why: NOT_A_STEP });
  }
  return { steps, identity, func, unused };
}

function framesOf(frames: Frame | null): SavedCursor[] {
  const out: SavedCursor[] = [];
  for (let f = frames; f !== null; f = f.below) out.push(f);
  return out;
}

/** Rebuilds the program from its actions in evaluation order. */
function termOf(end: Config): Term {
  const actions: Action[] = [];
  for (let c: Config | null = end; c !== null && c.action !== null; c = c.parent) actions.push(c.action);
  actions.reverse();
  let i = 0;
  // A program: steps, then `identity` (exit or end), with `func f g` read as enter, f, then g.
  const read = (): Term => {
    const action = actions[i++];
    switch (action.kind) {
      case 'step':
        return app(prim(action.name), read());
      case 'enter': {
        const branch = read();
        return app(app(prim('func'), branch), read());
      }
      default:
        return prim('identity');
    }
  };
  return read();
}

interface Shape {
  /** Simple edges (repeats count once). */
  readonly edges: number;
  /** Whether the graph is isomorphic to a subgraph of the target. */
  readonly embeds: boolean;
}

/**
 * Whether a state's graph embeds in the target, cached by the graph object (steps that keep
 * the graph share it) and by isomorphism class.
 */
function embeddingTest(target: SimpleGraph): (state: GraphState) => Shape {
  const byStructure = new WeakMap<GraphStructure, Shape>();
  const byClass = new GraphCatalog<Shape>();
  return (state) => {
    let shape = byStructure.get(state.graph);
    if (shape === undefined) {
      const graph = simpleGraphOfState(state);
      const held = byClass.find(graph);
      if (held !== undefined) shape = held.payload;
      else {
        shape = { edges: edgeCount(graph), embeds: embeds(graph, target) };
        byClass.add(graph, shape);
      }
      byStructure.set(state.graph, shape);
    }
    return shape;
  };
}



export interface FindGraphOptions extends Omit<FindOptions, 'heuristicWeight' | 'maxSize'> {
  /** Configurations for the quick (weighted) pass that looks for a smaller program than the construction's (default 20,000). */
  readonly quickStates?: number;
  /**
   * Programs of base primitives known to build the target (from an exploration, say): the
   * smallest that does is a first upper bound; one that does not is ignored.
   */
  readonly known?: readonly Term[];
}

export interface FindGraphResult {
  /** Smallest first, then most probable; the first is the answer. */
  readonly programs: readonly FoundProgram[];
  /** Whether no smaller program exists (and none of equal size is more probable). */
  readonly proven: boolean;
  /** No program is smaller than this. */
  readonly lowerBound: number;
  /** Where the answer came from. */
  readonly source: 'search' | 'quick search' | 'construction' | 'known';
  /** The exact search's bookkeeping, and why it stopped. */
  readonly search: FindResult;
}

/**
 * The smallest program building `target` (then the most probable): a direct construction gives
 * a first program, a weighted search a smaller one, and the exact search, bounded by that
 * size, the smallest when it finishes within `maxStates` configurations. When it does not, the
 * best program found is returned with the lower bound the exact search proved.
 */
export function findGraphProgram(target: SimpleGraph, grammar: Grammar, options: FindGraphOptions = {}): FindGraphResult | { error: string } {
  const maxConn = options.maxConn ?? initialState().graph.maxConn;
  let best: FoundProgram | undefined;
  let source: FindGraphResult['source'] = 'construction';
  const built = constructProgram(target, maxConn);
  if (built.ok) {
    const { size, logProbability } = measure(built.term, grammar);
    const state = evaluateGraphState(built.term, { maxConn });
    if (!state.ok) throw new Error(`the constructed program failed: ${state.error.message}`);
    best = { term: built.term, size, logProbability, state: state.value };
  }
  for (const term of options.known ?? []) {
    const { size, logProbability } = measure(term, grammar);
    if (size !== programSize(term) || logProbability === -Infinity) continue; // not over the base primitives
    if (best !== undefined && (size > best.size || (size === best.size && logProbability <= best.logProbability))) continue;
    const state = evaluateGraphState(term, { maxConn });
    if (!state.ok || state.value.graph.components !== 1 || !isomorphic(simpleGraphOfState(state.value), target)) continue;
    best = { term, size, logProbability, state: state.value };
    source = 'known';
  }
  const quick = findPrograms(target, grammar, { maxConn, heuristicWeight: 3, maxStates: options.quickStates ?? 20_000, maxSize: best === undefined ? undefined : best.size - 1 });
  if (quick.programs.length > 0) {
    best = quick.programs[0];
    source = 'quick search';
  }
  const bound = Math.max(best?.size ?? Infinity, options.allWithin ?? 0);
  const exact = exactSearch(target, grammar, { ...options, maxConn }, bound);
  if (exact.programs.length > 0) {
    // The first program the exact search completes is the smallest even if a limit stopped it later.
    return { programs: exact.programs, proven: true, lowerBound: exact.programs[0].size, source: 'search', search: exact };
  }
  if (best === undefined) {
    return { error: built.ok ? 'no program found within the limits' : `no program found: ${built.reason}, and the search found none within its limits` };
  }
  // The exact search ran out, or ruled out every program up to the bound (then the bound itself is the size).
  const proven = exact.stop !== 'max-states';
  return { programs: [best], proven: proven && best.size <= (options.allWithin ?? best.size), lowerBound: proven ? best.size : exact.lowerBound, source, search: exact };
}

/** The exact search up to `bound`; with `allWithin` (the alternatives need the whole bound at once) or no bound, in one pass. */
function exactSearch(target: SimpleGraph, grammar: Grammar, options: FindOptions, bound: number): FindResult {
  if (options.allWithin !== undefined || bound === Infinity) return findPrograms(target, grammar, { ...options, maxSize: bound === Infinity ? undefined : bound });
  return findUnderRaisedLimits(target, grammar, options, bound);
}

/**
 * The exact search under a size limit raised one at a time from the bound at the start up to
 * `upTo` (a size some program is known to reach): each limit holds only the configurations that
 * can still finish within it, so a proof takes the memory of its last limit rather than of
 * every configuration below `upTo` (K4: 2.96M configurations at limit 22 instead of those under
 * the construction's 31), for a sixth more work. `onLimit` sees each limit's search.
 */
export function findUnderRaisedLimits(target: SimpleGraph, grammar: Grammar, options: Omit<FindOptions, 'maxSize' | 'heuristicWeight'>, upTo: number, onLimit?: (limit: number, result: FindResult) => void): FindResult {
  if (!Number.isFinite(upTo)) throw new RangeError(`findUnderRaisedLimits needs a finite size to stop at, got ${upTo}`);
  let limit = Math.min(upTo, findPrograms(target, grammar, { ...options, maxStates: 1 }).lowerBound);
  for (;;) {
    const result = findPrograms(target, grammar, { ...options, maxSize: limit });
    onLimit?.(limit, result);
    // Every smaller limit ended without a program, so none is smaller than this one.
    if (result.stop === 'max-states' && result.programs.length === 0) return { ...result, lowerBound: Math.max(result.lowerBound, limit) };
    if (result.programs.length > 0 || limit >= upTo) return result;
    limit++;
  }
}

/** Size and log-probability of a base-primitive program under the grammar's start symbol. */
function measure(term: Term, grammar: Grammar): { size: number; logProbability: number } {
  const byName = new Map<string, number>();
  for (const p of grammar.symbols[grammar.start].productions) {
    if (p.head?.kind === 'primitive') byName.set(p.head.name, p.logProbability);
  }
  let size = 0;
  let logProbability = 0;
  const visit = (t: Term) => {
    if (t.kind === 'apply') {
      visit(t.fn);
      visit(t.arg);
    } else if (t.kind === 'primitive') {
      size++;
      logProbability += byName.get(t.name) ?? -Infinity;
    }
  };
  visit(term);
  return { size, logProbability };
}
