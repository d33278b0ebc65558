/**
 * A DSL as data: typed primitives and learned inventions with their prior log-probabilities.
 * Semantics are not part of a Dsl: a domain (e.g. src/dsl/domains/graph.ts) exports a table of
 * name -> type + implementation and a Dsl is built from it, so synthesis and typing never
 * depend on how a primitive runs.
 */
import { ok, type Result } from './result.ts';
import type { DslTypeError } from './errors.ts';
import type { Term } from './term.ts';
import { arrow, tcon, type Type } from './types.ts';
import { inferInventionType, type TypeEnv } from './infer.ts';

export interface PrimitiveEntry {
  readonly name: string;
  readonly type: Type;
  readonly logProbability: number;
}

export interface InventionEntry extends PrimitiveEntry {
  /** The abstraction's body, a closed term (inventions inside it carry their own bodies). */
  readonly body: Term;
}

export interface Dsl {
  readonly name: string;
  /** The base type programs transform; programs are requested at `state -> state`. */
  readonly stateType: Type;
  readonly primitives: ReadonlyMap<string, PrimitiveEntry>;
  readonly inventions: ReadonlyMap<string, InventionEntry>;
  /** Prior log-probability of choosing a variable (`$i`). */
  readonly varLogProbability: number;
}

/** The graph DSL's state type. The original names it `graph_state`; we print it `S`. */
export const STATE_TYPE_NAME = 'S';
export const ORIGINAL_STATE_TYPE_NAME = 'graph_state';
export const stateType: Type = tcon(STATE_TYPE_NAME);

/** A primitive as a domain table lists it: anything with a type (implementations ignored). */
export interface TypedName {
  readonly type: Type;
}

export interface DslOptions {
  readonly name: string;
  readonly stateType?: Type;
  /** Prior log-probability per primitive name; unlisted primitives get `defaultLogProbability`. */
  readonly logProbabilities?: Readonly<Record<string, number>>;
  /** Defaults to 0 (unweighted: a grammar normalizes per type). */
  readonly defaultLogProbability?: number;
  readonly varLogProbability?: number;
}

/** A name is usable in program text when it prints as one token that parses back to itself. */
export function isValidName(name: string): boolean {
  return (
    name.length > 0 &&
    !/[\s(){}]/.test(name) &&
    name !== 'lam' &&
    name !== 'lambda' &&
    !/^[$#][0-9]+$/.test(name)
  );
}

function assertValidName(name: string): void {
  if (!isValidName(name)) {
    throw new Error(
      `"${name}" cannot be a DSL name: names are non-empty, without whitespace, parentheses or braces, and not lam, lambda, $i or #i`,
    );
  }
}

/** Builds a Dsl from a domain table: `{ name: { type, ... } }`, a Map, or a list of `{ name, type }`. */
export function dslFromPrimitives(
  table:
    | Readonly<Record<string, TypedName>>
    | ReadonlyMap<string, TypedName>
    | Iterable<TypedName & { readonly name: string }>,
  options: DslOptions,
): Dsl {
  const rows: [string, TypedName][] =
    table instanceof Map
      ? [...(table as ReadonlyMap<string, TypedName>).entries()]
      : Symbol.iterator in (table as object)
        ? [...(table as Iterable<TypedName & { name: string }>)].map((r) => [r.name, r] as [string, TypedName])
        : Object.entries(table as Record<string, TypedName>);
  const primitives = new Map<string, PrimitiveEntry>();
  for (const [name, row] of rows) {
    assertValidName(name);
    if (primitives.has(name)) throw new Error(`primitive "${name}" is listed twice in DSL "${options.name}"`);
    primitives.set(name, {
      name,
      type: row.type,
      logProbability: options.logProbabilities?.[name] ?? options.defaultLogProbability ?? 0,
    });
  }
  return {
    name: options.name,
    stateType: options.stateType ?? stateType,
    primitives,
    inventions: new Map(),
    varLogProbability: options.varLogProbability ?? 0,
  };
}

/** An invention to add: its type is inferred from the body (and checked when given). */
export interface NewInvention {
  readonly name: string;
  readonly body: Term;
  readonly type?: Type;
  readonly logProbability?: number;
}

/**
 * The DSL extended with inventions, each typed by inference over its body (an invention may
 * use those added before it). A declared type must agree with the inferred one.
 */
export function withInventions(dsl: Dsl, added: readonly NewInvention[]): Result<Dsl, DslTypeError> {
  const inventions = new Map(dsl.inventions);
  let current: Dsl = dsl;
  for (const inv of added) {
    assertValidName(inv.name);
    if (current.primitives.has(inv.name) || inventions.has(inv.name)) {
      throw new Error(`"${inv.name}" is already a name in DSL "${dsl.name}"`);
    }
    const typed = inferInventionType(inv.name, inv.body, typeEnvOf(current), inv.type);
    if (!typed.ok) return typed;
    inventions.set(inv.name, {
      name: inv.name,
      body: inv.body,
      type: typed.value,
      logProbability: inv.logProbability ?? 0,
    });
    current = { ...current, inventions: new Map(inventions) };
  }
  return ok(current);
}

/** The typing environment of a DSL: every primitive's and invention's (declared) type. */
export function typeEnvOf(dsl: Dsl): TypeEnv {
  const names = new Map<string, Type>();
  for (const [name, entry] of dsl.primitives) names.set(name, entry.type);
  for (const [name, entry] of dsl.inventions) names.set(name, entry.type);
  return { names, stateType: dsl.stateType };
}

/** Every name a program over this DSL may use, primitives first. */
export function dslNames(dsl: Dsl): string[] {
  return [...dsl.primitives.keys(), ...dsl.inventions.keys()];
}

/** The request type of a program: `state -> state`. */
export function programRequest(dsl: Dsl): Type {
  return arrow(dsl.stateType, dsl.stateType);
}
