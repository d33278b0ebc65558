/**
 * Loading and saving DSL files. Two formats are read: the original system's
 * (originalDsl.ts) and our own, which saveDsl writes:
 *
 *   { "format": "gssnn-dsl", "version": 1, "name": "graph", "stateType": "S",
 *     "varLogProbability": 0,
 *     "primitives": [ { "name": "add", "type": "(S -> S) -> S -> S", "logProbability": 0 } ],
 *     "inventions": [ { "name": "fn_0", "type": "(S -> S) -> S -> S",
 *                       "body": "(lam (push (add (connect $0))))", "logProbability": 0 } ] }
 *
 * Types are text (typeSyntax.ts), bodies are combined-form program text; an invention body may
 * name the inventions listed before it. An invention's type may be left out (it is inferred);
 * when given it must agree with inference.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { dslFromPrimitives, ORIGINAL_STATE_TYPE_NAME, STATE_TYPE_NAME, withInventions, type Dsl } from './dsl.ts';
import { checkAgainstDomain, type DomainSignature } from './domainCheck.ts';
import { DslFileError } from './errors.ts';
import { dslFromOriginalJson, zodIssueToError } from './originalDsl.ts';
import { parseProgram } from './parse.ts';
import { printProgram } from './print.ts';
import { err, ok, type Result } from './result.ts';
import { parseType } from './typeSyntax.ts';
import { showType, type Type } from './types.ts';

export const DSL_FILE_FORMAT = 'gssnn-dsl';
export const DSL_FILE_VERSION = 1;

const primitiveSchema = z.strictObject({
  name: z.string().min(1),
  type: z.string().min(1),
  logProbability: z.number().default(0),
});

const inventionSchema = z.strictObject({
  name: z.string().min(1),
  type: z.string().min(1).optional(),
  body: z.string().min(1),
  logProbability: z.number().default(0),
});

export const dslFileSchema = z.strictObject({
  format: z.literal(DSL_FILE_FORMAT),
  version: z.literal(DSL_FILE_VERSION),
  name: z.string().min(1),
  stateType: z.string().min(1).default(STATE_TYPE_NAME),
  varLogProbability: z.number().default(0),
  primitives: z.array(primitiveSchema),
  inventions: z.array(inventionSchema).default([]),
});

export type DslFileJson = z.input<typeof dslFileSchema>;

const typeAliases = { [ORIGINAL_STATE_TYPE_NAME]: STATE_TYPE_NAME };

export interface LoadDslOptions {
  /** When given, every primitive must be one of this domain's, with its type. */
  readonly domain?: DomainSignature;
}

/** Reads a DSL file in either format (told apart by its fields). */
export function loadDsl(file: string, options: LoadDslOptions = {}): Result<Dsl, DslFileError> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return err(new DslFileError(file, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path`));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err(new DslFileError(file, `not valid JSON: ${(e as Error).message}`));
  }
  return dslFromJson(json, file, options);
}

/** A Dsl from parsed JSON in either format; `file` names it in errors (and names an original DSL). */
export function dslFromJson(json: unknown, file: string, options: LoadDslOptions = {}): Result<Dsl, DslFileError> {
  const checked = (loaded: Result<Dsl, DslFileError>) => (loaded.ok && options.domain ? checkAgainstDomain(loaded.value, options.domain, file) : loaded);
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const fields = json as Record<string, unknown>;
    if ('library' in fields) return checked(dslFromOriginalJson(json, file, path.basename(file).replace(/\.json$/, '')));
    if ('format' in fields) return checked(dslFromOwnJson(json, file));
  }
  return err(new DslFileError(file,
    `not a DSL file: expected an object with "format": "${DSL_FILE_FORMAT}" (our format) or a "library" list (the original's format)`));
}

function dslFromOwnJson(json: unknown, file: string): Result<Dsl, DslFileError> {
  const checked = dslFileSchema.safeParse(json);
  if (!checked.success) return err(zodIssueToError(checked.error.issues[0], json, file, ['primitives', 'inventions']));
  const data = checked.data;
  const typeOf = (text: string, where: string): Result<Type, string> => {
    const t = parseType(text, { aliases: typeAliases, source: where });
    return t.ok ? t : err(t.error.message);
  };

  const state = typeOf(data.stateType, `${file} stateType`);
  if (!state.ok) return err(new DslFileError(file, state.error, undefined, 'stateType'));

  const rows: { name: string; type: Type }[] = [];
  for (const [index, entry] of data.primitives.entries()) {
    const where = { list: 'primitives', index, name: entry.name };
    const t = typeOf(entry.type, `${file} primitives[${index}].type`);
    if (!t.ok) return err(new DslFileError(file, t.error, where, 'type'));
    if (rows.some((r) => r.name === entry.name)) return err(new DslFileError(file, `primitive "${entry.name}" is listed twice`, where, 'name'));
    rows.push({ name: entry.name, type: t.value });
  }
  let dsl: Dsl;
  try {
    dsl = dslFromPrimitives(rows, {
      name: data.name,
      stateType: state.value,
      logProbabilities: Object.fromEntries(data.primitives.map((p) => [p.name, p.logProbability])),
      varLogProbability: data.varLogProbability,
    });
  } catch (e) {
    return err(new DslFileError(file, (e as Error).message, undefined, 'primitives'));
  }

  for (const [index, entry] of data.inventions.entries()) {
    const where = { list: 'inventions', index, name: entry.name };
    let declared: Type | undefined;
    if (entry.type !== undefined) {
      const t = typeOf(entry.type, `${file} inventions[${index}].type`);
      if (!t.ok) return err(new DslFileError(file, t.error, where, 'type'));
      declared = t.value;
    }
    if (dsl.primitives.has(entry.name) || dsl.inventions.has(entry.name)) {
      return err(new DslFileError(file, `"${entry.name}" is already a name in this DSL`, where, 'name'));
    }
    const body = parseProgram(entry.body, { form: 'combined', dsl, source: `${file} inventions[${index}].body` });
    if (!body.ok) return err(new DslFileError(file, body.error.message, where, 'body'));
    let next;
    try {
      next = withInventions(dsl, [{ name: entry.name, body: body.value, type: declared, logProbability: entry.logProbability }]);
    } catch (e) {
      return err(new DslFileError(file, (e as Error).message, where, 'name'));
    }
    if (!next.ok) return err(new DslFileError(file, next.error.message, where, declared ? 'type' : 'body'));
    dsl = next.value;
  }
  return ok(dsl);
}

/** Our file format's JSON for a DSL. */
export function dslToJson(dsl: Dsl): DslFileJson {
  return {
    format: DSL_FILE_FORMAT,
    version: DSL_FILE_VERSION,
    name: dsl.name,
    stateType: showType(dsl.stateType),
    varLogProbability: dsl.varLogProbability,
    primitives: [...dsl.primitives.values()].map((p) => ({ name: p.name, type: showType(p.type), logProbability: p.logProbability })),
    inventions: [...dsl.inventions.values()].map((i) => ({
      name: i.name,
      type: showType(i.type),
      body: printProgram(i.body, { form: 'combined' }),
      logProbability: i.logProbability,
    })),
  };
}

/** Writes the DSL in our format (atomically: a temporary file renamed over the target). */
export function saveDsl(dsl: Dsl, file: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(dslToJson(dsl), null, 2)}\n`);
  renameSync(temporary, file);
}
