/**
 * Grammar reweighting: production probabilities estimated from a weighted set of programs.
 *
 * The grammar is unambiguous (a term has one derivation), so the inside-outside expected
 * counts are the weighted counts of each production in each program's derivation. Counts are
 * pooled per requested type and production key (`add/1` under `S -> S`, whatever variables
 * are in scope), smoothed by a pseudo-count, and normalized per symbol: every symbol's
 * productions sum to one, so the search stays distributional.
 *
 * `unnormalized: true` reproduces the original (antireduce `Factorization.inside_outside`):
 * log p(e) = log(uses(e) + eps) - log(possible(e) + eps), where `possible` counts the
 * derivation points at which e was a candidate, and the candidates at a point are the
 * entries whose whole type equals the used head's type (not those fitting the requested
 * type). An entry whose type is unique (identity, func, if_positions_equal, most inventions)
 * is its own only candidate, so it gets probability ~1; nothing is renormalized.
 */
import type { Term } from '../dsl/term.ts';
import { arrows, showType, type Type } from '../dsl/types.ts';
import { derive, logSumExp, withLogProbabilities, type Grammar, type Production } from './grammar.ts';
import { UserFacingError } from '../util/errors.ts';

export interface WeightedProgram {
  readonly term: Term;
  /** Non-negative weight (e.g. 1, or a score); programs of weight 0 count for nothing. */
  readonly weight: number;
}

export interface ReweightOptions {
  /** Added to every production's expected count (default 1; the original used 0.001). */
  readonly pseudoCount?: number;
  /** Reproduce the original's unnormalized estimate (see the module comment). */
  readonly unnormalized?: boolean;
}

export class ReweightError extends UserFacingError {
  constructor(message: string) {
    super(message, { kind: 'program' });
  }
}

/** Expected use counts per (requested type, production key). */
export function expectedCounts(grammar: Grammar, programs: readonly WeightedProgram[]): Map<string, number> {
  const counts = new Map<string, number>();
  programs.forEach((p, i) => {
    if (!(p.weight >= 0) || !Number.isFinite(p.weight)) throw new ReweightError(`program ${i} has weight ${p.weight}; weights must be finite and >= 0`);
    const uses = derive(grammar, p.term);
    if (uses === null) throw new ReweightError(`program ${i} cannot be derived from the grammar (wrong type, or a name not in the DSL)`);
    for (const u of uses) {
      const symbol = grammar.symbols[u.symbol];
      const key = tiedKey(showType(symbol.type), symbol.productions[u.production]);
      counts.set(key, (counts.get(key) ?? 0) + p.weight);
    }
  });
  return counts;
}

export function reweight(grammar: Grammar, programs: readonly WeightedProgram[], options: ReweightOptions = {}): Grammar {
  if (options.unnormalized) return reweightAsOriginal(grammar, programs, options.pseudoCount ?? 0.001);
  const pseudo = options.pseudoCount ?? 1;
  if (!(pseudo > 0)) throw new ReweightError(`pseudoCount must be > 0 (got ${pseudo}): a production never seen would get probability 0`);
  const counts = expectedCounts(grammar, programs);
  return withLogProbabilities(
    grammar,
    grammar.symbols.map((symbol) => {
      const type = showType(symbol.type);
      const logCounts = symbol.productions.map((p) => Math.log((counts.get(tiedKey(type, p)) ?? 0) + pseudo));
      const z = logSumExp(logCounts);
      return logCounts.map((c) => c - z);
    }),
  );
}

function tiedKey(type: string, production: Production): string {
  return `${type}\u0000${production.key}`;
}

/** The head's whole type, the original's candidate class; variables and lambdas are classes of their own. */
function headClass(production: Production, symbolType: Type, argumentTypes: Type[]): string {
  if (production.kind === 'lambda') return 'lam';
  if (production.kind === 'variable') return '$';
  return showType(arrows(argumentTypes, symbolType));
}

function reweightAsOriginal(grammar: Grammar, programs: readonly WeightedProgram[], epsilon: number): Grammar {
  const classOf = (symbolId: number, index: number): string => {
    const symbol = grammar.symbols[symbolId];
    const p = symbol.productions[index];
    return headClass(p, symbol.type, p.argumentSymbols.map((a) => grammar.symbols[a].type));
  };
  const nameOf = (p: Production) => (p.kind === 'variable' ? '$' : p.key.replace(/\/\d+$/, ''));
  // The original weights each program by its normalized likelihood under the current grammar.
  const logLikelihoods = programs.map((p) => {
    const uses = derive(grammar, p.term);
    if (uses === null) throw new ReweightError('a program cannot be derived from the grammar');
    return uses.reduce((s, u) => s + grammar.symbols[u.symbol].productions[u.production].logProbability, 0) + Math.log(p.weight);
  });
  const z = logSumExp(logLikelihoods);
  const uses = new Map<string, number>();
  const possible = new Map<string, number>();
  const candidatesByClass = new Map<string, Set<string>>();
  grammar.symbols.forEach((s) =>
    s.productions.forEach((p, i) => {
      const c = classOf(s.id, i);
      if (!candidatesByClass.has(c)) candidatesByClass.set(c, new Set());
      candidatesByClass.get(c)!.add(nameOf(p));
    }),
  );
  programs.forEach((p, i) => {
    const w = Math.exp(logLikelihoods[i] - z);
    for (const u of derive(grammar, p.term)!) {
      const production = grammar.symbols[u.symbol].productions[u.production];
      if (production.kind === 'lambda') continue;
      const name = nameOf(production);
      uses.set(name, (uses.get(name) ?? 0) + w);
      for (const candidate of candidatesByClass.get(classOf(u.symbol, u.production))!) {
        possible.set(candidate, (possible.get(candidate) ?? 0) + w);
      }
    }
  });
  return withLogProbabilities(
    grammar,
    grammar.symbols.map((symbol) =>
      symbol.productions.map((p) => {
        if (p.kind === 'lambda') return 0;
        const name = nameOf(p);
        return Math.log((uses.get(name) ?? 0) + epsilon) - Math.log((possible.get(name) ?? 0) + epsilon);
      }),
    ),
  );
}
