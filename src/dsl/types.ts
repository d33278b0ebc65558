/**
 * Types of the DSL: constructors (with parameters), arrows and type variables.
 * An arrow is the constructor `->` with two parameters, so unification treats it
 * like any other constructor.
 */
export type Type = TypeConstructor | TypeVariable;

export interface TypeConstructor {
  readonly kind: 'constructor';
  readonly name: string;
  readonly params: readonly Type[];
}
export interface TypeVariable {
  readonly kind: 'variable';
  readonly id: number;
}

export const ARROW = '->';

export const tcon = (name: string, params: readonly Type[] = []): TypeConstructor => ({
  kind: 'constructor',
  name,
  params,
});
export const tvar = (id: number): TypeVariable => ({ kind: 'variable', id });
export const arrow = (from: Type, to: Type): TypeConstructor => tcon(ARROW, [from, to]);

/** `a -> b -> c` from `[a, b]` and `c`. */
export function arrows(args: readonly Type[], result: Type): Type {
  return args.reduceRight<Type>((acc, a) => arrow(a, acc), result);
}

export function isArrow(t: Type): t is TypeConstructor & { params: readonly [Type, Type] } {
  return t.kind === 'constructor' && t.name === ARROW;
}

/** Argument types of a curried function type: `a -> b -> c` gives `[a, b]`. */
export function argumentTypes(t: Type): Type[] {
  const out: Type[] = [];
  while (isArrow(t)) {
    out.push(t.params[0]);
    t = t.params[1];
  }
  return out;
}

/** Final result type of a curried function type: `a -> b -> c` gives `c`. */
export function resultType(t: Type): Type {
  while (isArrow(t)) t = t.params[1];
  return t;
}

export function typeEquals(a: Type, b: Type): boolean {
  if (a.kind === 'variable') return b.kind === 'variable' && a.id === b.id;
  return (
    b.kind === 'constructor' &&
    a.name === b.name &&
    a.params.length === b.params.length &&
    a.params.every((p, i) => typeEquals(p, b.params[i]))
  );
}

/** Readable form: `(S -> S) -> S -> S`, variables as `t0`, `t1`, ... */
export function showType(t: Type): string {
  if (t.kind === 'variable') return `t${t.id}`;
  if (isArrow(t)) {
    const [from, to] = t.params;
    const left = isArrow(from) ? `(${showType(from)})` : showType(from);
    return `${left} -> ${showType(to)}`;
  }
  if (t.params.length === 0) return t.name;
  return `${t.name}(${t.params.map(showType).join(', ')})`;
}
