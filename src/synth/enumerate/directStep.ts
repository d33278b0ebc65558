/**
 * Applying a primitive step or terminal to a state without the evaluator: what the evaluator
 * does for `op (lam $0)` or `op`, with a marker standing for the continuation. Shared by the
 * searches that evaluate programs step by step (stateSearch.ts, windowSearch.ts).
 */
import { DomainFailure, TailCall, type DomainPrimitive, type ProgramFunction } from '../../dsl/domain.ts';
import type { Production } from '../grammar.ts';

/** A failed application (a domain failure): the searches drop or mark what follows it. */
export const FAILED = Symbol('failed');

/** The result when the primitive did something else than return a state or call its continuation. */
export const NOT_DIRECT = Symbol('not direct');

const CONTINUATION_MARKER = { __programFunction: true } as ProgramFunction;
const noNestedRuns = (): never => {
  throw new Error('a direct step ran a sub-program');
};

/** A primitive head taking only the continuation (a step) or nothing (a terminal), else null. */
export function directPrimitive<State>(
  production: Production,
  fixedArguments: number,
  isStep: boolean,
  primitives: Readonly<Record<string, DomainPrimitive<State>>>,
): DomainPrimitive<unknown> | null {
  const head = production.head;
  if (head === null || head.kind !== 'primitive' || fixedArguments !== 0 || !Object.hasOwn(primitives, head.name)) return null;
  const primitive = primitives[head.name];
  return primitive.arity === (isStep ? 1 : 0) ? (primitive as DomainPrimitive<unknown>) : null;
}

/** The state after the primitive, FAILED, or NOT_DIRECT when the evaluator must run it instead. */
export function applyDirectly<State>(primitive: DomainPrimitive<unknown>, state: State): State | typeof FAILED | typeof NOT_DIRECT {
  try {
    const out = primitive.implementation(primitive.arity === 0 ? [] : [CONTINUATION_MARKER], state, noNestedRuns);
    if (!(out instanceof TailCall)) return out as State;
    if (out.fn === CONTINUATION_MARKER) return out.state as State;
    return NOT_DIRECT;
  } catch (e) {
    if (e instanceof DomainFailure) return FAILED;
    throw e;
  }
}
