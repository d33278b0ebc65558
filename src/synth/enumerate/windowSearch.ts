/**
 * Depth-first enumeration in probability windows: every program of a grammar up to a size
 * limit, each once, in memory that does not grow with the run.
 *
 * Heap Search yields programs in exact order but keeps every program it built (a program's
 * successor is memoized for all the larger programs that share it). Here the cost axis
 * (-log p) is cut into windows [lo, lo + width); each window is enumerated depth first, with
 * branches cut as soon as the cheapest completion would reach the window's end, and the next
 * window starts at the cheapest completion cut (so no window is empty). Programs therefore
 * come out best first up to one window's width; the search holds one derivation path (at most
 * `maxSize` choices), and a window re-walks the cheap prefixes of the previous ones (the
 * standard price of iterative deepening, small when the number of programs grows
 * geometrically with cost).
 *
 * With a step domain (enumerate/stateSearch.ts), the start symbol's steps form a spine that is
 * evaluated as it is built: each step's state is computed once from its parent's, so a
 * program's evaluation costs only its last step, and prefixes shared by many programs are
 * evaluated once per window. Arguments that are not the continuation (the branches of `func`)
 * are closed programs, enumerated depth first as well and evaluated inside the step.
 */
import type { DomainPrimitive } from '../../dsl/domain.ts';
import { applyDirectly, directPrimitive, FAILED, NOT_DIRECT } from './directStep.ts';
import { runOnState, type EvalBudget } from '../../dsl/evaluate.ts';
import { idx, lam, type Term } from '../../dsl/term.ts';
import { applyProduction, type Grammar, type Production } from '../grammar.ts';
import type { EnumerationProgress } from './heapSearch.ts';
import type { StepDomain } from './stateSearch.ts';

export interface WindowSearchOptions {
  /** Largest program size enumerated (default 12). */
  readonly maxSize?: number;
  readonly maxPrograms?: number;
  /** Wall-clock seconds (the one time-dependent limit). */
  readonly seconds?: number;
  /** Width of a window in nats of -log p (default 1.5). */
  readonly windowWidth?: number;
  /** Budget of each step's and each terminal's evaluation (as in the state search), not of a whole program. */
  readonly evalBudget?: EvalBudget;
  readonly onProgress?: (progress: EnumerationProgress) => void;
  readonly progressEvery?: number;
}

export interface WindowProgram<State> {
  readonly term: Term;
  readonly logProbability: number;
  readonly size: number;
  /**
   * The program's output on the domain's initial state (with a domain); absent when a step or
   * the terminal failed, so the caller's own evaluation reports the failure as for any program.
   */
  readonly state?: State;
}

export class WindowSearchStats {
  /** Windows started. */
  windows = 0;
  /** Steps and terminals evaluated. */
  evaluations = 0;
  /** Evaluations that failed (budget or runtime); the programs after them come without a state. */
  failures = 0;
}

/** A derivation choice on the spine: a step with its closed arguments, and the state after it. */
interface SpineFrame<State> {
  readonly state: State;
  /** -log p and size of the program so far (this frame's step included). */
  readonly cost: number;
  readonly size: number;
  readonly production: Production | null;
  readonly args: readonly Term[];
  /** Next production of the start symbol to try below this frame. */
  next: number;
  /** Argument tuples of the production being tried, when it has closed arguments. */
  tuples: Iterator<ClosedTuple> | null;
}

interface ClosedTuple {
  readonly terms: Term[];
  readonly cost: number;
  readonly size: number;
}

const CONTINUE = lam(idx(0));
const NO_ARGUMENTS: ClosedTuple = { terms: [], cost: 0, size: 0 };
/** Slack on the window bounds, far above float rounding of a sum of log-probabilities. */
const EPSILON = 1e-9;

/** Grammar programs up to `maxSize`, window by window; with a domain, each with its output state. */
export function* searchWindows<State>(
  grammar: Grammar,
  domain: StepDomain<State> | null,
  options: WindowSearchOptions = {},
  stats: WindowSearchStats = new WindowSearchStats(),
): Generator<WindowProgram<State>> {
  const maxSize = options.maxSize ?? 12;
  if (!Number.isInteger(maxSize) || maxSize < 1) throw new RangeError(`maxSize must be a positive integer, got ${maxSize}`);
  const width = options.windowWidth ?? 1.5;
  if (!(width > 0)) throw new RangeError(`windowWidth must be positive, got ${width}`);
  const maxPrograms = options.maxPrograms ?? Infinity;
  const deadline = options.seconds === undefined ? Infinity : performance.now() + options.seconds * 1000;
  const every = options.progressEvery ?? 10_000;
  const started = performance.now();
  const { cost: minCost, size: minSize } = cheapestPrograms(grammar);
  const start = grammar.start;
  if (!Number.isFinite(minCost[start]) || minSize[start] > maxSize) return;
  const productions = grammar.symbols[start].productions;
  // Per production of the start symbol: whether it is a step, and the symbols of its closed arguments.
  const shapes = productions.map((p) => {
    const args = p.argumentSymbols;
    const isStep = domain !== null && p.head !== null && args.length > 0 && args[args.length - 1] === start && domain.isStep(p.head, args.length);
    const closed = isStep ? args.slice(0, -1) : args;
    return {
      isStep,
      closed,
      cost: -p.logProbability + sum(closed.map((a) => minCost[a])) + (isStep ? minCost[start] : 0),
      size: 1 + sum(closed.map((a) => minSize[a])) + (isStep ? minSize[start] : 0),
      direct: domain === null ? null : directPrimitive(p, closed.length, isStep, domain.primitives),
    };
  });

  // Runs a step (with `lam $0` as its continuation) or a terminal on the state.
  const evaluate = (production: Production, args: readonly Term[], isStep: boolean, state: State, direct: DomainPrimitive<unknown> | null): State | typeof FAILED => {
    stats.evaluations++;
    if (direct !== null) {
      const out = applyDirectly(direct, state);
      if (out === FAILED) stats.failures++;
      if (out !== NOT_DIRECT) return out;
    }
    const term = applyProduction(production, isStep ? [...args, CONTINUE] : args);
    const result = runOnState(term, state, domain!.primitives, options.evalBudget);
    if (result.ok) return result.value;
    stats.failures++;
    return FAILED;
  };

  let emitted = 0;
  for (let lo = 0; ; ) {
    const hi = lo + width;
    stats.windows++;
    // The least cost of anything cut by this window's end: where the next window starts, so
    // that no window is empty (with uniform weights most fixed-width windows would be).
    let nextLo = Infinity;
    const cut = (lowerBound: number) => {
      if (lowerBound < nextLo) nextLo = lowerBound;
    };
    const stack: SpineFrame<State | undefined | typeof FAILED>[] = [
      { state: domain?.initialState, cost: 0, size: 0, production: null, args: [], next: 0, tuples: null },
    ];
    let walked = 0;
    while (stack.length > 0) {
      // Re-walking the cheap prefixes of earlier windows yields nothing for a while: check the clock here too.
      if ((++walked & 4095) === 0 && performance.now() >= deadline) return;
      const frame = stack[stack.length - 1];
      const index = frame.next;
      let tuple: ClosedTuple;
      if (frame.tuples === null) {
        if (index >= productions.length) {
          stack.pop();
          continue;
        }
        const shape = shapes[index];
        if (frame.size + shape.size > maxSize) {
          frame.next++;
          continue;
        }
        if (frame.cost + shape.cost >= hi + EPSILON) {
          cut(frame.cost + shape.cost);
          frame.next++;
          continue;
        }
        if (shape.closed.length === 0) {
          tuple = NO_ARGUMENTS;
          frame.next++;
        } else {
          const costBefore = frame.cost - productions[index].logProbability;
          const budget = { hi: hi - (shape.isStep ? minCost[start] : 0), size: maxSize - frame.size - 1 - (shape.isStep ? minSize[start] : 0) };
          frame.tuples = closedTuples(grammar, shape.closed, costBefore, budget, minCost, minSize, (over) => cut(hi + over));
          continue;
        }
      } else {
        const next = frame.tuples.next();
        if (next.done) {
          frame.tuples = null;
          frame.next++;
          continue;
        }
        tuple = next.value;
      }
      const production = productions[index];
      const shape = shapes[index];
      const cost = frame.cost - production.logProbability + tuple.cost;
      const size = frame.size + 1 + tuple.size;
      if (shape.isStep) {
        // After a failed step every completion fails: they are still enumerated, without a state.
        const out = frame.state === FAILED ? FAILED : evaluate(production, tuple.terms, true, frame.state as State, shape.direct);
        stack.push({ state: out, cost, size, production, args: tuple.terms, next: 0, tuples: null });
        continue;
      }
      if (cost < lo) continue;
      if (cost >= hi) {
        cut(cost);
        continue;
      }
      const terminal = applyProduction(production, tuple.terms);
      let state: State | undefined;
      if (domain !== null && frame.state !== FAILED) {
        const out = evaluate(production, tuple.terms, false, frame.state as State, shape.direct);
        if (out !== FAILED) state = out;
      }
      yield new SpineProgram(stack.slice(1), terminal, -cost, size, state);
      emitted++;
      if (emitted >= maxPrograms) return;
      if ((emitted & 255) === 0 && performance.now() >= deadline) return;
      if (options.onProgress && emitted % every === 0) {
        options.onProgress({ programs: emitted, seconds: (performance.now() - started) / 1000, logProbability: -cost });
      }
    }
    if (nextLo === Infinity || performance.now() >= deadline) return;
    // Sums of the same costs in another order may differ in the last bits: the margin keeps a
    // program at the boundary in the window after, never lost between two.
    lo = Math.max(hi, nextLo - EPSILON);
  }
}

/**
 * A program as its spine's steps and its terminal; the term is built when first read (most
 * programs of an exploration are rejected on their state alone).
 */
class SpineProgram<State> implements WindowProgram<State> {
  private built: Term | undefined;
  constructor(
    private readonly steps: readonly SpineFrame<unknown>[],
    private readonly terminal: Term,
    readonly logProbability: number,
    readonly size: number,
    readonly state: State | undefined,
  ) {}

  get term(): Term {
    if (this.built === undefined) {
      let term = this.terminal;
      for (let i = this.steps.length - 1; i >= 0; i--) term = applyProduction(this.steps[i].production!, [...this.steps[i].args, term]);
      this.built = term;
    }
    return this.built;
  }
}

/**
 * Tuples of closed programs, one per symbol, whose total cost added to `costBefore` stays below
 * `budget.hi` (up to EPSILON) and whose total size fits `budget.size`, depth first. A choice cut
 * by the cost bound alone tells `onCut` by how much its cheapest completion passes the bound.
 */
function* closedTuples(
  grammar: Grammar,
  symbols: readonly number[],
  costBefore: number,
  budget: { hi: number; size: number },
  minCost: readonly number[],
  minSize: readonly number[],
  onCut: (overshoot: number) => void,
): Generator<ClosedTuple> {
  if (symbols.length === 0) {
    yield { terms: [], cost: 0, size: 0 };
    return;
  }
  const [first, ...rest] = symbols;
  const restCost = sum(rest.map((s) => minCost[s]));
  const restSize = sum(rest.map((s) => minSize[s]));
  const head = closedPrograms(grammar, first, { hi: budget.hi - costBefore - restCost, size: budget.size - restSize }, minCost, minSize, onCut);
  for (const program of head) {
    const tails = closedTuples(grammar, rest, costBefore + program.cost, { hi: budget.hi, size: budget.size - program.size }, minCost, minSize, onCut);
    for (const tail of tails) yield { terms: [program.term, ...tail.terms], cost: program.cost + tail.cost, size: program.size + tail.size };
  }
}

/** Closed programs of a symbol with cost below `budget.hi` and size within `budget.size`, depth first. */
function* closedPrograms(
  grammar: Grammar,
  symbol: number,
  budget: { hi: number; size: number },
  minCost: readonly number[],
  minSize: readonly number[],
  onCut: (overshoot: number) => void,
): Generator<{ term: Term; cost: number; size: number }> {
  for (const production of grammar.symbols[symbol].productions) {
    const args = production.argumentSymbols;
    if (1 + sum(args.map((a) => minSize[a])) > budget.size) continue;
    const cheapest = -production.logProbability + sum(args.map((a) => minCost[a]));
    if (cheapest >= budget.hi + EPSILON) {
      onCut(cheapest - budget.hi);
      continue;
    }
    const tuples = closedTuples(grammar, args, -production.logProbability, { hi: budget.hi, size: budget.size - 1 }, minCost, minSize, onCut);
    for (const tuple of tuples) {
      yield { term: applyProduction(production, tuple.terms), cost: -production.logProbability + tuple.cost, size: 1 + tuple.size };
    }
  }
}

/** Per symbol, the least cost (-log p) and the least size of any of its programs (Infinity: none). */
function cheapestPrograms(grammar: Grammar): { cost: number[]; size: number[] } {
  const cost = grammar.symbols.map(() => Infinity);
  const size = grammar.symbols.map(() => Infinity);
  for (let changed = true; changed; ) {
    changed = false;
    for (const symbol of grammar.symbols) {
      for (const p of symbol.productions) {
        const c = -p.logProbability + sum(p.argumentSymbols.map((a) => cost[a]));
        const s = 1 + sum(p.argumentSymbols.map((a) => size[a]));
        if (c < cost[symbol.id]) {
          cost[symbol.id] = c;
          changed = true;
        }
        if (s < size[symbol.id]) {
          size[symbol.id] = s;
          changed = true;
        }
      }
    }
  }
  return { cost, size };
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
