/**
 * Program metrics as the original defines them (antireduce `Program.size` / `Program.mass`,
 * recorded by `Exploration` for every program):
 * - size: leaves of the term as written; an invention counts as one leaf;
 * - mass: leaves (primitives and variables) of the beta-normal form with every invention
 *   inlined, i.e. how much base-DSL code the program really is.
 */
import { err, ok, type Result } from './result.ts';
import type { Term } from './term.ts';

export function programSize(term: Term): number {
  switch (term.kind) {
    case 'apply':
      return programSize(term.fn) + programSize(term.arg);
    case 'lambda':
      return programSize(term.body);
    default:
      return 1;
  }
}

export interface MassError {
  readonly kind: 'budget';
  readonly message: string;
}

/**
 * Normalization by evaluation: terms are evaluated into values (closures or stuck
 * applications); reading a value back gives the beta-normal form, whose leaves we count.
 */
type NormalValue = NormalClosure | Stuck;

class NormalClosure {
  constructor(
    readonly body: Term,
    readonly env: Scope | null,
  ) {}
}

/** A head that cannot reduce (primitive, free variable at a binder level, parameter) and its arguments. */
class Stuck {
  constructor(
    readonly head: string,
    readonly args: readonly NormalValue[],
  ) {}
}

interface Scope {
  readonly value: NormalValue;
  readonly outer: Scope | null;
}

class OutOfBudget {
  constructor(readonly limit: 'steps' | 'depth') {}
}

const MAX_NORMALIZE_DEPTH = 2_000;

class Normalizer {
  private steps = 0;
  private depth = 0;
  constructor(private readonly maxSteps: number) {}

  private tick(): void {
    if (++this.steps > this.maxSteps) throw new OutOfBudget('steps');
  }

  evaluate(term: Term, env: Scope | null): NormalValue {
    // Bounded recursion: a term without normal form must end in a budget error, not a stack overflow.
    if (++this.depth > MAX_NORMALIZE_DEPTH) throw new OutOfBudget('depth');
    const value = this.evaluateInner(term, env);
    this.depth--;
    return value;
  }

  private evaluateInner(term: Term, env: Scope | null): NormalValue {
    this.tick();
    switch (term.kind) {
      case 'apply':
        return this.apply(this.evaluate(term.fn, env), this.evaluate(term.arg, env));
      case 'lambda':
        return new NormalClosure(term.body, env);
      case 'index': {
        let e = env;
        for (let i = term.index; i > 0 && e !== null; i--) e = e.outer;
        // A free variable of the whole term stays a leaf.
        return e === null ? new Stuck(`$free${term.index}`, []) : e.value;
      }
      case 'primitive':
        return new Stuck(term.name, []);
      case 'param':
        return new Stuck(`#${term.index}`, []);
      case 'invention':
        return this.evaluate(term.body, null);
    }
  }

  apply(fn: NormalValue, arg: NormalValue): NormalValue {
    this.tick();
    if (fn instanceof NormalClosure) return this.evaluate(fn.body, { value: arg, outer: fn.env });
    return new Stuck(fn.head, [...fn.args, arg]);
  }

  /** The normal form of `value` under `depth` binders, as a term; null on a free variable or parameter. */
  readBack(value: NormalValue, depth: number): Term | null {
    this.tick();
    if (depth > MAX_NORMALIZE_DEPTH) throw new OutOfBudget('depth');
    if (value instanceof NormalClosure) {
      const body = this.readBack(this.apply(value, new Stuck(`$level${depth}`, [])), depth + 1);
      return body === null ? null : { kind: 'lambda', body };
    }
    let head: Term;
    if (value.head.startsWith('$level')) head = { kind: 'index', index: depth - 1 - Number(value.head.slice(6)) };
    else if (value.head.startsWith('$free') || value.head.startsWith('#')) return null;
    else head = { kind: 'primitive', name: value.head };
    for (const a of value.args) {
      const arg = this.readBack(a, depth);
      if (arg === null) return null;
      head = { kind: 'apply', fn: head, arg };
    }
    return head;
  }

  /** Leaves of the normal form of `value`, under `depth` binders. */
  leaves(value: NormalValue, depth: number): number {
    this.tick();
    if (depth > MAX_NORMALIZE_DEPTH) throw new OutOfBudget('depth');
    if (value instanceof NormalClosure) {
      return this.leaves(this.apply(value, new Stuck(`$level${depth}`, [])), depth + 1);
    }
    let count = 1;
    for (const a of value.args) count += this.leaves(a, depth);
    return count;
  }
}

/**
 * The beta-normal form of a closed term with every invention inlined, or null when it has none
 * within `maxSteps` (or mentions a free variable or parameter).
 */
export function normalForm(term: Term, maxSteps: number = DEFAULT_MASS_STEPS): Term | null {
  const normalizer = new Normalizer(maxSteps);
  try {
    return normalizer.readBack(normalizer.evaluate(term, null), 0);
  } catch (e) {
    if (e instanceof OutOfBudget || (e instanceof RangeError && /call stack/i.test(e.message))) return null;
    throw e;
  }
}

export const DEFAULT_MASS_STEPS = 1_000_000;

export function programMass(term: Term, maxSteps: number = DEFAULT_MASS_STEPS): Result<number, MassError> {
  const normalizer = new Normalizer(maxSteps);
  try {
    return ok(normalizer.leaves(normalizer.evaluate(term, null), 0));
  } catch (e) {
    if (e instanceof OutOfBudget) {
      const what = e.limit === 'steps' ? `${maxSteps} steps` : `nesting depth ${MAX_NORMALIZE_DEPTH}`;
      return err({ kind: 'budget', message: `normalizing for mass ran past ${what}` });
    }
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      return err({ kind: 'budget', message: 'normalizing for mass nested deeper than the JS stack allows' });
    }
    throw e;
  }
}
