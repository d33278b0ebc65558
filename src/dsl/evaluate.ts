/**
 * The evaluator: runs a program term (a CPS transformer `S -> S`) on the domain's initial
 * state, call-by-value like the original. It is an abstract machine with an explicit
 * continuation stack, so continuation chains of any length use constant JS stack; only
 * sub-programs run by branching primitives (`func`, `if_positions_equal`) nest, and that
 * nesting is bounded. Every machine step counts against a step budget and a wall-clock budget,
 * so a program that would run for ever (or exponentially long) ends in a budget error.
 */
import { DomainFailure as ImportedDomainFailure, TailCall as ImportedTailCall, type DomainPrimitive, type ProgramFunction, type RunFunction } from './domain.ts';
import { graphPrimitives, initialState, toProgramGraph, DEFAULT_MAX_CONN, type GraphState } from './domains/graph.ts';
import type { ProgramGraph } from './graph.ts';
import { err, ok, type Result } from './result.ts';
import type { Term } from './term.ts';

// Module-local bindings: under tsx an imported binding is read through a getter on every use,
// and these two are checked once per primitive call.
const TailCall = ImportedTailCall;
const DomainFailure = ImportedDomainFailure;

export interface EvalBudget {
  /** Machine steps (each evaluation, application or return is one). */
  readonly maxSteps: number;
  /** Wall-clock milliseconds. */
  readonly maxMillis: number;
  /** Nested sub-program runs (inside `func` / `if_positions_equal`). */
  readonly maxDepth: number;
}

export const DEFAULT_BUDGET: EvalBudget = { maxSteps: 1_000_000, maxMillis: 1_000, maxDepth: 1_000 };

export type EvalError =
  | { readonly kind: 'budget'; readonly limit: 'steps' | 'time' | 'depth'; readonly message: string }
  | { readonly kind: 'runtime'; readonly message: string };

/** A closure: a lambda body with the values of its free variables. */
class Closure implements ProgramFunction {
  declare readonly __programFunction: true;
  constructor(
    readonly body: Term,
    readonly env: Env | null,
  ) {}
}

/** A primitive applied to fewer arguments than it takes. */
class PartialApplication implements ProgramFunction {
  declare readonly __programFunction: true;
  constructor(
    readonly name: string,
    readonly primitive: DomainPrimitive<unknown>,
    readonly args: readonly Value[],
  ) {}
}

type Value = Closure | PartialApplication | unknown;

interface Env {
  readonly value: Value;
  readonly outer: Env | null;
}

/**
 * Continuation frames live in one flat array, three slots each (tag, a, b), so a step
 * allocates nothing for its frame:
 * - EVAL_ARGUMENT (term, env): evaluate the argument next, then apply the function returned;
 * - APPLY_FUNCTION (fn): apply `fn` to the value returned;
 * - APPLY_TO (arg): apply the function returned to `arg`.
 */
const EVAL_ARGUMENT = 0;
const APPLY_FUNCTION = 1;
const APPLY_TO = 2;

/** Thrown inside the machine, caught at its entry: expected failures of a program. */
class Abort {
  constructor(readonly error: EvalError) {}
}

const isFunction = (v: Value): v is Closure | PartialApplication => v instanceof Closure || v instanceof PartialApplication;

const EVAL = 0;
const APPLY = 1;
const RETURN = 2;

/** A primitive's value (no arguments yet) is immutable: share them across evaluations per table. */
const primitiveValueCache = new WeakMap<object, Map<string, PartialApplication>>();

/** One evaluation at a time: budgets, counters and the primitives' values; reset and reused between evaluations. */
class Machine {
  private steps = 0;
  private depth = 0;
  private deadline = 0;
  private primitives: Readonly<Record<string, DomainPrimitive<unknown>>>;
  private budget: EvalBudget;
  private primitiveValues: Map<string, PartialApplication>;
  private nestedRunner: RunFunction<unknown> | undefined;
  /** Frame stacks by nesting depth, kept across evaluations (they only grow). */
  private readonly stacks: unknown[][] = [];
  /** Whether an evaluation is under way (a primitive that evaluates a program gets a fresh machine). */
  busy = false;

  /** Runs a sub-program for a branching primitive; made on first use, most programs never branch. */
  private get runNested(): RunFunction<unknown> {
    return (this.nestedRunner ??= (fn, state) => {
      const result = this.run(null, null, fn, state);
      if (isFunction(result)) throw this.runtime('a sub-program returned a function where a state was expected');
      return result;
    });
  }

  constructor(primitives: Readonly<Record<string, DomainPrimitive<unknown>>>, budget: EvalBudget) {
    this.primitives = primitives;
    this.budget = budget;
    this.primitiveValues = primitiveValuesOf(primitives);
  }

  /** Prepares a new evaluation with these primitives and budget. */
  reset(primitives: Readonly<Record<string, DomainPrimitive<unknown>>>, budget: EvalBudget): void {
    if (primitives !== this.primitives) {
      this.primitives = primitives;
      this.primitiveValues = primitiveValuesOf(primitives);
    }
    this.budget = budget;
    this.steps = 0;
    this.depth = 0;
    this.deadline = performance.now() + budget.maxMillis;
  }

  /** Evaluates `term` to a value and applies it to `state`. */
  runProgram(term: Term, state: unknown): unknown {
    return this.run(term, state, undefined, undefined);
  }

  private runtime(message: string): Abort {
    return new Abort({ kind: 'runtime', message });
  }

  private primitiveValue(name: string): PartialApplication {
    const value = this.primitiveValues.get(name);
    return value === undefined ? this.firstPrimitiveValue(name) : value;
  }

  private firstPrimitiveValue(name: string): PartialApplication {
    let value = this.primitiveValues.get(name);
    if (value === undefined) {
      const primitive = Object.hasOwn(this.primitives, name) ? this.primitives[name] : undefined;
      if (primitive === undefined) throw this.runtime(`unknown primitive "${name}"`);
      value = new PartialApplication(name, primitive, []);
      this.primitiveValues.set(name, value);
    }
    return value;
  }

  /**
   * The machine loop. Starts by evaluating `term` and applying the result to `applyTo` when a
   * term is given, else by applying `fn` to `arg`.
   */
  private run(term: Term | null, applyTo: Value, fn: Value, arg: Value): Value {
    if (++this.depth > this.budget.maxDepth) {
      throw new Abort({
        kind: 'budget',
        limit: 'depth',
        message: `sub-programs nested deeper than ${this.budget.maxDepth} levels`,
      });
    }
    // The frame stack only grows; `sp` marks its top (shrinking `length` is slow in V8).
    const stack = (this.stacks[this.depth] ??= []);
    let sp = 0;
    if (term !== null) {
      stack[0] = APPLY_TO;
      stack[1] = applyTo;
      stack[2] = undefined;
      sp = 3;
    }
    let mode = term === null ? APPLY : EVAL;
    let env: Env | null = null;
    let value: Value = undefined;
    let t = term as Term;
    // Steps are counted in a local and handed back to `this.steps` around nested runs.
    let steps = this.steps;
    const maxSteps = this.budget.maxSteps;
    for (;;) {
      if (++steps > maxSteps) {
        throw new Abort({ kind: 'budget', limit: 'steps', message: `ran past ${maxSteps} evaluation steps` });
      }
      if ((steps & 1023) === 0 && performance.now() > this.deadline) {
        throw new Abort({ kind: 'budget', limit: 'time', message: `ran past ${this.budget.maxMillis} ms` });
      }
      if (mode === EVAL) {
        switch (t.kind) {
          case 'apply':
            if (t.fn.kind === 'primitive') {
              // A primitive head is already a value: go straight to the argument.
              stack[sp] = APPLY_FUNCTION;
              stack[sp + 1] = this.primitiveValue(t.fn.name);
              sp += 3;
              t = t.arg;
            } else {
              stack[sp] = EVAL_ARGUMENT;
              stack[sp + 1] = t.arg;
              stack[sp + 2] = env;
              sp += 3;
              t = t.fn;
            }
            continue;
          case 'lambda':
            value = new Closure(t.body, env);
            break;
          case 'index': {
            let e = env;
            for (let i = t.index; i > 0 && e !== null; i--) e = e.outer;
            if (e === null) throw this.runtime(`unbound variable $${t.index}`);
            value = e.value;
            break;
          }
          case 'primitive':
            value = this.primitiveValue(t.name);
            break;
          case 'invention':
            // Inventions are closed terms: their body runs in the empty environment.
            t = t.body;
            env = null;
            continue;
          case 'param':
            throw this.runtime(`abstraction parameter #${t.index} outside an abstraction body`);
        }
        mode = RETURN;
      } else if (mode === RETURN) {
        const top = sp - 3;
        if (top < 0) {
          this.depth--;
          this.steps = steps;
          return value;
        }
        const tag = stack[top];
        const a = stack[top + 1];
        if (tag === EVAL_ARGUMENT) {
          t = a as Term;
          env = stack[top + 2] as Env | null;
          stack[top] = APPLY_FUNCTION;
          stack[top + 1] = value;
          stack[top + 2] = undefined;
          mode = EVAL;
        } else {
          sp = top;
          stack[top + 1] = undefined;
          if (tag === APPLY_FUNCTION) {
            fn = a;
            arg = value;
          } else {
            fn = value;
            arg = a;
          }
          mode = APPLY;
        }
      } else if (fn instanceof Closure) {
        t = fn.body;
        env = { value: arg, outer: fn.env };
        mode = EVAL;
      } else if (fn instanceof PartialApplication) {
        const { primitive } = fn;
        if (fn.args.length < primitive.arity) {
          if (!isFunction(arg)) throw this.runtime(`${fn.name} expects a function as argument ${fn.args.length + 1}, got a state`);
          value = new PartialApplication(fn.name, primitive, [...fn.args, arg]);
          mode = RETURN;
          continue;
        }
        if (isFunction(arg)) throw this.runtime(`${fn.name} expects a state as its last argument, got a function`);
        let out: unknown;
        this.steps = steps;
        try {
          out = primitive.implementation(fn.args as ProgramFunction[], arg, this.runNested);
        } catch (e) {
          if (e instanceof DomainFailure) throw this.runtime(e.message);
          throw e;
        }
        steps = this.steps;
        if (out instanceof TailCall) {
          fn = out.fn;
          arg = out.state;
        } else {
          value = out;
          mode = RETURN;
        }
      } else {
        throw this.runtime('a state was applied as a function');
      }
    }
  }
}

function primitiveValuesOf(primitives: object): Map<string, PartialApplication> {
  let values = primitiveValueCache.get(primitives);
  if (values === undefined) primitiveValueCache.set(primitives, (values = new Map()));
  return values;
}

const sharedMachine = new Machine(graphPrimitives as Readonly<Record<string, DomainPrimitive<unknown>>>, DEFAULT_BUDGET);

/**
 * Runs `term` on `state` with the given primitives table. The generic entry point: any
 * domain whose primitives follow src/dsl/domain.ts can be evaluated here.
 */
export function runOnState<State>(
  term: Term,
  state: State,
  primitives: Readonly<Record<string, DomainPrimitive<State>>>,
  budget: EvalBudget = DEFAULT_BUDGET,
): Result<State, EvalError> {
  const table = primitives as Readonly<Record<string, DomainPrimitive<unknown>>>;
  // One machine serves every evaluation in turn; only a nested evaluation needs its own.
  const reuse = !sharedMachine.busy;
  const machine = reuse ? sharedMachine : new Machine(table, budget);
  machine.reset(table, budget);
  machine.busy = true;
  try {
    const result = machine.runProgram(term, state);
    if (isFunction(result)) return err({ kind: 'runtime', message: 'the program returned a function, not a state' });
    return ok(result as State);
  } catch (e) {
    if (e instanceof Abort) return err(e.error);
    // A depth budget set beyond what the JS stack holds still ends as a budget error.
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      return err({
        kind: 'budget',
        limit: 'depth',
        message: `sub-programs nested deeper than the JS stack allows (maxDepth ${budget.maxDepth} is too high for it)`,
      });
    }
    throw e;
  } finally {
    if (reuse) machine.busy = false;
  }
}

export interface GraphEvalOptions {
  readonly maxConn?: number;
  readonly budget?: Partial<EvalBudget>;
}

/** Runs a graph program on the initial state and returns its final state. */
export function evaluateGraphState(term: Term, options: GraphEvalOptions = {}): Result<GraphState, EvalError> {
  return runOnState(term, initialGraphState(options.maxConn ?? DEFAULT_MAX_CONN), graphPrimitives, fullBudget(options.budget));
}

// States are immutable, so the initial state per `maxConn` is built once.
const initialStates = new Map<number, GraphState>();
const initialGraphState = (maxConn: number): GraphState => {
  let state = initialStates.get(maxConn);
  if (state === undefined) initialStates.set(maxConn, (state = initialState(maxConn)));
  return state;
};

// Callers pass the same partial budget for every program of a search: complete it once.
const completedBudgets = new WeakMap<Partial<EvalBudget>, EvalBudget>();
const fullBudget = (partial: Partial<EvalBudget> | undefined): EvalBudget => {
  if (partial === undefined) return DEFAULT_BUDGET;
  let budget = completedBudgets.get(partial);
  if (budget === undefined) completedBudgets.set(partial, (budget = { ...DEFAULT_BUDGET, ...partial }));
  return budget;
};

/** Runs a graph program (type `S -> S`) on the initial state and returns the graph it built. */
export function evaluate(term: Term, options: GraphEvalOptions = {}): Result<ProgramGraph, EvalError> {
  const result = evaluateGraphState(term, options);
  return result.ok ? ok(toProgramGraph(result.value.graph)) : result;
}
