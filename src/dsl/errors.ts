/**
 * Expected failures of the program language: bad program text, unknown names, ill-typed
 * terms, malformed DSL files. They are returned in `Result`s (never thrown by the library)
 * and each renders a message that says what is wrong, where, and how to fix it.
 */
import type { Type } from './types.ts';
import { showType } from './types.ts';
import { UserFacingError } from '../util/errors.ts';

/** A place in a text: 0-based offset, 1-based line and column. */
export interface TextPosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** Line and column (1-based) of `offset` in `text`; offsets past the end clamp to the end. */
export function positionOf(text: string, offset: number): TextPosition {
  const at = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset: at, line, column: at - lineStart + 1 };
}

/** Widest excerpt shown: long one-line programs are cut around the caret. */
const EXCERPT_WIDTH = 72;

/** The line holding `offset`, cut to a window around it, with a caret under the offset. */
export function excerptAt(text: string, offset: number): { line: string; caret: string } {
  const at = Math.max(0, Math.min(offset, text.length));
  const start = text.lastIndexOf('\n', at - 1) + 1;
  const endNl = text.indexOf('\n', at);
  const end = endNl === -1 ? text.length : endNl;
  let from = start;
  let to = end;
  let prefix = '';
  let suffix = '';
  if (to - from > EXCERPT_WIDTH) {
    from = Math.max(start, at - Math.floor(EXCERPT_WIDTH / 2));
    to = Math.min(end, from + EXCERPT_WIDTH);
    if (from > start) prefix = '...';
    if (to < end) suffix = '...';
  }
  const line = prefix + text.slice(from, to).replace(/\t/g, ' ') + suffix;
  return { line, caret: ' '.repeat(prefix.length + at - from) + '^' };
}

/** Program text that does not parse. Renders as `file:3:17: expected ")"`, the line, a caret. */
export class ParseError extends UserFacingError {
  override readonly kind: 'parse' | 'unknown-name' = 'parse';
  readonly line: number;
  readonly column: number;
  /** The offending line (cut around the position when long). */
  readonly excerpt: string;
  /** Spaces and a `^` under the position in `excerpt`. */
  readonly caret: string;

  constructor(
    /** What is wrong, without the position: `expected ")"`. */
    readonly reason: string,
    readonly text: string,
    readonly offset: number,
    /** Where the text came from (a file name); `<input>` when unknown. */
    readonly source = '<input>',
  ) {
    super(reason, { kind: 'parse', where: source });
    const pos = positionOf(text, offset);
    this.line = pos.line;
    this.column = pos.column;
    const { line, caret } = excerptAt(text, offset);
    this.excerpt = line;
    this.caret = caret;
    this.message = this.render();
  }

  /** `source:line:column: reason`, then the line and the caret. */
  render(): string {
    return `${this.source}:${this.line}:${this.column}: ${this.reason}\n${this.excerpt}\n${this.caret}`;
  }
}

/** A name that is neither a primitive nor an invention of the DSL in use. */
export class UnknownNameError extends ParseError {
  declare readonly kind: 'unknown-name';

  constructor(
    readonly unknownName: string,
    /** Known names closest to `unknownName` (edit distance), best first. */
    readonly suggestions: readonly string[],
    readonly dslName: string,
    text: string,
    offset: number,
    source?: string,
  ) {
    const hint = suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : '';
    super(`unknown name "${unknownName}" in DSL "${dslName}"${hint}`, text, offset, source);
    (this as { kind: string }).kind = 'unknown-name';
  }
}

/** Why a term is ill-typed. */
export type TypeErrorReason =
  | 'mismatch' // two types that do not unify
  | 'occurs' // a type would have to contain itself (e.g. `$0 $0`)
  | 'unbound-index' // `$i` with fewer than i+1 enclosing lambdas
  | 'unknown-name' // a primitive or invention the environment does not know
  | 'declared-type'; // an invention whose body does not have its declared type

/** An ill-typed term: names the offending subterm and the expected and actual types. */
export class DslTypeError extends UserFacingError {
  override readonly kind = 'type' as const;

  constructor(
    readonly reason: TypeErrorReason,
    /** The offending subterm, printed. */
    readonly subterm: string,
    readonly expected?: Type,
    readonly actual?: Type,
    /** Extra words on the failure (an index, a name). */
    readonly detail?: string,
  ) {
    super('', { kind: 'type' });
    this.message = this.render();
  }

  render(): string {
    const types =
      this.expected && this.actual
        ? `: expected ${showType(this.expected)}, got ${showType(this.actual)}`
        : '';
    switch (this.reason) {
      case 'mismatch':
        return `type error in ${this.subterm}${this.detail ? `: ${this.detail}` : ''}${types}`;
      case 'occurs':
        return `type error in ${this.subterm}: infinite type (a type would contain itself)${types}`;
      case 'unbound-index':
        return `type error in ${this.subterm}: ${this.detail ?? 'unbound de Bruijn index'}; wrap it in enough (lam ...)`;
      case 'unknown-name':
        return `type error in ${this.subterm}: ${this.detail ?? 'unknown name'}; add it to the DSL or fix the name`;
      case 'declared-type':
        return `type error in ${this.subterm}: ${this.detail ?? 'body disagrees with the declared type'}${types}`;
    }
  }
}

/** A DSL file that cannot be loaded: names the file, the entry (index + name) and the field. */
export class DslFileError extends UserFacingError {
  override readonly kind = 'dsl-file' as const;

  constructor(
    readonly file: string,
    readonly reason: string,
    /** The offending entry: its index in `list` (e.g. `library`, `primitives`) and its name. */
    readonly entry?: { readonly list?: string; readonly index: number; readonly name?: string },
    /** Path of the field inside the entry (or the file), e.g. `ty` or `library.3.dc_name`. */
    readonly field?: string,
  ) {
    super('', { kind: 'dsl-file', where: file });
    this.message = this.render();
  }

  render(): string {
    const where: string[] = [];
    if (this.entry) {
      const list = this.entry.list ? `${this.entry.list} ` : '';
      where.push(`${list}entry ${this.entry.index}${this.entry.name ? ` ("${this.entry.name}")` : ''}`);
    }
    if (this.field) where.push(`field "${this.field}"`);
    return `${this.file}: ${where.length ? where.join(', ') + ': ' : ''}${this.reason}`;
  }
}

/** Every expected failure of the program language. */
export type DslError = ParseError | UnknownNameError | DslTypeError | DslFileError;
