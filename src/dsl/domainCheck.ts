/**
 * A DSL file against the domain its programs run on: every primitive it lists must be one of
 * the domain's, with the domain's type, and its state type must be the domain's. Without this
 * check a misspelled or mistyped primitive loads, type-checks against its own declaration, and
 * fails only when a program using it is run.
 */
import type { Dsl } from './dsl.ts';
import { DslFileError } from './errors.ts';
import { err, ok, type Result } from './result.ts';
import { closestNames } from './suggest.ts';
import { showType, typeEquals, type Type } from './types.ts';

/** What a domain promises: its name, its state type and each primitive's type. */
export interface DomainSignature {
  readonly name: string;
  readonly stateType: Type;
  readonly primitives: Readonly<Record<string, { readonly type: Type }>>;
}

export function checkAgainstDomain(dsl: Dsl, domain: DomainSignature, file: string): Result<Dsl, DslFileError> {
  if (!typeEquals(dsl.stateType, domain.stateType)) {
    return err(new DslFileError(file, `the state type is ${showType(dsl.stateType)}, but programs of the ${domain.name} domain transform ${showType(domain.stateType)}`, undefined, 'stateType'));
  }
  const known = Object.keys(domain.primitives);
  for (const [index, primitive] of [...dsl.primitives.values()].entries()) {
    const where = { list: 'primitives', index, name: primitive.name };
    const expected = domain.primitives[primitive.name];
    if (expected === undefined) {
      const close = closestNames(primitive.name, known);
      const suggestion = close.length > 0 ? ` (did you mean ${close.map((c) => `"${c}"`).join(' or ')}?)` : '';
      return err(new DslFileError(file, `"${primitive.name}" is not a primitive of the ${domain.name} domain${suggestion}; its primitives are ${known.join(', ')}`, where, 'name'));
    }
    if (!typeEquals(primitive.type, expected.type)) {
      return err(new DslFileError(file, `"${primitive.name}" is declared with type ${showType(primitive.type)}, but the ${domain.name} domain's ${primitive.name} has type ${showType(expected.type)}`, where, 'type'));
    }
  }
  return ok(dsl);
}
