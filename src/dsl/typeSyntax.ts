/**
 * Type expressions as text: `(S -> S) -> S -> S`, `list(S)`, variables `t0` or `'a`.
 * The inverse of showType (types.ts): parseType(showType(t)) equals t for every type whose
 * variables are numbered (showType prints variable k as `tk`).
 */
import * as ohm from 'ohm-js';
import { ParseError } from './errors.ts';
import { typeGrammarSource } from './grammar.ts';
import { err, ok, type Result } from './result.ts';
import { arrow, tcon, tvar, type Type } from './types.ts';

const grammar = ohm.grammar(typeGrammarSource);

export interface TypeParseOptions {
  readonly source?: string;
  /** Constructor names to rename while parsing, e.g. `{ graph_state: 'S' }`. */
  readonly aliases?: Readonly<Record<string, string>>;
}

/**
 * Deepest type accepted: open parentheses plus the arrows before the current position in each
 * (the matcher recurses once per level). The widest built-in type has 6 arrows.
 */
export const MAX_TYPE_NESTING = 100;

/** Longest type text accepted, in characters. */
export const MAX_TYPE_LENGTH = 10_000;

/** Offset of the parenthesis or arrow that makes `text` nest deeper than `limit`, if any. */
function typeNestingBeyond(text: string, limit: number): number | undefined {
  // Arrows seen so far at each open parenthesis level (the outermost level first).
  const arrows: number[] = [0];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') {
      arrows.push(0);
      depth++;
    } else if (c === ')' && arrows.length > 1) {
      depth -= 1 + arrows.pop()!;
    } else if (c === '-' && text[i + 1] === '>') {
      arrows[arrows.length - 1]++;
      depth++;
    } else continue;
    if (depth > limit) return i;
  }
  return undefined;
}

export function parseType(text: string, options: TypeParseOptions = {}): Result<Type, ParseError> {
  if (text.length > MAX_TYPE_LENGTH) {
    return err(new ParseError(`a type of ${text.length} characters is longer than the limit of ${MAX_TYPE_LENGTH}`, text, MAX_TYPE_LENGTH, options.source));
  }
  const tooDeep = typeNestingBeyond(text, MAX_TYPE_NESTING);
  if (tooDeep !== undefined) {
    return err(new ParseError(`the type nests deeper than ${MAX_TYPE_NESTING} levels (parentheses and arrows count one each); simplify it`, text, tooDeep, options.source));
  }
  const match = grammar.match(text);
  if (match.failed()) {
    const offset = match.getRightmostFailurePosition();
    return err(new ParseError(`expected ${match.getExpectedText()}`, text, offset, options.source));
  }
  // Named variables ('a) get ids after every numbered one so they never collide.
  const numbered: number[] = [];
  for (const m of text.matchAll(/(?<![A-Za-z0-9_'])t([0-9]+)(?![A-Za-z0-9_])/g)) numbered.push(Number(m[1]));
  let nextNamed = numbered.length ? Math.max(...numbered) + 1 : 0;
  const named = new Map<string, number>();
  const aliases = options.aliases ?? {};
  const semantics = grammar.createSemantics().addOperation<Type>('type', {
    Type(t, _end) {
      return t.type();
    },
    Arrow_arrow(from, _arrow, to) {
      return arrow(from.type(), to.type());
    },
    Atom_paren(_open, t, _close) {
      return t.type();
    },
    Atom_variable(v) {
      return v.type();
    },
    Atom_applied(name, _open, params, _close) {
      return tcon(aliases[name.sourceString] ?? name.sourceString, params.asIteration().children.map((p) => p.type() as Type));
    },
    Atom_constant(name) {
      return tcon(aliases[name.sourceString] ?? name.sourceString);
    },
    typeVariable_numbered(_t, digits) {
      return tvar(Number(digits.sourceString));
    },
    typeVariable_named(_quote, chars) {
      let id = named.get(chars.sourceString);
      if (id === undefined) {
        id = nextNamed++;
        named.set(chars.sourceString, id);
      }
      return tvar(id);
    },
  });
  return ok(semantics(match).type() as Type);
}
