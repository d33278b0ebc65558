/**
 * What a DSL domain gives the evaluator: a table of primitives, each with its type and its
 * semantics (DeepSynth style: the DSL is data). Every primitive takes `arity` function
 * arguments and then a state; its implementation either returns the final state or asks the
 * evaluator to continue by applying one of its function arguments (a tail call), so that long
 * continuation-passing chains run in constant JS stack.
 */
import { UserFacingError } from '../util/errors.ts';
import type { Type } from './types.ts';

/** A function value of the program (a closure or a partial application), opaque to domains. */
export interface ProgramFunction {
  readonly __programFunction: true;
}

/** "Continue by applying `fn` to `state`": returned by a primitive instead of calling `fn` itself. */
export class TailCall<State> {
  constructor(
    readonly fn: ProgramFunction,
    readonly state: State,
  ) {}
}

export const tailCall = <State>(fn: ProgramFunction, state: State): TailCall<State> => new TailCall(fn, state);

/** Runs a function argument on a state to completion (for primitives that branch or peek). */
export type RunFunction<State> = (fn: ProgramFunction, state: State) => State;

export interface DomainPrimitive<State> {
  readonly type: Type;
  /** Number of function arguments taken before the state. */
  readonly arity: number;
  readonly implementation: (
    args: readonly ProgramFunction[],
    state: State,
    run: RunFunction<State>,
  ) => State | TailCall<State>;
}

/** A failure the domain's own semantics raise (the original's `failwith` guards). */
export class DomainFailure extends UserFacingError {
  constructor(message: string) {
    super(message, { kind: 'runtime' });
  }
}
