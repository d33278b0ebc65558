/**
 * Learned abstractions as typed inventions of a DSL: each abstraction's DreamCoder-form body
 * is typed by inference over the DSL's primitive (and earlier invention) types, so the
 * enumerator can use it like any other entry.
 */
import { withInventions, type Dsl } from '../../dsl/dsl.ts';
import type { DslTypeError } from '../../dsl/errors.ts';
import type { Result } from '../../dsl/result.ts';
import { tcon, type Type } from '../../dsl/types.ts';
import { abstractionToInvention } from './learn.ts';
import type { AbstractionBody } from './inline.ts';

/**
 * The DSL with `abstractions` added in order (each may use the ones before it and those in
 * `earlier`, which must already be inventions of `dsl`), or the first that does not type.
 * A polymorphic type is grounded with the state type for every variable: any instance of an
 * inferred type is a type of the body, and the grammar needs ground types.
 */
export function withAbstractions(
  dsl: Dsl,
  abstractions: readonly AbstractionBody[],
  earlier: readonly AbstractionBody[] = [],
): Result<Dsl, DslTypeError> {
  const seen: AbstractionBody[] = [...earlier];
  let current = dsl;
  for (const a of abstractions) {
    const inv = abstractionToInvention(a, seen);
    seen.push(a);
    const typed = withInventions(current, [{ name: inv.name, body: inv.body }]);
    if (!typed.ok) return typed;
    const type = typed.value.inventions.get(inv.name)!.type;
    current = hasVariable(type) ? (() => {
      const grounded = withInventions(current, [{ name: inv.name, body: inv.body, type: ground(type, dsl.stateType) }]);
      if (!grounded.ok) throw new Error(`an instance of ${inv.name}'s inferred type did not check: ${grounded.error.message}`);
      return grounded.value;
    })() : typed.value;
  }
  return { ok: true, value: current };
}

function hasVariable(t: Type): boolean {
  return t.kind === 'variable' || t.params.some(hasVariable);
}

function ground(t: Type, state: Type): Type {
  return t.kind === 'variable' ? state : tcon(t.name, t.params.map((p) => ground(p, state)));
}
