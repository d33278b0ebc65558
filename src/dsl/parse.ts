/**
 * Program text -> Term. One grammar (grammar.ts) reads both text forms of the original system;
 * names are then resolved against a DSL: an invention of that name, else a primitive, else an
 * UnknownNameError that suggests the closest names. Without a DSL every name is a primitive.
 */
import * as ohm from 'ohm-js';
import type { Dsl } from './dsl.ts';
import { dslNames } from './dsl.ts';
import { ParseError, UnknownNameError } from './errors.ts';
import { programGrammarSource } from './grammar.ts';
import { err, ok, type Result } from './result.ts';
import { closestNames } from './suggest.ts';
import { app, idx, invention, lam, param, prim, termDepth, type Term } from './term.ts';

/**
 * `combined`: inventions inline as `{fn_0}(body)`; no `#i` parameters (programs are closed).
 * `stitch`: inventions by name, resolved through the DSL; `#i` parameters allowed.
 * `auto` (default): either.
 */
export type ProgramForm = 'combined' | 'stitch' | 'auto';

export interface ParseOptions {
  readonly form?: ProgramForm;
  readonly dsl?: Dsl;
  /** Where the text came from (a file name), shown in error messages. */
  readonly source?: string;
  /** Longest text parsed, in characters (default DEFAULT_MAX_PROGRAM_LENGTH). */
  readonly maxLength?: number;
}

/**
 * Longest program text parsed by default. Matching takes time and memory in proportion to
 * the text (about 3 s and hundreds of MB at this length); the original's and Stitch's
 * programs are at most 1,410 characters.
 */
export const DEFAULT_MAX_PROGRAM_LENGTH = 100_000;

const grammar = ohm.grammar(programGrammarSource);

/**
 * Deepest nesting of parentheses and inline inventions (`{f}{g}body`) accepted. The matcher
 * recurses per level and exhausts Node's default stack near 650 levels; the original's
 * programs nest at most 18 deep, Stitch's 20.
 */
export const MAX_NESTING = 300;

/**
 * Deepest term accepted, counting each argument of an application as one level (the term
 * `(f a b c)` is `(((f a) b) c)`, three deep). Every walk over terms (typing, printing,
 * metrics, compression) recurses this deep at most; Stitch's corpora reach 253.
 */
export const MAX_TERM_DEPTH = 1_000;

/** An open level of the text: a parenthesis, or an inline invention awaiting its body. */
interface OpenLevel {
  readonly paren: boolean;
  readonly at: number;
  /** `(lam body)`: its body is one level deeper. */
  lambda: boolean;
  /** Terms read inside the parenthesis so far (the function first). */
  items: number;
  /** max(depth of the function, depth of argument i minus i - 1): the depth is items - 1 + this. */
  reach: number;
}

/**
 * Where the text nests too deep, found in one pass without building anything (so a
 * 10,000-argument application is refused before the matcher spends seconds on it): the first
 * `(` or inline invention opening level MAX_NESTING + 1, or the first term that makes the
 * program deeper than MAX_TERM_DEPTH (names of DSL inventions are checked when resolved).
 */
function tooDeepAt(text: string): { offset: number; reason: string } | undefined {
  const open: OpenLevel[] = [];
  const nesting = (offset: number) => ({ offset, reason: `parentheses and inline inventions nest deeper than ${MAX_NESTING} levels; split the program into inventions` });
  const depth = (offset: number) => ({ offset, reason: tooDeepReason });
  /** A term of depth `d` starting at `at` is complete: it becomes an item of the level it sits in. */
  const completed = (d: number, at: number): { offset: number; reason: string } | undefined => {
    let value = d;
    while (open.length > 0 && !open[open.length - 1].paren) {
      open.pop();
      value++;
    }
    const level = open[open.length - 1];
    if (level === undefined) return value > MAX_TERM_DEPTH ? depth(at) : undefined;
    if (level.lambda) level.reach = Math.max(level.reach, value);
    else level.reach = Math.max(level.reach, level.items === 0 ? value : value - level.items + 1);
    level.items++;
    const partial = level.lambda ? 1 + level.reach : Math.max(0, level.items - 1) + level.reach;
    return partial > MAX_TERM_DEPTH ? depth(at) : undefined;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') {
      open.push({ paren: true, at: i, lambda: false, items: 0, reach: 0 });
      if (open.length > MAX_NESTING) return nesting(i);
    } else if (c === ')') {
      while (open.length > 0 && !open[open.length - 1].paren) open.pop();
      const level = open.pop();
      if (level === undefined) continue; // the grammar reports it
      const found = completed(level.lambda ? 1 + level.reach : Math.max(1, level.items - 1 + level.reach), level.at);
      if (found) return found;
    } else if (c === '{') {
      const close = text.indexOf('}', i);
      if (close === -1) return undefined; // the grammar reports it
      open.push({ paren: false, at: i, lambda: false, items: 0, reach: 0 });
      if (open.length > MAX_NESTING) return nesting(i);
      i = close;
    } else if (!/\s/.test(c)) {
      const start = i;
      while (i + 1 < text.length && !/[\s(){}]/.test(text[i + 1])) i++;
      const level = open[open.length - 1];
      const word = text.slice(start, i + 1);
      if (level?.paren && level.items === 0 && !level.lambda && (word === 'lam' || word === 'lambda')) {
        level.lambda = true;
        continue;
      }
      const found = completed(1, start);
      if (found) return found;
    }
  }
  return undefined;
}

const tooDeepReason = `the program is more than ${MAX_TERM_DEPTH} levels deep here (each argument of an application counts one level); split long applications and deep nesting into inventions`;

/** The parse tree with offsets, before names are resolved. */
type Syntax =
  | { kind: 'abstraction'; at: number; body: Syntax }
  | { kind: 'application'; at: number; fn: Syntax; args: Syntax[] }
  | { kind: 'inline'; at: number; name: string; body: Syntax }
  | { kind: 'index'; at: number; index: number }
  | { kind: 'param'; at: number; index: number }
  | { kind: 'name'; at: number; name: string }
  | { kind: 'keyword'; at: number; name: string };

/** `$i` is an index, `#i` a parameter, `lam`/`lambda` only open an abstraction; the rest are names. */
function classifyAtom(text: string, at: number): Syntax {
  const numbered = /^([$#])([0-9]+)$/.exec(text);
  if (numbered) return { kind: numbered[1] === '$' ? 'index' : 'param', at, index: Number(numbered[2]) };
  if (text === 'lam' || text === 'lambda') return { kind: 'keyword', at, name: text };
  return { kind: 'name', at, name: text };
}

const semantics = grammar.createSemantics().addOperation<Syntax>('syntax', {
  Program(term, _end) {
    return term.syntax();
  },
  Abstraction(_open, _keyword, body, _close) {
    return { kind: 'abstraction', at: this.source.startIdx, body: body.syntax() };
  },
  Application(_open, fn, args, _close) {
    return {
      kind: 'application',
      at: this.source.startIdx,
      fn: fn.syntax(),
      args: args.children.map((a) => a.syntax() as Syntax),
    };
  },
  Invention(name, body) {
    const text = name.sourceString;
    return { kind: 'inline', at: this.source.startIdx, name: text.slice(1, -1), body: body.syntax() };
  },
  atom(_chars) {
    return classifyAtom(this.sourceString, this.source.startIdx);
  },
});

/** Parses program text in either form; see ProgramForm and grammar.ts for the syntax. */
export function parseProgram(text: string, options: ParseOptions = {}): Result<Term, ParseError> {
  const source = options.source ?? '<input>';
  const maxLength = options.maxLength ?? DEFAULT_MAX_PROGRAM_LENGTH;
  if (text.length > maxLength) {
    return err(new ParseError(`the program is ${text.length} characters long, more than the limit of ${maxLength}; raise the limit (--max-length) to parse it`, text, maxLength, source));
  }
  const tooDeep = tooDeepAt(text);
  if (tooDeep !== undefined) return err(new ParseError(tooDeep.reason, text, tooDeep.offset, source));
  let match: ohm.MatchResult;
  try {
    match = grammar.match(text);
  } catch (e) {
    // Deep chains of inline inventions can still exhaust the stack inside the matcher.
    if (e instanceof RangeError) return err(new ParseError('the program nests too deeply to parse; split it into inventions', text, 0, source));
    throw e;
  }
  if (match.failed()) {
    const offset = match.getRightmostFailurePosition();
    return err(new ParseError(describeFailure(text, offset, match.getExpectedText()), text, offset, source));
  }
  const syntax = semantics(match).syntax() as Syntax;
  const resolved = resolve(syntax, { text, source, form: options.form ?? 'auto', dsl: options.dsl });
  return resolved.ok ? ok(resolved.value.term) : resolved;
}

/** The reason for a syntax error, with a hint for the common mistakes. */
function describeFailure(text: string, offset: number, expectedText: string): string {
  // Ohm lists every way a term can start; say it in two words.
  const expected = expectedText.includes('a name') && expectedText.includes('"("')
    ? `a term${expectedText.includes('")"') ? ' or ")"' : ''}`
    : expectedText;
  if (expected === 'end of input') {
    return 'expected end of input: a program is one term; wrap several terms in parentheses to apply the first to the rest';
  }
  if (offset >= text.length && text.trim().length > 0) return `unexpected end of input: expected ${expected}`;
  if (offset > 0 && text[offset] === ')' && expected === 'a term') {
    const before = text.slice(0, offset).trimEnd();
    if (before.endsWith('}')) return 'expected a term before ")": an inline invention {name} is followed by its body';
    if (/\((lam|lambda)$/.test(before)) return 'expected a term before ")": (lam body) needs a body';
    if (/\(\s*[^\s(){}]+$/.test(before)) return 'expected a term before ")": an application needs a function and at least one argument';
  }
  return `expected ${expected}`;
}

/** Like parseProgram, for text that is known to be valid (tests, built-in tables): throws otherwise. */
export function parseProgramOrThrow(text: string, options: ParseOptions = {}): Term {
  const parsed = parseProgram(text, options);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

interface ResolveContext {
  readonly text: string;
  readonly source: string;
  readonly form: ProgramForm;
  readonly dsl?: Dsl;
}

/** A resolved term and its depth (see MAX_TERM_DEPTH). */
interface Resolved {
  readonly term: Term;
  readonly depth: number;
}

function resolve(node: Syntax, ctx: ResolveContext): Result<Resolved, ParseError> {
  switch (node.kind) {
    case 'abstraction': {
      const body = resolve(node.body, ctx);
      return body.ok ? deepenedBy(ctx, node.at, lam(body.value.term), body.value.depth) : body;
    }
    case 'application': {
      const fn = resolve(node.fn, ctx);
      if (!fn.ok) return fn;
      let { term, depth } = fn.value;
      for (const argument of node.args) {
        const arg = resolve(argument, ctx);
        if (!arg.ok) return arg;
        const next = deepenedBy(ctx, argument.at, app(term, arg.value.term), Math.max(depth, arg.value.depth));
        if (!next.ok) return next;
        ({ term, depth } = next.value);
      }
      return ok({ term, depth });
    }
    case 'inline': {
      if (ctx.form === 'stitch') {
        return failAt(ctx, node.at, `inline invention {${node.name}} is combined form, but this text is read in stitch form: write the invention by its name alone`);
      }
      const body = resolve(node.body, ctx);
      return body.ok ? deepenedBy(ctx, node.at, invention(node.name, body.value.term), body.value.depth) : body;
    }
    case 'index':
      if (!Number.isSafeInteger(node.index)) return failAt(ctx, node.at, 'de Bruijn index is too large');
      return ok({ term: idx(node.index), depth: 1 });
    case 'param':
      if (ctx.form === 'combined') {
        return failAt(ctx, node.at, `abstraction parameter #${node.index} belongs to the stitch form; parse with form "stitch" or "auto"`);
      }
      if (!Number.isSafeInteger(node.index)) return failAt(ctx, node.at, 'abstraction parameter is too large');
      return ok({ term: param(node.index), depth: 1 });
    case 'name': {
      const named = resolveName(node.name, node.at, ctx);
      if (!named.ok) return named;
      // A DSL invention brings its body, whose depth counts too.
      const depth = named.value.kind === 'invention' ? 1 + termDepth(named.value.body) : 1;
      return depth > MAX_TERM_DEPTH ? tooDeep(ctx, node.at) : ok({ term: named.value, depth });
    }
    case 'keyword':
      return failAt(ctx, node.at, `"${node.name}" opens an abstraction and takes exactly one body: (${node.name} body)`);
  }
}

/** `term`, one level deeper than `inner`, or the error at `at` when that is too deep. */
function deepenedBy(ctx: ResolveContext, at: number, term: Term, inner: number): Result<Resolved, ParseError> {
  return inner + 1 > MAX_TERM_DEPTH ? tooDeep(ctx, at) : ok({ term, depth: inner + 1 });
}

function tooDeep(ctx: ResolveContext, at: number): Result<never, ParseError> {
  return failAt(ctx, at, tooDeepReason);
}

function resolveName(name: string, at: number, ctx: ResolveContext): Result<Term, ParseError> {
  const dsl = ctx.dsl;
  if (!dsl) return ok(prim(name));
  const inv = dsl.inventions.get(name);
  if (inv) return ok(invention(name, inv.body));
  if (dsl.primitives.has(name)) return ok(prim(name));
  return err(new UnknownNameError(name, closestNames(name, dslNames(dsl)), dsl.name, ctx.text, at, ctx.source));
}

function failAt(ctx: ResolveContext, at: number, reason: string): Result<never, ParseError> {
  return err(new ParseError(reason, ctx.text, at, ctx.source));
}
