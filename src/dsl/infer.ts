/**
 * Hindley-Milner style type inference over the program language: unification with a
 * substitution, fresh variables, occurs check, and instantiation of polymorphic primitive
 * types (every variable in a primitive's declared type is universally quantified).
 * Lambdas get fresh variables; an invention is typed by its body, which must agree with
 * the invention's declared type when the environment gives one.
 */
import { DslTypeError } from './errors.ts';
import { printProgram } from './print.ts';
import { err, ok, type Result } from './result.ts';
import type { Term } from './term.ts';
import { arrow, isArrow, tcon, tvar, type Type } from './types.ts';

/** What inference knows about names: the (declared) type of each primitive and invention. */
export interface TypeEnv {
  readonly names: ReadonlyMap<string, Type>;
  /** Types of the `#i` parameters when typing an abstraction body; fresh variables otherwise. */
  readonly params?: readonly Type[];
  readonly stateType?: Type;
}

type UnifyOutcome = 'ok' | 'mismatch' | 'occurs';

/** A substitution of type variables, grown by unification; variables are numbered from 0. */
export class TypeUnifier {
  private readonly bindings = new Map<number, Type>();
  private nextId = 0;

  fresh(): Type {
    return tvar(this.nextId++);
  }

  /** A copy of `t` with each of its variables replaced by a fresh one (consistently). */
  instantiate(t: Type, renaming = new Map<number, Type>()): Type {
    if (t.kind === 'variable') {
      let v = renaming.get(t.id);
      if (!v) {
        v = this.fresh();
        renaming.set(t.id, v);
      }
      return v;
    }
    return t.params.length === 0 ? t : tcon(t.name, t.params.map((p) => this.instantiate(p, renaming)));
  }

  /** Follows variable bindings at the top of `t` only. */
  private shallow(t: Type): Type {
    while (t.kind === 'variable') {
      const bound = this.bindings.get(t.id);
      if (!bound) return t;
      t = bound;
    }
    return t;
  }

  /** `t` with the substitution applied everywhere. */
  apply(t: Type): Type {
    const s = this.shallow(t);
    if (s.kind === 'variable' || s.params.length === 0) return s;
    return tcon(s.name, s.params.map((p) => this.apply(p)));
  }

  private occurs(id: number, t: Type): boolean {
    const s = this.shallow(t);
    if (s.kind === 'variable') return s.id === id;
    return s.params.some((p) => this.occurs(id, p));
  }

  unify(a: Type, b: Type): UnifyOutcome {
    const x = this.shallow(a);
    const y = this.shallow(b);
    if (x.kind === 'variable') {
      if (y.kind === 'variable' && y.id === x.id) return 'ok';
      if (this.occurs(x.id, y)) return 'occurs';
      this.bindings.set(x.id, y);
      return 'ok';
    }
    if (y.kind === 'variable') return this.unify(y, x);
    if (x.name !== y.name || x.params.length !== y.params.length) return 'mismatch';
    for (let i = 0; i < x.params.length; i++) {
      const outcome = this.unify(x.params[i], y.params[i]);
      if (outcome !== 'ok') return outcome;
    }
    return 'ok';
  }
}

/** `t` with its variables renumbered 0, 1, ... in order of first appearance. */
export function canonicalType(t: Type): Type {
  const renaming = new Map<number, number>();
  const go = (u: Type): Type => {
    if (u.kind === 'variable') {
      let id = renaming.get(u.id);
      if (id === undefined) {
        id = renaming.size;
        renaming.set(u.id, id);
      }
      return tvar(id);
    }
    return u.params.length === 0 ? u : tcon(u.name, u.params.map(go));
  };
  return go(t);
}

/** Thrown inside the walk and turned into a Result at the boundary (never escapes). */
class TypeFailure {
  constructor(readonly error: DslTypeError) {}
}

/** Longest subterm quoted in a type error. */
const SHOWN_SUBTERM_LENGTH = 200;

/** Subterms are shown in stitch form (inventions by name keep messages short), long ones cut. */
const show = (t: Term) => {
  const text = printProgram(t, { form: 'stitch' });
  return text.length <= SHOWN_SUBTERM_LENGTH ? text : `${text.slice(0, SHOWN_SUBTERM_LENGTH)}...`;
};

class Inference {
  readonly unifier = new TypeUnifier();
  private readonly params = new Map<number, Type>();
  /** Principal type of each invention body already typed (bodies repeat a lot). */
  private readonly inventionTypes = new Map<Term, Type>();

  constructor(private readonly env: TypeEnv) {}

  fail(reason: DslTypeError['reason'], term: Term, expected?: Type, actual?: Type, detail?: string): never {
    let shown: readonly Type[] = [];
    if (expected && actual) {
      // Both types under one numbering of their variables, so t0 means the same in each.
      const both = canonicalType(arrow(this.unifier.apply(expected), this.unifier.apply(actual)));
      if (isArrow(both)) shown = both.params;
    }
    throw new TypeFailure(new DslTypeError(reason, show(term), shown[0], shown[1], detail));
  }

  /** Type of `term` under the de Bruijn context (index 0 = innermost lambda). */
  infer(term: Term, context: readonly Type[]): Type {
    switch (term.kind) {
      case 'index': {
        const t = context[term.index];
        if (!t) {
          this.fail('unbound-index', term, undefined, undefined,
            `$${term.index} refers past the ${context.length} enclosing lambda${context.length === 1 ? '' : 's'}`);
        }
        return t;
      }
      case 'param': {
        let t = this.params.get(term.index);
        if (!t) {
          const given = this.env.params?.[term.index];
          t = given ? this.unifier.instantiate(given) : this.unifier.fresh();
          this.params.set(term.index, t);
        }
        return t;
      }
      case 'primitive': {
        const declared = this.env.names.get(term.name);
        if (!declared) this.fail('unknown-name', term, undefined, undefined, `no type for primitive "${term.name}"`);
        return this.unifier.instantiate(declared);
      }
      case 'invention':
        return this.unifier.instantiate(this.inventionType(term));
      case 'lambda': {
        const argument = this.unifier.fresh();
        const body = this.infer(term.body, [argument, ...context]);
        return arrow(argument, body);
      }
      case 'apply': {
        const fn = this.infer(term.fn, context);
        const arg = this.infer(term.arg, context);
        const fnNow = this.unifier.apply(fn);
        if (isArrow(fnNow)) {
          const outcome = this.unifier.unify(fnNow.params[0], arg);
          if (outcome !== 'ok') this.fail(outcome, term.arg, fnNow.params[0], arg);
          return fnNow.params[1];
        }
        const result = this.unifier.fresh();
        const outcome = this.unifier.unify(fnNow, arrow(arg, result));
        if (outcome !== 'ok') this.fail(outcome, term.fn, arrow(arg, result), fnNow, 'it is applied to an argument but is not a function');
        return result;
      }
    }
  }

  /** Principal type of an invention's closed body, checked against its declared type. */
  private inventionType(term: Term & { kind: 'invention' }): Type {
    let principal = this.inventionTypes.get(term.body);
    if (!principal) {
      const inner = new Inference(this.env);
      principal = canonicalType(inner.unifier.apply(inner.infer(term.body, [])));
      this.inventionTypes.set(term.body, principal);
    }
    const declared = this.env.names.get(term.name);
    if (declared) {
      const check = new TypeUnifier();
      const outcome = check.unify(check.instantiate(declared), check.instantiate(principal));
      if (outcome !== 'ok') {
        // Not through fail(): these types live outside this inference's substitution.
        const detail = `the body of invention "${term.name}" disagrees with its declared type`;
        throw new TypeFailure(new DslTypeError('declared-type', show(term), canonicalType(declared), principal, detail));
      }
    }
    return principal;
  }
}

function run<T>(body: () => T): Result<T, DslTypeError> {
  try {
    return ok(body());
  } catch (e) {
    if (e instanceof TypeFailure) return err(e.error);
    throw e;
  }
}

/** The principal type of `term` (variables numbered from 0). */
export function inferType(term: Term, env: TypeEnv): Result<Type, DslTypeError> {
  return run(() => {
    const inference = new Inference(env);
    return canonicalType(inference.unifier.apply(inference.infer(term, [])));
  });
}

/** The type of `term` when used at `requested` (e.g. `S -> S` for a program), or why it cannot be. */
export function checkType(term: Term, requested: Type, env: TypeEnv): Result<Type, DslTypeError> {
  return run(() => {
    const inference = new Inference(env);
    const want = inference.unifier.instantiate(requested);
    const got = inference.infer(term, []);
    const outcome = inference.unifier.unify(want, got);
    if (outcome !== 'ok') inference.fail(outcome, term, want, got);
    return canonicalType(inference.unifier.apply(got));
  });
}

/**
 * The type of a new invention: the principal type of its body, or `declared` when given and
 * the two agree (unify).
 */
export function inferInventionType(name: string, body: Term, env: TypeEnv, declared?: Type): Result<Type, DslTypeError> {
  const inferred = inferType(body, env);
  if (!inferred.ok || !declared) return inferred;
  const check = new TypeUnifier();
  if (check.unify(check.instantiate(declared), check.instantiate(inferred.value)) !== 'ok') {
    return err(new DslTypeError('declared-type', name, canonicalType(declared), inferred.value,
      `the body of invention "${name}" disagrees with its declared type`));
  }
  return ok(declared);
}
