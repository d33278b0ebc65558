/**
 * Learned abstractions as typed inventions of a DSL: each abstraction's DreamCoder-form body
 * is typed by inference over the DSL's primitive (and earlier invention) types, so the
 * enumerator can use it like any other entry.
 */
import { withInventions, type Dsl } from '../dsl/dsl.ts';
import type { DslTypeError } from '../dsl/errors.ts';
import type { Result } from '../dsl/result.ts';
import { abstractionToInvention } from './compress.ts';
import type { AbstractionBody } from './compressInline.ts';

/**
 * The DSL with `abstractions` added in order (each may use the ones before it and those in
 * `earlier`, which must already be inventions of `dsl`), or the first that does not type.
 */
export function withAbstractions(
  dsl: Dsl,
  abstractions: readonly AbstractionBody[],
  earlier: readonly AbstractionBody[] = [],
): Result<Dsl, DslTypeError> {
  const seen: AbstractionBody[] = [...earlier];
  const added = abstractions.map((a) => {
    const inv = abstractionToInvention(a, seen);
    seen.push(a);
    return { name: inv.name, body: inv.body };
  });
  return withInventions(dsl, added);
}
