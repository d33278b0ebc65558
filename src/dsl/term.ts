/**
 * Program terms: simply-typed lambda calculus with de Bruijn indices.
 *
 * - `primitive`: a named base operation of the DSL (`add`, `connect`, ...).
 * - `invention`: a learned abstraction, carried with its body so that a term is
 *   self-contained (the original's combined form writes it inline as `{fn_k}(body)`).
 * - `apply`, `lambda`: application and abstraction.
 * - `index`: a de Bruijn variable `$i` (0 = innermost enclosing lambda).
 * - `param`: an abstraction parameter `#i`, only inside the body of an abstraction
 *   being learned or printed in Stitch form.
 *
 * Terms are plain immutable data; build them with the constructors below.
 */
export type Term = Primitive | Invention | Apply | Lambda | Index | Param;

export interface Primitive {
  readonly kind: 'primitive';
  readonly name: string;
}
export interface Invention {
  readonly kind: 'invention';
  readonly name: string;
  readonly body: Term;
}
export interface Apply {
  readonly kind: 'apply';
  readonly fn: Term;
  readonly arg: Term;
}
export interface Lambda {
  readonly kind: 'lambda';
  readonly body: Term;
}
export interface Index {
  readonly kind: 'index';
  readonly index: number;
}
export interface Param {
  readonly kind: 'param';
  readonly index: number;
}

export const prim = (name: string): Primitive => ({ kind: 'primitive', name });
export const invention = (name: string, body: Term): Invention => ({ kind: 'invention', name, body });
export const app = (fn: Term, arg: Term): Apply => ({ kind: 'apply', fn, arg });
export const lam = (body: Term): Lambda => ({ kind: 'lambda', body });
export const idx = (index: number): Index => ({ kind: 'index', index });
export const param = (index: number): Param => ({ kind: 'param', index });

/** `f a b c` as nested applications `(((f a) b) c)`. */
export function apps(fn: Term, ...args: Term[]): Term {
  return args.reduce<Term>((acc, a) => app(acc, a), fn);
}

/** Splits `(((f a) b) c)` into `f` and `[a, b, c]`. */
export function unApply(term: Term): { head: Term; args: Term[] } {
  const args: Term[] = [];
  let head = term;
  while (head.kind === 'apply') {
    args.push(head.arg);
    head = head.fn;
  }
  return { head, args: args.reverse() };
}

/** Structural equality; inventions are equal when their names and bodies are. */
export function termEquals(a: Term, b: Term): boolean {
  if (a === b) return true;
  switch (a.kind) {
    case 'primitive':
      return b.kind === 'primitive' && a.name === b.name;
    case 'invention':
      return b.kind === 'invention' && a.name === b.name && termEquals(a.body, b.body);
    case 'apply':
      return b.kind === 'apply' && termEquals(a.fn, b.fn) && termEquals(a.arg, b.arg);
    case 'lambda':
      return b.kind === 'lambda' && termEquals(a.body, b.body);
    case 'index':
      return b.kind === 'index' && a.index === b.index;
    case 'param':
      return b.kind === 'param' && a.index === b.index;
  }
}

/** Depths of invention bodies already measured (bodies are shared by every use of an invention). */
const bodyDepths = new WeakMap<Term, number>();

/**
 * Depth of a term, counting each argument of an application and each invention body as one
 * level (`(f a b)` is `((f a) b)`: two deep). Measured without recursion, so any term can be
 * measured; the parser refuses terms deeper than MAX_TERM_DEPTH (parse.ts).
 */
export function termDepth(term: Term): number {
  const known = bodyDepths.get(term);
  if (known !== undefined) return known;
  let deepest = 0;
  const stack: [Term, number][] = [[term, 1]];
  while (stack.length > 0) {
    const [t, depth] = stack.pop()!;
    if (t.kind === 'invention') {
      let body = bodyDepths.get(t.body);
      if (body === undefined) {
        body = termDepth(t.body);
        bodyDepths.set(t.body, body);
      }
      deepest = Math.max(deepest, depth + body);
    } else if (t.kind === 'apply') stack.push([t.fn, depth + 1], [t.arg, depth + 1]);
    else if (t.kind === 'lambda') stack.push([t.body, depth + 1]);
    else deepest = Math.max(deepest, depth);
  }
  return deepest;
}
