/**
 * Library learning by compression (Stitch's algorithm, our implementation): repeatedly find
 * the abstraction whose use most reduces the corpus cost, rewrite the corpus with it, and
 * continue on the rewritten corpus. Returns a typed result; `compressionResultJson` gives
 * Stitch's JSON output format.
 */
import type { Term } from '../../dsl/term.ts';
import { corpusFacts } from './corpus.ts';
import { canonicalKey, type AbstractionBody, inlineAbstractions, stitchText, dreamcoderBody } from './inline.ts';
import { NodeSet, STITCH_COST, type CostModel } from './nodes.ts';
import { rewriteCorpus } from './rewrite.ts';
import { SYMVAR, searchBestAbstraction, type FoundAbstraction, type AbstractionSearchStats } from './abstractionSearch.ts';
import { annotateTdfa, type TdfaAnnotations, type TdfaOptions } from './tdfa.ts';
import { UserFacingError } from '../../util/errors.ts';

export interface CompressOptions {
  /** Largest number of `#i` parameters (symbol variables not counted). Default 2. */
  readonly maxArity?: number;
  /** Abstractions to learn at most (stops early when none compresses). Default 3. */
  readonly iterations?: number;
  /** Names are `<prefix><k>`. Default `fn_`. */
  readonly abstractionPrefix?: string;
  /** Abstractions already in the library; numbering continues after them and none is re-invented. */
  readonly library?: readonly AbstractionBody[];
  /** Symbols with this prefix are symbol variables, always abstracted (Stitch `--symvar-prefix`). */
  readonly symvarPrefix?: string;
  readonly tdfa?: TdfaOptions;
  /** Keep abstractions that only one program uses. Default false, as in Stitch. */
  readonly allowSingleProgram?: boolean;
  readonly cost?: CostModel;
  /** Names new abstractions must not take (e.g. every name of the DSL the corpus is in). */
  readonly reservedNames?: Iterable<string>;
  /**
   * Work budget of the whole compression, in match locations examined (see AbstractionSearchStats.work).
   * Past it the search stops and keeps the best abstraction found so far, and the result says
   * so (`budgetExhausted`). Default DEFAULT_COMPRESS_STEPS.
   */
  readonly maxSteps?: number;
}

/** Largest arity accepted: the search space grows with each parameter, and bodies need few. */
export const MAX_ABSTRACTION_ARITY = 8;

/**
 * Default work budget: one to two minutes of one core on the 2-core development machine
 * (1.5 to 5 million steps a second). Stitch's cogsci corpora at arity 3 and 3 iterations use
 * at most 107 million (castle); wide, repetitive or deeply nested programs are what runs into it.
 */
export const DEFAULT_COMPRESS_STEPS = 300_000_000;

export interface LearnedAbstraction extends AbstractionBody {
  /** Body in Stitch's text form. */
  readonly bodyText: string;
  readonly utility: number;
  /** Corpus cost after rewriting with this and every earlier abstraction. */
  readonly finalCost: number;
  /** Cost before this step over cost after it. */
  readonly compressionRatio: number;
  /** Original corpus cost over cost after this step. */
  readonly cumulativeCompressionRatio: number;
  /** Occurrences of the match locations in the corpus. */
  readonly numUses: number;
  /** `M` for a parameter, `S` for a symbol variable, per `#i`. */
  readonly variableTypes: readonly ('M' | 'S')[];
}

export interface CompressionResult {
  readonly originalCost: number;
  readonly finalCost: number;
  readonly compressionRatio: number;
  readonly abstractions: readonly LearnedAbstraction[];
  /** The programs compressed. */
  readonly original: readonly Term[];
  /** Rewritten programs, abstractions referenced as primitives by name. */
  readonly rewritten: readonly Term[];
  readonly stats: { readonly expanded: number; readonly finished: number; readonly work: number };
  /** The work budget ran out: the last abstraction is the best found in time, maybe not the best. */
  readonly budgetExhausted: boolean;
}

/** Corpus cost under the cost model: the sum of every program's cost. */
export function corpusCost(programs: readonly Term[], cost: CostModel = STITCH_COST): number {
  const set = new NodeSet(cost);
  return programs.reduce((sum, p) => sum + set.cost[set.fromTerm(p)], 0);
}

export function compress(programs: readonly Term[], options: CompressOptions = {}): CompressionResult {
  const maxArity = options.maxArity ?? 2;
  const iterations = options.iterations ?? 3;
  const prefix = options.abstractionPrefix ?? 'fn_';
  const cost = options.cost ?? STITCH_COST;
  const maxSteps = options.maxSteps ?? DEFAULT_COMPRESS_STEPS;
  if (!Number.isInteger(maxArity) || maxArity < 0 || maxArity > MAX_ABSTRACTION_ARITY) {
    throw new RangeError(`maxArity must be an integer in [0, ${MAX_ABSTRACTION_ARITY}], got ${maxArity}`);
  }
  if (!(maxSteps > 0)) throw new RangeError(`maxSteps must be positive, got ${maxSteps}`);
  if (!Number.isInteger(iterations) || iterations < 0) throw new RangeError(`iterations must be a non-negative integer, got ${iterations}`);
  programs.forEach((p, i) => assertCorpusProgram(p, i));
  // Inventions already in the programs take part as primitives and keep their bodies on output.
  const given = inventionsIn(programs);
  const reserved = new Set(options.reservedNames ?? []);

  const library = new Map<string, AbstractionBody>();
  const knownKeys = new Set<string>();
  for (const entry of options.library ?? []) {
    library.set(entry.name, entry);
    knownKeys.add(canonicalKey(entry.body, library));
  }
  // The DFA grows with each abstraction learned, so work on a copy of the caller's.
  const tdfaOptions = options.tdfa ? { ...options.tdfa, dfa: { ...options.tdfa.dfa } } : undefined;
  let set = new NodeSet(cost, options.symvarPrefix);
  let roots = programs.map((p) => set.fromTerm(p));
  const originalCost = roots.reduce((sum, r) => sum + set.cost[r], 0);
  let currentCost = originalCost;
  const abstractions: LearnedAbstraction[] = [];
  const stats: AbstractionSearchStats = { expanded: 0, finished: 0, work: 0, exhausted: false };

  for (let step = 0; step < iterations; step++) {
    const facts = corpusFacts(set, roots);
    const tdfa = tdfaOptions ? annotateTdfa(set, roots, tdfaOptions) : undefined;
    const stepSet = set;
    const found = searchBestAbstraction(
      facts,
      {
        maxArity,
        allowSingleProgram: options.allowSingleProgram,
        tdfa,
        reject: (body) => knownKeys.has(canonicalKey(stepSet.toTerm(body), library)),
        maxWork: maxSteps,
      },
      stats,
    );
    if (!found) break;
    const name = uniqueName(prefix, library.size, (n) => library.has(n) || given.has(n) || reserved.has(n) || set.symbols.includes(n));
    const next = new NodeSet(cost, options.symvarPrefix);
    const nextRoots = rewriteCorpus(facts, found, name, next);
    const newCost = nextRoots.reduce((sum, r) => sum + next.cost[r], 0);
    const expected = facts.initialCost - found.compressiveUtility;
    if (newCost !== expected) {
      throw new Error(`compression cost mismatch for ${name}: rewrite gives ${newCost}, utility predicts ${expected}`);
    }
    const body = set.toTerm(found.body, given);
    const entry: AbstractionBody = { name, arity: found.arity, body };
    knownKeys.add(canonicalKey(body, library));
    library.set(name, entry);
    if (tdfaOptions && tdfa) extendTdfa(tdfaOptions, found, tdfa, name);
    abstractions.push({
      ...entry,
      bodyText: set.show(found.body),
      utility: found.utility,
      finalCost: newCost,
      compressionRatio: currentCost / newCost,
      cumulativeCompressionRatio: originalCost / newCost,
      numUses: found.usages,
      variableTypes: found.varType.map((t) => (t === SYMVAR ? 'S' : 'M')),
    });
    currentCost = newCost;
    set = next;
    roots = nextRoots;
    if (stats.exhausted) break;
  }
  return {
    originalCost,
    finalCost: currentCost,
    compressionRatio: originalCost / currentCost,
    abstractions,
    original: programs,
    rewritten: roots.map((r) => set.toTerm(r, given)),
    stats: { expanded: stats.expanded, finished: stats.finished, work: stats.work },
    budgetExhausted: stats.exhausted,
  };
}

function assertCorpusProgram(t: Term, program: number): void {
  const stack: Term[] = [t];
  while (stack.length > 0) {
    const u = stack.pop()!;
    if (u.kind === 'param') throw new CorpusError(`program ${program} contains the abstraction parameter #${u.index}`, program);
    if (u.kind === 'apply') stack.push(u.fn, u.arg);
    else if (u.kind === 'lambda') stack.push(u.body);
  }
}

export class CorpusError extends UserFacingError {
  constructor(
    message: string,
    readonly program: number,
  ) {
    super(message, { kind: 'program', where: `program ${program}` });
  }
}

// Skip names already used by a primitive or invention of the corpus or by the library.
function uniqueName(prefix: string, start: number, taken: (name: string) => boolean): string {
  for (let k = start; ; k++) {
    const name = `${prefix}${k}`;
    if (!taken(name)) return name;
  }
}

function inventionsIn(programs: readonly Term[]): Map<string, Term> {
  const found = new Map<string, Term>();
  const stack = [...programs];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (t.kind === 'invention') {
      if (!found.has(t.name)) {
        found.set(t.name, t.body);
        stack.push(t.body);
      }
    } else if (t.kind === 'apply') stack.push(t.fn, t.arg);
    else if (t.kind === 'lambda') stack.push(t.body);
  }
  return found;
}

// Later steps see the new abstraction as a symbol of the grammar, rooted where it matched.
function extendTdfa(tdfaOptions: TdfaOptions, found: FoundAbstraction, tdfa: TdfaAnnotations, name: string): void {
  const loc = found.locs[0];
  const root = tdfa.stateOf(loc);
  const argStates = found.varNodes.map((nodes) => tdfa.stateOf(nodes[0]));
  if (root === undefined || argStates.some((s) => s === undefined)) return;
  const dfa = tdfaOptions.dfa as Record<string, Record<string, readonly string[]>>;
  dfa[root] = { ...(dfa[root] ?? {}), [name]: argStates as string[] };
}

/** Programs with every abstraction inlined: the original corpus, if the rewrite is sound. */
export function inlineResult(result: CompressionResult, library: readonly AbstractionBody[] = []): Term[] {
  const all = new Map<string, AbstractionBody>();
  for (const a of [...library, ...result.abstractions]) all.set(a.name, a);
  return result.rewritten.map((p) => inlineAbstractions(p, all));
}

/**
 * An abstraction as an invention the enumerator can use: DreamCoder form body (`#i` as
 * lambda-bound variables, earlier abstractions as inventions), named as learned.
 */
export function abstractionToInvention(
  abstraction: AbstractionBody,
  earlier: readonly AbstractionBody[] = [],
): { name: string; arity: number; body: Term } {
  const forms = new Map<string, Term>();
  for (const e of earlier) forms.set(e.name, dreamcoderBody(e, forms));
  return { name: abstraction.name, arity: abstraction.arity, body: dreamcoderBody(abstraction, forms) };
}

/** Rewritten programs with abstraction names replaced by invention terms (combined form). */
export function rewrittenWithInventions(result: CompressionResult, library: readonly AbstractionBody[] = []): Term[] {
  const forms = new Map<string, Term>();
  for (const e of [...library, ...result.abstractions]) forms.set(e.name, dreamcoderBody(e, forms));
  const go = (t: Term): Term => {
    switch (t.kind) {
      case 'primitive': {
        const body = forms.get(t.name);
        return body ? { kind: 'invention', name: t.name, body } : t;
      }
      case 'lambda':
        return { ...t, body: go(t.body) };
      case 'apply':
        return { kind: 'apply', fn: go(t.fn), arg: go(t.arg) };
      default:
        return t;
    }
  };
  return result.rewritten.map(go);
}

/** Stitch's JSON output format. */
export function compressionResultJson(
  result: CompressionResult,
  options: CompressOptions = {},
  /** Each abstraction's type, shown, when the corpus was typed against a DSL. */
  types?: ReadonlyMap<string, string>,
): Record<string, unknown> {
  const earlier: AbstractionBody[] = [...(options.library ?? [])];
  return {
    args: { max_arity: options.maxArity ?? 2, iterations: options.iterations ?? 3, symvar_prefix: options.symvarPrefix ?? null },
    original_cost: result.originalCost,
    final_cost: result.finalCost,
    compression_ratio: result.compressionRatio,
    num_abstractions: result.abstractions.length,
    original: result.original.map(stitchText),
    rewritten: result.rewritten.map(stitchText),
    abstractions: result.abstractions.map((a) => {
      const inv = abstractionToInvention(a, earlier);
      earlier.push(a);
      return {
        name: a.name,
        arity: a.arity,
        body: a.bodyText,
        dreamcoder: stitchText(inv.body),
        utility: a.utility,
        final_cost: a.finalCost,
        compression_ratio: a.compressionRatio,
        cumulative_compression_ratio: a.cumulativeCompressionRatio,
        num_uses: a.numUses,
        variable_types: a.variableTypes,
        ...(types?.has(a.name) ? { type: types.get(a.name) } : {}),
      };
    }),
  };
}
