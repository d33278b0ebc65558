/**
 * Typed DFA restrictions (Stitch's `--tdfa-*`): a grammar of states that says which state
 * each argument of each symbol is in. Abstractions may only be rooted at, and take
 * parameters at, nodes whose state is listed as valid. Used for corpora of syntax trees
 * where not every subtree is a sensible unit (e.g. Python ASTs).
 */
import { APP, PRIM, type NodeSet } from './nodes.ts';
import { UserFacingError } from '../../util/errors.ts';

/** state -> symbol -> the state of each argument. */
export type Tdfa = Record<string, Record<string, readonly string[]>>;

export interface TdfaOptions {
  readonly dfa: Tdfa;
  /** State of every program's root. */
  readonly root: string;
  readonly validMetavars: readonly string[];
  readonly validRoots: readonly string[];
  /** Sequence states whose extra arguments continue in another state (e.g. `seqS -> S`). */
  readonly nonEtaLongStates?: Readonly<Record<string, string>>;
  /** A symbol is read up to this separator (e.g. `~`). */
  readonly split?: string;
}

export interface TdfaAnnotations {
  invalidRoot(node: number): boolean;
  invalidMetavar(node: number): boolean;
  stateOf(node: number): string | undefined;
}

export class TdfaError extends UserFacingError {
  constructor(message: string) {
    super(message, { kind: 'program', hint: 'typed DFA annotation takes first-order programs whose symbols have transitions in the DFA' });
  }
}

export function annotateTdfa(set: NodeSet, roots: readonly number[], options: TdfaOptions): TdfaAnnotations {
  const state = new Map<number, string>();
  const validMeta = new Set(options.validMetavars);
  const validRoot = new Set(options.validRoots);
  const relevant = (s: string) => validMeta.has(s) || validRoot.has(s);
  const symbolOf = (node: number): string => {
    const name = set.symbols[set.a[node]];
    const cut = options.split === undefined ? -1 : name.indexOf(options.split);
    return cut === -1 ? name : name.slice(0, cut);
  };
  const annotate = (node: number, s: string): void => {
    const existing = state.get(node);
    if (existing === undefined) state.set(node, s);
    else if (existing !== s && (relevant(existing) || relevant(s) || set.symbolCount[node] > 0)) {
      throw new TdfaError(`inconsistent states ${existing} and ${s} for ${set.show(node)}`);
    }
    if (set.kind[node] === PRIM) return;
    if (set.kind[node] !== APP) throw new TdfaError(`typed DFA annotation needs first-order terms, found ${set.show(node)}`);
    const partials: number[] = [];
    const args: number[] = [];
    let head = node;
    while (set.kind[head] === APP) {
      partials.push(set.a[head]);
      args.push(set.b[head]);
      head = set.a[head];
    }
    if (set.kind[head] !== PRIM) throw new TdfaError(`typed DFA annotation needs a symbol at the head of ${set.show(node)}`);
    partials.reverse();
    args.reverse();
    const symbol = symbolOf(head);
    const transitions = options.dfa[s]?.[symbol];
    if (!transitions) throw new TdfaError(`no transition from state ${s} on symbol ${symbol}`);
    const inner = options.nonEtaLongStates?.[s];
    if (inner !== undefined) {
      let i = 0;
      for (; i < transitions.length && i < args.length; i++) annotate(args[i], transitions[i]);
      for (; i < args.length; i++) {
        state.set(partials[i], s);
        annotate(args[i], inner);
      }
      return;
    }
    if (transitions.length > 0 && args.length % transitions.length !== 0) {
      throw new TdfaError(`${symbol} in state ${s} takes ${transitions.length} arguments, found ${args.length}`);
    }
    args.forEach((arg, i) => annotate(arg, transitions[i % transitions.length]));
  };
  for (const r of roots) annotate(r, options.root);
  return {
    invalidRoot: (node) => {
      const s = state.get(node);
      return s === undefined || !validRoot.has(s);
    },
    invalidMetavar: (node) => {
      const s = state.get(node);
      return s === undefined || !validMeta.has(s);
    },
    stateOf: (node) => state.get(node),
  };
}
