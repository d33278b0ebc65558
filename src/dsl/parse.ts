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
import { app, idx, invention, lam, param, prim, type Term } from './term.ts';

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
}

const grammar = ohm.grammar(programGrammarSource);

/**
 * Deepest parenthesis nesting accepted. The matcher recurses per level and exhausts Node's
 * default stack near 650 levels; the original's programs nest at most 18 deep, Stitch's 20.
 */
export const MAX_NESTING = 300;

/** Offset of the first `(` that opens level `limit + 1`, if any. */
function nestingBeyond(text: string, limit: number): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 /* ( */ && ++depth > limit) return i;
    if (c === 41 /* ) */ && depth > 0) depth--;
  }
  return undefined;
}

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
  const tooDeep = nestingBeyond(text, MAX_NESTING);
  if (tooDeep !== undefined) {
    return err(new ParseError(`parentheses nest deeper than ${MAX_NESTING} levels; split the program into inventions`, text, tooDeep, source));
  }
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
  return resolve(syntax, { text, source, form: options.form ?? 'auto', dsl: options.dsl });
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

function resolve(node: Syntax, ctx: ResolveContext): Result<Term, ParseError> {
  switch (node.kind) {
    case 'abstraction': {
      const body = resolve(node.body, ctx);
      return body.ok ? ok(lam(body.value)) : body;
    }
    case 'application': {
      const fn = resolve(node.fn, ctx);
      if (!fn.ok) return fn;
      let term = fn.value;
      for (const argument of node.args) {
        const arg = resolve(argument, ctx);
        if (!arg.ok) return arg;
        term = app(term, arg.value);
      }
      return ok(term);
    }
    case 'inline': {
      if (ctx.form === 'stitch') {
        return failAt(ctx, node.at, `inline invention {${node.name}} is combined form, but this text is read in stitch form: write the invention by its name alone`);
      }
      const body = resolve(node.body, ctx);
      return body.ok ? ok(invention(node.name, body.value)) : body;
    }
    case 'index':
      if (!Number.isSafeInteger(node.index)) return failAt(ctx, node.at, 'de Bruijn index is too large');
      return ok(idx(node.index));
    case 'param':
      if (ctx.form === 'combined') {
        return failAt(ctx, node.at, `abstraction parameter #${node.index} belongs to the stitch form; parse with form "stitch" or "auto"`);
      }
      if (!Number.isSafeInteger(node.index)) return failAt(ctx, node.at, 'abstraction parameter is too large');
      return ok(param(node.index));
    case 'name':
      return resolveName(node.name, node.at, ctx);
    case 'keyword':
      return failAt(ctx, node.at, `"${node.name}" opens an abstraction and takes exactly one body: (${node.name} body)`);
  }
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
