/**
 * The original system's DSL files (antireduce's JSON: `library` entries with `dc_name`,
 * `stitch_name`, `ty`, `impl`, `log_likelihood`). Primitives have `impl: null`; an invention's
 * `dc_name` is its body in combined form and its `stitch_name` is its name. Every invention's
 * recorded type must equal the principal type inferred from its body.
 */
import { z } from 'zod';
import { dslFromPrimitives, ORIGINAL_STATE_TYPE_NAME, STATE_TYPE_NAME, type Dsl, type InventionEntry } from './dsl.ts';
import { DslFileError } from './errors.ts';
import { canonicalType, inferType } from './infer.ts';
import { parseProgram } from './parse.ts';
import { err, ok, type Result } from './result.ts';
import { termEquals, type Term } from './term.ts';
import { MAX_TYPE_NESTING } from './typeSyntax.ts';
import { arrow, showType, tcon, tvar, typeEquals, type Type } from './types.ts';

const originalEntrySchema = z.strictObject({
  dc_name: z.string().min(1),
  stitch_name: z.string().min(1),
  ty: z.unknown(),
  impl: z.unknown(),
  log_likelihood: z.number(),
});

export const originalDslSchema = z.strictObject({
  library: z.array(originalEntrySchema),
  state_type: z.unknown(),
  var_log_likelihood: z.number(),
  size: z.number().int().nonnegative(),
  mass: z.number().int().nonnegative(),
});

export type OriginalDslJson = z.infer<typeof originalDslSchema>;

/** Renames the original's state type to ours. */
const stateAlias = (name: string) => (name === ORIGINAL_STATE_TYPE_NAME ? STATE_TYPE_NAME : name);

/**
 * A type from the original's JSON (`["Arrow", {left, right}]`, `["Constructor", {name,
 * parameters}]`, `["Id", k]`), or the path and reason of the first malformed part.
 */
export function typeFromOriginalJson(json: unknown, path = '', depth = 0): Result<Type, { path: string; reason: string }> {
  const fail = (reason: string) => err({ path, reason });
  if (depth > MAX_TYPE_NESTING) return fail(`the type nests deeper than ${MAX_TYPE_NESTING} levels; simplify it`);
  if (!Array.isArray(json) || json.length !== 2 || typeof json[0] !== 'string') {
    return fail('expected ["Arrow", {...}], ["Constructor", {...}] or ["Id", k]');
  }
  const [tag, body] = json as [string, unknown];
  const fields = (body ?? {}) as Record<string, unknown>;
  switch (tag) {
    case 'Id':
      return typeof body === 'number' && Number.isInteger(body) && body >= 0 ? ok(tvar(body)) : fail('expected ["Id", k] with k a natural number');
    case 'Arrow': {
      if (typeof body !== 'object' || body === null) return fail('expected ["Arrow", {left, right}]');
      const left = typeFromOriginalJson(fields.left, `${path}.left`, depth + 1);
      if (!left.ok) return left;
      const right = typeFromOriginalJson(fields.right, `${path}.right`, depth + 1);
      return right.ok ? ok(arrow(left.value, right.value)) : right;
    }
    case 'Constructor': {
      if (typeof body !== 'object' || body === null || typeof fields.name !== 'string' || !Array.isArray(fields.parameters)) {
        return fail('expected ["Constructor", {name: string, parameters: [...]}]');
      }
      const params: Type[] = [];
      for (const [i, p] of (fields.parameters as unknown[]).entries()) {
        const t = typeFromOriginalJson(p, `${path}.parameters.${i}`, depth + 1);
        if (!t.ok) return t;
        params.push(t.value);
      }
      return ok(tcon(stateAlias(fields.name), params));
    }
    default:
      return fail(`unknown type tag "${tag}"; expected Arrow, Constructor or Id`);
  }
}

/** Every inline invention inside `term` (with repeats). */
function inlineInventions(term: Term, out: (Term & { kind: 'invention' })[] = []): (Term & { kind: 'invention' })[] {
  switch (term.kind) {
    case 'invention':
      out.push(term);
      return inlineInventions(term.body, out);
    case 'apply':
      inlineInventions(term.fn, out);
      return inlineInventions(term.arg, out);
    case 'lambda':
      return inlineInventions(term.body, out);
    default:
      return out;
  }
}

/** A Dsl from a parsed original DSL file (`name` is usually the file's base name). */
export function dslFromOriginalJson(json: unknown, file: string, name: string): Result<Dsl, DslFileError> {
  const checked = originalDslSchema.safeParse(json);
  if (!checked.success) return err(zodIssueToError(checked.error.issues[0], json, file));
  const data = checked.data;
  const entryError = (index: number, field: string, reason: string) =>
    err(new DslFileError(file, reason, { list: 'library', index, name: data.library[index].stitch_name }, field));

  const state = typeFromOriginalJson(data.state_type, 'state_type');
  if (!state.ok) return err(new DslFileError(file, state.error.reason, undefined, state.error.path));
  if (data.size !== data.library.length) {
    return err(new DslFileError(file, `size is ${data.size} but the library has ${data.library.length} entries`, undefined, 'size'));
  }

  const types: Type[] = [];
  for (const [index, entry] of data.library.entries()) {
    const t = typeFromOriginalJson(entry.ty, 'ty');
    if (!t.ok) return entryError(index, t.error.path, t.error.reason);
    types.push(t.value);
  }

  const primitiveRows: { name: string; type: Type }[] = [];
  const logProbabilities: Record<string, number> = {};
  for (const [index, entry] of data.library.entries()) {
    if (entry.impl !== null) continue;
    if (entry.dc_name !== entry.stitch_name) {
      return entryError(index, 'stitch_name', `a primitive's stitch_name must equal its dc_name "${entry.dc_name}"`);
    }
    if (primitiveRows.some((r) => r.name === entry.dc_name)) return entryError(index, 'dc_name', `primitive "${entry.dc_name}" is listed twice`);
    primitiveRows.push({ name: entry.dc_name, type: types[index] });
    logProbabilities[entry.dc_name] = entry.log_likelihood;
  }
  if (primitiveRows.length === 0) {
    return err(new DslFileError(file, 'the library lists no primitive (an entry with "impl": null); a DSL needs at least one', undefined, 'library'));
  }
  let base: Dsl;
  try {
    base = dslFromPrimitives(primitiveRows, {
      name,
      stateType: state.value,
      logProbabilities,
      varLogProbability: data.var_log_likelihood,
    });
  } catch (e) {
    return err(new DslFileError(file, (e as Error).message, undefined, 'library'));
  }

  // Bodies inline the inventions they use, so they parse against the primitives alone.
  const inventions = new Map<string, InventionEntry>();
  const indexOf = new Map<string, number>();
  for (const [index, entry] of data.library.entries()) {
    if (entry.impl === null) continue;
    if (base.primitives.has(entry.stitch_name) || inventions.has(entry.stitch_name)) {
      return entryError(index, 'stitch_name', `"${entry.stitch_name}" is already a name in this DSL`);
    }
    const body = parseProgram(entry.dc_name, { form: 'combined', dsl: base, source: `${file} library[${index}].dc_name` });
    if (!body.ok) return entryError(index, 'dc_name', body.error.message);
    const inferred = inferType(body.value, { names: new Map([...base.primitives].map(([n, p]) => [n, p.type])) });
    if (!inferred.ok) return entryError(index, 'dc_name', inferred.error.message);
    if (!typeEquals(inferred.value, canonicalType(types[index]))) {
      return entryError(index, 'ty', `recorded type ${showType(types[index])} disagrees with the type inferred from dc_name, ${showType(inferred.value)}`);
    }
    inventions.set(entry.stitch_name, { name: entry.stitch_name, type: types[index], logProbability: entry.log_likelihood, body: body.value });
    indexOf.set(entry.stitch_name, index);
  }

  // An invention inlined in a body must be the DSL's invention of that name.
  for (const [inventionName, entry] of inventions) {
    for (const inner of inlineInventions(entry.body)) {
      const known = inventions.get(inner.name);
      if (!known) continue;
      if (!termEquals(known.body, inner.body)) {
        return entryError(indexOf.get(inventionName)!, 'dc_name', `inline {${inner.name}} has a body different from entry "${inner.name}"`);
      }
    }
  }
  return ok({ ...base, inventions });
}

/** A DslFileError naming the entry and field of a zod issue. */
export function zodIssueToError(issue: z.core.$ZodIssue, json: unknown, file: string, lists: readonly string[] = ['library']): DslFileError {
  const path = issue.path.map(String);
  let reason = issue.message;
  if (issue.code === 'unrecognized_keys') reason = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  const [list, index, ...rest] = issue.path;
  if (typeof list === 'string' && lists.includes(list) && typeof index === 'number') {
    const raw = (json as Record<string, unknown[]>)[list]?.[index] as Record<string, unknown> | undefined;
    const entryName = [raw?.stitch_name, raw?.name, raw?.dc_name].find((v) => typeof v === 'string') as string | undefined;
    const field = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : rest.map(String).join('.') || undefined;
    return new DslFileError(file, reason, { list, index, name: entryName }, field);
  }
  return new DslFileError(file, reason, undefined, path.join('.') || undefined);
}
