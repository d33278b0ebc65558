/**
 * Best-first search over program states, with observational-equivalence pruning.
 *
 * A CPS program requested at `S -> S` reads as a chain of steps `op a1 .. a(n-1) k` ending in
 * a terminal (e.g. `identity`), where k, the last argument, is the rest of the chain. When
 * each step calls its continuation exactly once, in tail position, on a state computed from
 * the current one (`op a k s = k (T_a(s))`, as every primitive of the graph domain does),
 * the output of the whole program is T_n(...T_1(initial)) finished by the terminal. Two chain
 * prefixes that reach the same state therefore have the same output under every completion,
 * so only the most probable prefix reaching each state needs extending: that pruning is sound
 * for this fragment, and each distinct state is expanded once.
 *
 * The search is Dijkstra's algorithm on states with cost -log p: the frontier holds prefixes
 * and completed programs together, so completed programs come out in non-increasing
 * probability (the most probable program of each distinct end state, before pruning).
 *
 * The fragment: steps are the start symbol's productions whose last argument is the start
 * symbol and which the domain declares tail-continuation (`isStep`); their other arguments
 * (the branches of `func`, `if_positions_equal`) are closed sub-programs drawn from the best
 * `argumentPool` programs of their symbol (found by Heap Search). Programs outside the
 * fragment (a larger branch, an invention that is not a step) are not produced here; Heap
 * Search enumerates everything without pruning.
 *
 * Novelty bound (`perClassExpansions`, for domains that name an output class): a state is
 * expanded only while fewer than that many states of its class (e.g. its graph up to
 * isomorphism) were expanded before it. The programs that come out keep their exact
 * probabilities and the frontier stays ordered by probability, but the search is no longer
 * exhaustive at a given bound: it trades the many probable variants of one graph for reach into
 * new graphs. States over the bound are held back, not dropped: when nothing else is left the
 * bound doubles and they return, so within the size limit every state is reached eventually.
 *
 * A primitive step with no fixed argument is applied by calling its implementation on the
 * state directly (a marker stands for the continuation): that is what the evaluator does for
 * `op (lam $0)`, without building a machine per candidate step.
 */
import type { DomainPrimitive } from '../../dsl/domain.ts';
import { applyDirectly, directPrimitive, FAILED, NOT_DIRECT } from './directStep.ts';
import type { EvalBudget } from '../../dsl/evaluate.ts';
import { runOnState } from '../../dsl/evaluate.ts';
import { idx, lam, type Term } from '../../dsl/term.ts';
import type { Result } from '../../dsl/result.ts';
import { applyProduction, type Grammar, type Production } from '../grammar.ts';
import { HeapSearch, type EnumerationProgress } from './heapSearch.ts';
import { MaxHeap } from './priorityQueue.ts';
import { showType } from '../../dsl/types.ts';

export interface StepDomain<State> {
  readonly primitives: Readonly<Record<string, DomainPrimitive<State>>>;
  readonly initialState: State;
  /** Equal keys exactly when the states are equal (everything a later step can observe). */
  stateKey(state: State): string;
  /**
   * Whether a production head, applied to `arity` arguments, calls the last one once, in tail
   * position, on a state computed from its input (see the module comment).
   */
  isStep(head: Term, arity: number): boolean;
  /**
   * Whether a production head applied to these arguments, with the continuation in the place
   * of the one null, is a step as above (a macro step: e.g. an invention whose continuation is
   * not its last parameter, or which calls a function argument that, once fixed, is a step).
   */
  isStepWith?(head: Term, args: readonly (Term | null)[]): boolean;
  /**
   * An id of the state's output class (e.g. its graph up to isomorphism), for the novelty
   * bound; states of one class must get the same id.
   */
  outputClass?(state: State): number;
  /**
   * Whether a state may be extended further; the domain guarantees that every state reached
   * from an inadmissible one is inadmissible too (e.g. a graph past a node limit), so dropping
   * it loses only outputs the caller excluded.
   */
  admissible?(state: State): boolean;
}

export interface StateSearchOptions {
  readonly maxSize?: number;
  readonly maxPrograms?: number;
  readonly seconds?: number;
  /**
   * Most distinct states held (expanded or waiting; default 2,000,000); beyond it no new state
   * is added, and `stats.dropped` counts the ones left out.
   */
  readonly maxStates?: number;
  /** Closed sub-programs tried per non-continuation argument symbol (default 4). */
  readonly argumentPool?: number;
  readonly evalBudget?: EvalBudget;
  /**
   * Novelty bound: expand at most this many states per output class (needs
   * `domain.outputClass`); unbounded when absent.
   */
  readonly perClassExpansions?: number;
  readonly onProgress?: (progress: EnumerationProgress & { states: number }) => void;
  readonly progressEvery?: number;
}

export interface StateProgram<State> {
  readonly term: Term;
  readonly logProbability: number;
  readonly size: number;
  /** The program's output on the initial state. */
  readonly state: State;
}

/** One way to take a step: a production with its non-continuation arguments chosen. */
interface StepChoice {
  readonly production: Production;
  readonly fixedArguments: readonly Term[];
  /** Where the continuation goes among the arguments (the last, unless a macro step says otherwise). */
  readonly continuationAt: number;
  /** What is evaluated: a terminal as is, a step with `lam $0` as its continuation. */
  readonly probe: Term;
  /** The primitive's implementation, when the step can be applied without the evaluator. */
  readonly direct: DomainPrimitive<unknown> | null;
  readonly logProbability: number;
  readonly size: number;
}

interface Prefix<State> {
  readonly state: State;
  readonly key: string;
  readonly step: StepChoice | null;
  readonly parent: Prefix<State> | null;
  readonly size: number;
}

type FrontierItem<State> =
  | { readonly kind: 'prefix'; readonly prefix: Prefix<State>; readonly logProbability: number }
  | { readonly kind: 'complete'; readonly prefix: Prefix<State>; readonly terminal: StepChoice; readonly state: State; readonly logProbability: number };

const CONTINUE = lam(idx(0));

export const DEFAULT_MAX_STATES = 2_000_000;

export class StateSearchStats {
  states = 0;
  expanded = 0;
  /** Step or terminal evaluations that failed (budget or runtime). */
  failures = 0;
  /** Steps whose result state was already held: pruned as equivalent. */
  pruned = 0;
  evaluations = 0;
  /** States not expanded because their class had reached the novelty bound. */
  noveltyPruned = 0;
  /** Output classes met (with the novelty bound). */
  classes = 0;
  /** Steps whose result the domain ruled out (`admissible`). */
  inadmissible = 0;
  /** Times the novelty bound doubled because only held-back states were left. */
  widenings = 0;
  /** The state cap in force, and the new states it kept out. */
  maxStates = DEFAULT_MAX_STATES;
  dropped = 0;
  /** How each invention of the grammar's start symbol is used (filled when the search starts). */
  inventions: InventionUse[] = [];
}

/** How the state search uses an invention: as steps, as terminals, or not at all (and why). */
export interface InventionUse {
  readonly name: string;
  /** Argument choices under which it is a step (a tail chain, or a macro step once its arguments are fixed). */
  readonly steps: number;
  /** Argument choices under which it ends a program. */
  readonly terminals: number;
  /** Why it is never used, when it is not. */
  readonly unused?: string;
}

export function* searchStates<State>(
  grammar: Grammar,
  domain: StepDomain<State>,
  options: StateSearchOptions = {},
  stats: StateSearchStats = new StateSearchStats(),
): Generator<StateProgram<State>> {
  const maxSize = options.maxSize ?? 20;
  const maxPrograms = options.maxPrograms ?? Infinity;
  const maxStates = options.maxStates ?? DEFAULT_MAX_STATES;
  stats.maxStates = maxStates;
  const deadline = options.seconds === undefined ? Infinity : performance.now() + options.seconds * 1000;
  const started = performance.now();
  const every = options.progressEvery ?? 10_000;
  const { steps, terminals, inventions } = stepChoices(grammar, domain, options.argumentPool ?? 4, maxSize);
  stats.inventions = inventions;

  const perClass = domain.outputClass === undefined ? Infinity : (options.perClassExpansions ?? Infinity);
  let perClassBound = perClass;
  const expansionsByClass: number[] = [];
  // States held back by the bound; when nothing else is left the bound doubles and they return.
  let deferred: { prefix: Prefix<State>; logProbability: number }[] = [];
  const run = (choice: StepChoice, state: State): State | typeof FAILED => {
    stats.evaluations++;
    if (choice.direct !== null) {
      const out = applyDirectly(choice.direct, state);
      if (out !== NOT_DIRECT) return out;
    }
    const result: Result<State, unknown> = runOnState(choice.probe, state, domain.primitives, options.evalBudget);
    return result.ok ? result.value : FAILED;
  };
  // Best log-probability of a prefix reaching each state; a prefix popped below it is stale.
  const best = new Map<string, number>();
  const frontier = new MaxHeap<FrontierItem<State>>();
  const rootKey = domain.stateKey(domain.initialState);
  const root: Prefix<State> = { state: domain.initialState, key: rootKey, step: null, parent: null, size: 0 };
  best.set(rootKey, 0);
  stats.states = 1;
  frontier.push({ kind: 'prefix', prefix: root, logProbability: 0 }, 0);

  let emitted = 0;
  for (;;) {
    let item = frontier.pop();
    if (item === undefined && deferred.length > 0) {
      perClassBound *= 2;
      stats.widenings++;
      for (const d of deferred) frontier.push({ kind: 'prefix', ...d }, d.logProbability);
      deferred = [];
      item = frontier.pop();
    }
    if (item === undefined) return;
    if (item.kind === 'complete') {
      yield {
        term: termOf(item.prefix, item.terminal),
        logProbability: item.logProbability,
        size: item.prefix.size + item.terminal.size,
        state: item.state,
      };
      emitted++;
      if (emitted >= maxPrograms) return;
      if ((emitted & 255) === 0 && performance.now() >= deadline) return;
      if (options.onProgress && emitted % every === 0) {
        options.onProgress({ programs: emitted, seconds: (performance.now() - started) / 1000, logProbability: item.logProbability, states: stats.states });
      }
      continue;
    }
    const { prefix, logProbability } = item;
    if (logProbability < best.get(prefix.key)!) continue;
    if (perClass !== Infinity) {
      const outputClass = domain.outputClass!(prefix.state);
      const done = expansionsByClass[outputClass] ?? 0;
      if (done === 0) stats.classes++;
      if (done >= perClassBound) {
        stats.noveltyPruned++;
        deferred.push({ prefix, logProbability });
        continue;
      }
      expansionsByClass[outputClass] = done + 1;
    }
    stats.expanded++;
    if ((stats.expanded & 255) === 0 && performance.now() >= deadline) return;
    for (const terminal of terminals) {
      if (prefix.size + terminal.size > maxSize) continue;
      const out = run(terminal, prefix.state);
      if (out === FAILED) {
        stats.failures++;
        continue;
      }
      const p = logProbability + terminal.logProbability;
      frontier.push({ kind: 'complete', prefix, terminal, state: out, logProbability: p }, p);
    }
    for (const step of steps) {
      // A step needs room for itself and the smallest terminal after it.
      if (prefix.size + step.size + 1 > maxSize) continue;
      const out = run(step, prefix.state);
      if (out === FAILED) {
        stats.failures++;
        continue;
      }
      // A step that returned its input state (a no-op guard) reaches this prefix's own state, less probably.
      if (out === prefix.state && step.logProbability <= 0) {
        stats.pruned++;
        continue;
      }
      if (domain.admissible !== undefined && !domain.admissible(out)) {
        stats.inadmissible++;
        continue;
      }
      const key = domain.stateKey(out);
      const p = logProbability + step.logProbability;
      const known = best.get(key);
      if (known !== undefined && known >= p) {
        stats.pruned++;
        continue;
      }
      if (known === undefined) {
        if (stats.states >= maxStates) {
          stats.dropped++;
          continue;
        }
        stats.states++;
      }
      best.set(key, p);
      const next: Prefix<State> = { state: out, key, step, parent: prefix, size: prefix.size + step.size };
      frontier.push({ kind: 'prefix', prefix: next, logProbability: p }, p);
    }
  }
}

function termOf<State>(prefix: Prefix<State>, terminal: StepChoice): Term {
  let term = applyProduction(terminal.production, terminal.fixedArguments);
  for (let p: Prefix<State> | null = prefix; p !== null && p.step !== null; p = p.parent) {
    term = applyProduction(p.step.production, withContinuation(p.step, term));
  }
  return term;
}

function withContinuation(step: StepChoice, continuation: Term): Term[] {
  const args = [...step.fixedArguments];
  args.splice(step.continuationAt, 0, continuation);
  return args;
}

/**
 * The start symbol's steps and terminals, with their closed arguments drawn from per-symbol
 * pools. A production is a step when the domain says so of its head; otherwise, for each place
 * holding a start-symbol argument, each choice of the other arguments that makes it a step
 * (`isStepWith`) is a macro step. Every production is also a terminal with all its arguments
 * fixed. Inventions are reported with how they are used, or why they are not.
 */
function stepChoices<State>(
  grammar: Grammar,
  domain: StepDomain<State>,
  poolSize: number,
  maxSize: number,
): { steps: StepChoice[]; terminals: StepChoice[]; inventions: InventionUse[] } {
  const pools = new Map<number, { term: Term; logProbability: number; size: number }[]>();
  const poolOf = (symbol: number) => {
    let pool = pools.get(symbol);
    if (pool === undefined) {
      pool = [];
      const search = new HeapSearch({ ...grammar, start: symbol }, Math.min(maxSize, 8));
      for (const p of search.programs()) {
        pool.push(p);
        if (pool.length >= poolSize) break;
      }
      pools.set(symbol, pool);
    }
    return pool;
  };
  const steps: StepChoice[] = [];
  const terminals: StepChoice[] = [];
  const inventions: InventionUse[] = [];
  const start = grammar.symbols[grammar.start];
  const entry = (production: Production, choice: readonly { term: Term; logProbability: number; size: number }[], continuationAt: number | null): StepChoice => {
    const fixedArguments = choice.map((c) => c.term);
    const isStep = continuationAt !== null;
    const probeArguments = [...fixedArguments];
    if (isStep) probeArguments.splice(continuationAt, 0, CONTINUE);
    return {
      production,
      fixedArguments,
      continuationAt: continuationAt ?? fixedArguments.length,
      probe: applyProduction(production, probeArguments),
      direct: directPrimitive(production, fixedArguments.length, isStep && continuationAt === fixedArguments.length, domain.primitives),
      logProbability: production.logProbability + choice.reduce((s, c) => s + c.logProbability, 0),
      size: 1 + choice.reduce((s, c) => s + c.size, 0),
    };
  };
  for (const production of start.productions) {
    const args = production.argumentSymbols;
    if (production.kind === 'lambda') continue;
    const head = production.head!;
    let stepCount = 0;
    const isStep = args.length > 0 && args[args.length - 1] === grammar.start && domain.isStep(head, args.length);
    if (isStep) {
      for (const choice of bestTuples(args.slice(0, -1).map(poolOf), poolSize)) {
        steps.push(entry(production, choice, args.length - 1));
        stepCount++;
      }
    } else if (domain.isStepWith !== undefined) {
      for (let at = args.length - 1; at >= 0; at--) {
        if (args[at] !== grammar.start) continue;
        const others = args.filter((_, i) => i !== at);
        for (const choice of bestTuples(others.map(poolOf), poolSize)) {
          const fixed: (Term | null)[] = choice.map((c) => c.term);
          fixed.splice(at, 0, null);
          if (!domain.isStepWith(head, fixed)) continue;
          steps.push(entry(production, choice, at));
          stepCount++;
        }
      }
    }
    let terminalCount = 0;
    if (!isStep) {
      for (const choice of bestTuples(args.map(poolOf), poolSize)) {
        terminals.push(entry(production, choice, null));
        terminalCount++;
      }
    }
    if (head.kind === 'invention') {
      const empty = args.find((a) => poolOf(a).length === 0);
      const unused =
        stepCount + terminalCount > 0
          ? undefined
          : empty !== undefined
            ? `no program of its argument type ${showType(grammar.symbols[empty].type)} within size ${Math.min(maxSize, 8)}`
            : 'no choice of its arguments makes it a step or a whole program';
      inventions.push({ name: head.name, steps: stepCount, terminals: terminalCount, ...(unused ? { unused } : {}) });
    }
  }
  steps.sort((a, b) => b.logProbability - a.logProbability);
  return { steps, terminals, inventions };
}

/** The `limit` best tuples (one item per list) by summed log-probability, best first. */
function bestTuples<T extends { logProbability: number }>(lists: readonly (readonly T[])[], limit: number): T[][] {
  if (lists.length === 0) return [[]];
  if (lists.some((l) => l.length === 0)) return [];
  const heap = new MaxHeap<number[]>();
  const score = (ix: number[]) => ix.reduce((s, i, k) => s + lists[k][i].logProbability, 0);
  const seen = new Set<string>();
  const first = lists.map(() => 0);
  heap.push(first, score(first));
  seen.add(first.join(','));
  const out: T[][] = [];
  while (out.length < limit) {
    const ix = heap.pop();
    if (ix === undefined) break;
    out.push(ix.map((i, k) => lists[k][i]));
    for (let k = 0; k < ix.length; k++) {
      if (ix[k] + 1 >= lists[k].length) continue;
      const next = ix.slice();
      next[k]++;
      const key = next.join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      heap.push(next, score(next));
    }
  }
  return out;
}
