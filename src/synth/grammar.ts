/**
 * A type-directed probabilistic grammar built from a DSL: the data every search algorithm
 * consumes (DeepSynth's split: a new DSL never touches an algorithm).
 *
 * A grammar symbol is a requested type together with the types of the variables bound by
 * the enclosing lambdas (de Bruijn order, innermost first). Its productions are:
 * - a primitive or invention whose type, after taking k arguments, is the requested type
 *   (CPS operations are requested partially applied: `add k : S -> S`);
 * - a bound variable `$i`, likewise partially applied;
 * - a lambda, when the requested type is an arrow (by default only when the bound variable
 *   is itself a function, which is what higher-order inventions need; see `lambdas`).
 * Log-probabilities are normalized per symbol, so each symbol's productions sum to one.
 */
import type { Dsl } from '../dsl/dsl.ts';
import { app, idx, invention, lam, prim, type Term } from '../dsl/term.ts';
import { arrow, isArrow, showType, typeEquals, type Type } from '../dsl/types.ts';
import { UserFacingError } from '../util/errors.ts';

/** One entry of the DSL the grammar is built from (a primitive or an invention). */
export interface GrammarEntry {
  readonly name: string;
  readonly type: Type;
  /** Unnormalized log-weight (the DSL's log-probability of the entry). */
  readonly logProbability: number;
  /** The term the entry stands for: `prim(name)` or `invention(name, body)`. */
  readonly term: Term;
}

export interface GrammarSource {
  readonly entries: readonly GrammarEntry[];
  /** Unnormalized log-weight of using a bound variable (shared among the variables in scope). */
  readonly varLogProbability: number;
}

export type ProductionKind = 'entry' | 'variable' | 'lambda';

export interface Production {
  readonly kind: ProductionKind;
  /** Stable name across symbols: the entry name with its arity (`add/1`), `$i/k`, or `lam`. */
  readonly key: string;
  /** The head term (entry term or `$i`); null for a lambda. */
  readonly head: Term | null;
  /** Symbol ids of the arguments, in application order (the body for a lambda). */
  readonly argumentSymbols: readonly number[];
  readonly logProbability: number;
}

export interface GrammarSymbol {
  readonly id: number;
  readonly type: Type;
  /** Types of bound variables, index 0 = innermost (`$0`). */
  readonly context: readonly Type[];
  readonly productions: readonly Production[];
}

export interface Grammar {
  readonly request: Type;
  readonly start: number;
  readonly symbols: readonly GrammarSymbol[];
}

export interface GrammarOptions {
  /**
   * `higher-order` (default): lambdas only where they bind a function-typed variable, which
   * avoids eta-expanded duplicates such as `lam (add k $0)` of `add k`; `all`: a lambda for
   * every requested arrow type (for DSLs whose lambdas bind values); `none`.
   */
  readonly lambdas?: 'higher-order' | 'all' | 'none';
  /** Unnormalized log-weight of a lambda production (default: the variable weight). */
  readonly lambdaLogProbability?: number;
  /** Most variables in scope; bounds the number of symbols (default 2). */
  readonly maxBoundVariables?: number;
}

/** Thrown when a DSL entry's type cannot be used by the grammar (a bug in the DSL table). */
export class GrammarError extends UserFacingError {
  constructor(message: string) {
    super(message, { kind: 'program', hint: 'check the types of the DSL entries' });
  }
}

/** The grammar of a DSL's programs, requested at `state -> state`. */
export function grammarFromDsl(dsl: Dsl, options: GrammarOptions = {}): Grammar {
  return buildGrammar(grammarSourceOf(dsl), arrow(dsl.stateType, dsl.stateType), options);
}

/** A DSL's primitives and inventions as grammar entries (inventions carry their bodies). */
export function grammarSourceOf(dsl: Dsl): GrammarSource {
  const entries: GrammarEntry[] = [];
  for (const p of dsl.primitives.values()) entries.push({ name: p.name, type: p.type, logProbability: p.logProbability, term: prim(p.name) });
  for (const i of dsl.inventions.values()) {
    entries.push({ name: i.name, type: i.type, logProbability: i.logProbability, term: invention(i.name, i.body) });
  }
  return { entries, varLogProbability: dsl.varLogProbability };
}

/** Builds the grammar reachable from `request`; symbols with no finite program are dropped. */
export function buildGrammar(source: GrammarSource, request: Type, options: GrammarOptions = {}): Grammar {
  const lambdas = options.lambdas ?? 'higher-order';
  const lambdaWeight = options.lambdaLogProbability ?? source.varLogProbability;
  const maxBound = options.maxBoundVariables ?? 2;
  for (const entry of source.entries) {
    if (hasTypeVariable(entry.type)) {
      throw new GrammarError(
        `entry ${entry.name} has a polymorphic type ${showType(entry.type)}; the grammar needs ground types ` +
          '(instantiate it per use in the DSL table)',
      );
    }
  }

  interface Draft {
    type: Type;
    context: Type[];
    productions: { kind: ProductionKind; key: string; head: Term | null; args: number[]; weight: number }[];
  }
  const drafts: Draft[] = [];
  const byKey = new Map<string, number>();
  const symbolFor = (type: Type, context: Type[]): number => {
    const key = `${showType(type)} | ${context.map(showType).join(', ')}`;
    const known = byKey.get(key);
    if (known !== undefined) return known;
    const id = drafts.length;
    byKey.set(key, id);
    drafts.push({ type, context, productions: [] });
    return id;
  };

  const start = symbolFor(request, []);
  for (let id = 0; id < drafts.length; id++) {
    const { type, context } = drafts[id];
    const productions: Draft['productions'] = [];
    for (const entry of source.entries) {
      for (const args of partialApplications(entry.type, type)) {
        productions.push({
          kind: 'entry',
          key: `${entry.name}/${args.length}`,
          head: entry.term,
          args: args.map((a) => symbolFor(a, context)),
          weight: entry.logProbability,
        });
      }
    }
    const variableWeight = source.varLogProbability - Math.log(Math.max(1, context.length));
    context.forEach((varType, i) => {
      for (const args of partialApplications(varType, type)) {
        productions.push({
          kind: 'variable',
          key: `$${i}/${args.length}`,
          head: idx(i),
          args: args.map((a) => symbolFor(a, context)),
          weight: variableWeight,
        });
      }
    });
    if (isArrow(type) && lambdas !== 'none' && context.length < maxBound) {
      const [from, to] = type.params;
      if (lambdas === 'all' || isArrow(from)) {
        productions.push({ kind: 'lambda', key: 'lam', head: null, args: [symbolFor(to, [from, ...context])], weight: lambdaWeight });
      }
    }
    drafts[id].productions = productions;
  }

  // Keep only productions whose arguments can all be completed (least fixpoint).
  const productive = new Array<boolean>(drafts.length).fill(false);
  for (let changed = true; changed; ) {
    changed = false;
    drafts.forEach((d, id) => {
      if (!productive[id] && d.productions.some((p) => p.args.every((a) => productive[a]))) {
        productive[id] = true;
        changed = true;
      }
    });
  }
  if (!productive[start]) {
    throw new GrammarError(`no finite program of type ${showType(request)} can be built from this DSL`);
  }
  // Renumber the productive symbols reachable from the start.
  const newId = new Map<number, number>();
  const order: number[] = [];
  const visit = (id: number) => {
    if (newId.has(id)) return;
    newId.set(id, order.length);
    order.push(id);
  };
  visit(start);
  for (let i = 0; i < order.length; i++) {
    for (const p of drafts[order[i]].productions) {
      if (p.args.every((a) => productive[a])) p.args.forEach(visit);
    }
  }
  const symbols: GrammarSymbol[] = order.map((oldId, id) => {
    const d = drafts[oldId];
    const kept = d.productions.filter((p) => p.args.every((a) => productive[a]));
    const z = logSumExp(kept.map((p) => p.weight));
    return {
      id,
      type: d.type,
      context: d.context,
      productions: kept.map((p) => ({
        kind: p.kind,
        key: p.key,
        head: p.head,
        argumentSymbols: p.args.map((a) => newId.get(a)!),
        logProbability: p.weight - z,
      })),
    };
  });
  return { request, start: 0, symbols };
}

/** The same grammar with new production log-probabilities (symbol id -> one per production). */
export function withLogProbabilities(grammar: Grammar, logProbabilities: readonly (readonly number[])[]): Grammar {
  return {
    ...grammar,
    symbols: grammar.symbols.map((s) => ({
      ...s,
      productions: s.productions.map((p, i) => ({ ...p, logProbability: logProbabilities[s.id][i] })),
    })),
  };
}

/** Builds the term of a production applied to its argument terms. */
export function applyProduction(production: Production, args: readonly Term[]): Term {
  if (production.kind === 'lambda') return lam(args[0]);
  let term = production.head!;
  for (const a of args) term = app(term, a);
  return term;
}

/**
 * All ways of partially applying a function of type `fnType` so that the rest is `target`:
 * each answer lists the argument types consumed (k = 0, 1, ... arguments).
 */
function partialApplications(fnType: Type, target: Type): Type[][] {
  const out: Type[][] = [];
  const consumed: Type[] = [];
  let rest = fnType;
  for (;;) {
    if (typeEquals(rest, target)) out.push(consumed.slice());
    if (!isArrow(rest)) break;
    consumed.push(rest.params[0]);
    rest = rest.params[1];
  }
  return out;
}

function hasTypeVariable(t: Type): boolean {
  return t.kind === 'variable' || t.params.some(hasTypeVariable);
}

export function logSumExp(values: readonly number[]): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

/** Readable listing of a grammar (one symbol per block), for docs and debugging. */
export function showGrammar(grammar: Grammar): string {
  return grammar.symbols
    .map((s) => {
      const ctx = s.context.length ? ` [${s.context.map(showType).join(', ')}]` : '';
      const lines = s.productions.map(
        (p) => `  ${p.key.padEnd(24)} ${Math.exp(p.logProbability).toFixed(4)}  -> ${p.argumentSymbols.join(' ')}`,
      );
      return `#${s.id} ${showType(s.type)}${ctx}\n${lines.join('\n')}`;
    })
    .join('\n');
}

/** One step of a derivation: the symbol expanded and the index of the production used. */
export interface ProductionUse {
  readonly symbol: number;
  readonly production: number;
}

/**
 * The derivation of `term` from `symbol` (the grammar is unambiguous: the head and the
 * number of arguments fix the production), or null when the grammar cannot produce it.
 */
export function derive(grammar: Grammar, term: Term, symbol = grammar.start): ProductionUse[] | null {
  const uses: ProductionUse[] = [];
  return deriveInto(grammar, term, symbol, uses) ? uses : null;
}

function deriveInto(grammar: Grammar, term: Term, symbol: number, uses: ProductionUse[]): boolean {
  const productions = grammar.symbols[symbol].productions;
  if (term.kind === 'lambda') {
    const i = productions.findIndex((p) => p.kind === 'lambda');
    if (i < 0) return false;
    uses.push({ symbol, production: i });
    return deriveInto(grammar, term.body, productions[i].argumentSymbols[0], uses);
  }
  const args: Term[] = [];
  let head: Term = term;
  while (head.kind === 'apply') {
    args.push(head.arg);
    head = head.fn;
  }
  args.reverse();
  const i = productions.findIndex((p) => p.kind !== 'lambda' && p.argumentSymbols.length === args.length && sameHead(p.head!, head));
  if (i < 0) return false;
  uses.push({ symbol, production: i });
  const argSymbols = productions[i].argumentSymbols;
  return args.every((a, k) => deriveInto(grammar, a, argSymbols[k], uses));
}

function sameHead(a: Term, b: Term): boolean {
  if (a.kind === 'index') return b.kind === 'index' && a.index === b.index;
  if (a.kind === 'primitive' || a.kind === 'invention') return b.kind === a.kind && a.name === b.name;
  return false;
}

/** Log-probability of `term` under the grammar, or -Infinity when it cannot be produced. */
export function logProbabilityOf(grammar: Grammar, term: Term, symbol = grammar.start): number {
  const uses = derive(grammar, term, symbol);
  if (uses === null) return -Infinity;
  let total = 0;
  for (const u of uses) total += grammar.symbols[u.symbol].productions[u.production].logProbability;
  return total;
}
