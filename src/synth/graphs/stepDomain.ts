/**
 * The graph domain as a step domain for the state search (enumerate/stateSearch.ts): which
 * productions are steps (every primitive with a continuation; inventions whose body is a chain
 * of steps, or becomes one once its arguments are fixed), state keys up to id renaming, and
 * output classes up to isomorphism for the novelty bound.
 */
import { graphPrimitives, initialState, type GraphState } from '../../dsl/domains/graph.ts';
import { normalForm } from '../../dsl/metrics.ts';
import { app, idx, lam, type Term } from '../../dsl/term.ts';
import type { StepDomain } from '../enumerate/index.ts';
import { GraphCatalog } from './isomorphism.ts';
import { canonicalStateKey, simpleGraphOfState } from './stateKey.ts';

/** The graph domain for state search: every primitive with a continuation is a step. */
export function graphStepDomain(maxConn?: number, maxNodes?: number): StepDomain<GraphState> {
  return {
    ...(maxNodes === undefined ? {} : { admissible: (s: GraphState) => s.graph.size <= maxNodes }),
    primitives: graphPrimitives,
    initialState: initialState(maxConn),
    stateKey: canonicalStateKey,
    isStep: isGraphStep,
    isStepWith: isGraphStepWith,
    outputClass: graphClassifier(),
  };
}

/**
 * Numbers graphs up to isomorphism (isolated nodes included). Steps that leave the graph as
 * it is (`move`, `push`, `pop`, ports) share its structure object, so a cache keyed by that
 * object makes most lookups one map access.
 */
function graphClassifier(): (state: GraphState) => number {
  const classes = new GraphCatalog<number>();
  const byStructure = new WeakMap<GraphState['graph'], number>();
  return (state) => {
    let id = byStructure.get(state.graph);
    if (id === undefined) {
      id = classes.add(simpleGraphOfState(state), classes.size).entry.payload;
      byStructure.set(state.graph, id);
    }
    return id;
  };
}

/**
 * A graph primitive with a continuation is a step. An invention is one when its body is
 * `arity` lambdas around a chain of steps that ends by calling the last parameter (`$0`
 * there) and mentions it nowhere else; anything else is conservatively not a step.
 */
export function isGraphStep(head: Term, arity: number): boolean {
  if (head.kind === 'primitive') return arity >= 1 && graphPrimitives[head.name]?.arity === arity;
  if (head.kind !== 'invention' || arity < 1) return false;
  let body = head.body;
  for (let i = 0; i < arity; i++) {
    if (body.kind !== 'lambda') return false;
    body = body.body;
  }
  return isChainEndingIn(body);
}

/**
 * Whether `head a1 .. an`, with the continuation at the null argument and the others fixed
 * (closed), is a step: its normal form, inventions inlined, is a chain of primitive steps
 * ending in the continuation and mentioning it nowhere else. This is how an invention that
 * takes its continuation first, or calls a function argument, becomes a macro step.
 */
export function isGraphStepWith(head: Term, args: readonly (Term | null)[]): boolean {
  if (args.filter((a) => a === null).length !== 1) return false;
  let applied: Term = head;
  for (const a of args) applied = app(applied, a ?? idx(0));
  const normal = normalForm(lam(applied), 100_000);
  return normal !== null && normal.kind === 'lambda' && isChainEndingIn(normal.body);
}

/** `op a1 .. k` where op is a step, the a_i do not mention `$0`, and k is `$0` or such a chain. */
function isChainEndingIn(term: Term): boolean {
  const args: Term[] = [];
  let head = term;
  while (head.kind === 'apply') {
    args.unshift(head.arg);
    head = head.fn;
  }
  if (args.length === 0 || !isGraphStep(head, args.length)) return false;
  const last = args[args.length - 1];
  if (args.slice(0, -1).some((a) => mentionsVariable(a, 0))) return false;
  return (last.kind === 'index' && last.index === 0) || isChainEndingIn(last);
}

function mentionsVariable(term: Term, index: number): boolean {
  switch (term.kind) {
    case 'index':
      return term.index === index;
    case 'apply':
      return mentionsVariable(term.fn, index) || mentionsVariable(term.arg, index);
    case 'lambda':
      return mentionsVariable(term.body, index + 1);
    default:
      return false;
  }
}
