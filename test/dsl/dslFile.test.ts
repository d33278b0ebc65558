/** DSL files: the original's twelve load with agreeing types; ours round-trips; bad files name entry and field. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { graphDsl } from '../../src/dsl/domains/graphDsl.ts';
import { withInventions, type Dsl } from '../../src/dsl/dsl.ts';
import { dslFromJson, dslToJson, loadDsl, saveDsl } from '../../src/dsl/dslFile.ts';
import { DslFileError } from '../../src/dsl/errors.ts';
import { inferType } from '../../src/dsl/infer.ts';
import { typeFromOriginalJson } from '../../src/dsl/originalDsl.ts';
import { parseProgramOrThrow } from '../../src/dsl/parse.ts';
import { printProgram } from '../../src/dsl/print.ts';
import { termEquals } from '../../src/dsl/term.ts';
import { arrow, showType, tcon, typeEquals } from '../../src/dsl/types.ts';
import { dslFilePath } from './referenceData.ts';

interface OriginalEntry {
  dc_name: string;
  stitch_name: string;
  ty: unknown;
  impl: unknown;
  log_likelihood: number;
}
const originalJson = (k: number) =>
  JSON.parse(readFileSync(dslFilePath(k), 'utf8')) as { library: OriginalEntry[]; [field: string]: unknown };

const scratch = mkdtempSync(path.join(os.tmpdir(), 'dsl-file-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function load(k: number): Dsl {
  const loaded = loadDsl(dslFilePath(k));
  if (!loaded.ok) throw loaded.error;
  return loaded.value;
}

function fileError(json: unknown, file = 'bad.json'): DslFileError {
  const loaded = dslFromJson(json, file);
  expect(loaded.ok).toBe(false);
  if (loaded.ok) throw new Error('expected a DSL file error');
  expect(loaded.error).toBeInstanceOf(DslFileError);
  expect(loaded.error.kind).toBe('dsl-file');
  return loaded.error;
}

describe("the original's DSL files", () => {
  it.each(Array.from({ length: 12 }, (_, k) => [k]))('dsl_%i loads with every entry', (k) => {
    const json = originalJson(k);
    const dsl = load(k);
    expect(dsl.name).toBe(`dsl_${k}`);
    expect(showType(dsl.stateType)).toBe('S');
    expect(dsl.primitives.size + dsl.inventions.size).toBe(json.library.length);
    expect(dsl.varLogProbability).toBe(json.var_log_likelihood);
    for (const entry of json.library) {
      const loaded = dsl.primitives.get(entry.stitch_name) ?? dsl.inventions.get(entry.stitch_name);
      expect(loaded, entry.stitch_name).toBeDefined();
      expect(loaded!.logProbability).toBe(entry.log_likelihood);
    }
  });

  it("every invention's inferred type equals its recorded ty, and its body prints back to dc_name", () => {
    let inventions = 0;
    for (let k = 0; k < 12; k++) {
      const dsl = load(k);
      for (const entry of originalJson(k).library) {
        const recorded = typeFromOriginalJson(entry.ty);
        if (!recorded.ok) throw new Error(recorded.error.reason);
        if (entry.impl === null) {
          expect(typeEquals(dsl.primitives.get(entry.dc_name)!.type, recorded.value)).toBe(true);
          continue;
        }
        const body = parseProgramOrThrow(entry.dc_name, { form: 'combined' });
        const inferred = inferType(body, { names: new Map([...dsl.primitives].map(([n, p]) => [n, p.type])) });
        if (!inferred.ok) throw inferred.error;
        expect(showType(inferred.value), `dsl_${k} ${entry.stitch_name}`).toBe(showType(recorded.value));
        expect(printProgram(dsl.inventions.get(entry.stitch_name)!.body)).toBe(entry.dc_name);
        inventions++;
      }
    }
    expect(inventions).toBe(70); // 0+0+1+1+4+4+7+7+10+10+13+13
  });

  it('has the exact primitive types of the original (identity S -> S; func, if_positions_equal take continuations)', () => {
    const types = Object.fromEntries([...load(0).primitives].map(([n, p]) => [n, showType(p.type)]));
    expect(types).toEqual({
      identity: 'S -> S',
      next_port: '(S -> S) -> S -> S',
      prev_port: '(S -> S) -> S -> S',
      func: '(S -> S) -> (S -> S) -> S -> S',
      if_positions_equal: '(S -> S) -> (S -> S) -> (S -> S) -> (S -> S) -> (S -> S) -> S -> S',
      move: '(S -> S) -> S -> S',
      add: '(S -> S) -> S -> S',
      push: '(S -> S) -> S -> S',
      pop: '(S -> S) -> S -> S',
      connect: '(S -> S) -> S -> S',
    });
    // The built-in graph DSL has the same signature.
    const builtIn = graphDsl();
    for (const [name, type] of Object.entries(types)) expect(showType(builtIn.primitives.get(name)!.type)).toBe(type);
  });
});

describe('our DSL file format', () => {
  it('saves and loads back the same DSL', () => {
    const original = load(11);
    const file = path.join(scratch, 'dsl_11.dsl.json');
    saveDsl(original, file);
    const again = loadDsl(file);
    if (!again.ok) throw again.error;
    expect(again.value.name).toBe('dsl_11');
    expect(dslToJson(again.value)).toEqual(dslToJson(original));
    for (const [name, inv] of original.inventions) {
      expect(termEquals(again.value.inventions.get(name)!.body, inv.body)).toBe(true);
      expect(typeEquals(again.value.inventions.get(name)!.type, inv.type)).toBe(true);
    }
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('"type": "(S -> S) -> S -> S"');
    expect(text).toContain('"body": "(lam (push (add (connect $0))))"');
  });

  it('reads hand-written files: types inferred when left out, bodies naming earlier inventions, graph_state accepted', () => {
    const loaded = dslFromJson(
      {
        format: 'gssnn-dsl',
        version: 1,
        name: 'mine',
        stateType: 'graph_state',
        primitives: [
          { name: 'identity', type: 'graph_state -> graph_state' },
          { name: 'add', type: '(S -> S) -> S -> S', logProbability: -1 },
          { name: 'connect', type: '(S -> S) -> S -> S' },
        ],
        inventions: [
          { name: 'grow', body: '(lam (add (connect $0)))' },
          { name: 'grow2', body: '(lam (grow (grow $0)))', type: '(S -> S) -> S -> S' },
        ],
      },
      'mine.json',
    );
    if (!loaded.ok) throw loaded.error;
    const dsl = loaded.value;
    expect(showType(dsl.inventions.get('grow')!.type)).toBe('(S -> S) -> S -> S');
    expect(printProgram(dsl.inventions.get('grow2')!.body)).toBe('(lam ({grow}(lam (add (connect $0))) ({grow}(lam (add (connect $0))) $0)))');
    expect(dsl.primitives.get('add')!.logProbability).toBe(-1);
    expect(dsl.primitives.get('identity')!.logProbability).toBe(0);
  });

  it('withInventions types new inventions and rejects a disagreeing declared type', () => {
    const base = graphDsl();
    const body = parseProgramOrThrow('(lam (push (add (connect $0))))');
    const added = withInventions(base, [{ name: 'fn_0', body }]);
    if (!added.ok) throw added.error;
    expect(showType(added.value.inventions.get('fn_0')!.type)).toBe('(S -> S) -> S -> S');
    const wrong = withInventions(base, [{ name: 'fn_0', body, type: arrow(tcon('S'), tcon('S')) }]);
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.error.message).toMatch(/fn_0.*declared type: expected S -> S, got \(S -> S\) -> S -> S/);
  });
});

describe('malformed DSL files', () => {
  const json11 = () => originalJson(11);

  it('a broken type names the file, the entry (index and name) and the field', () => {
    const json = json11();
    (json.library[3].ty as [string, { left: unknown }])[1].left = ['Arow', {}];
    const error = fileError(json, 'dsl_11.json');
    expect(error.entry).toEqual({ list: 'library', index: 3, name: 'fn_9' });
    expect(error.field).toBe('ty.left');
    expect(error.message).toBe('dsl_11.json: library entry 3 ("fn_9"), field "ty.left": unknown type tag "Arow"; expected Arrow, Constructor or Id');
  });

  it('a missing or mistyped field is named', () => {
    const json = json11();
    delete (json.library[5] as Partial<OriginalEntry>).dc_name;
    const missing = fileError(json);
    expect(missing.entry).toMatchObject({ index: 5, name: 'fn_7' });
    expect(missing.field).toBe('dc_name');
    const mistyped = json11();
    (mistyped.library[20] as unknown as Record<string, unknown>).log_likelihood = 'high';
    const error = fileError(mistyped);
    expect(error.message).toMatch(/^bad\.json: library entry 20 \("push"\), field "log_likelihood": .*expected number/);
  });

  it('an unknown field is named', () => {
    const json = json11();
    (json.library[0] as unknown as Record<string, unknown>).weight = 3;
    const error = fileError(json);
    expect(error.message).toBe('bad.json: library entry 0 ("fn_12"), field "weight": unknown field "weight"');
  });

  it('an invention whose recorded type disagrees with inference is rejected', () => {
    const json = json11();
    const identityType = json.library.find((e) => e.dc_name === 'identity')!.ty;
    json.library[1].ty = identityType; // fn_11 is (S -> S) -> S -> S
    const error = fileError(json);
    expect(error.field).toBe('ty');
    expect(error.message).toMatch(/library entry 1 \("fn_11"\), field "ty": recorded type S -> S disagrees with the type inferred from dc_name, \(S -> S\) -> S -> S/);
  });

  it('a body that does not parse or names an unknown primitive shows where, with suggestions', () => {
    const json = json11();
    json.library[1].dc_name = '(lam (ad (connect $0)))';
    const error = fileError(json);
    expect(error.field).toBe('dc_name');
    expect(error.message).toContain('unknown name "ad"');
    expect(error.message).toContain('did you mean "add"');
    expect(error.message).toContain('library[1].dc_name:1:7');
  });

  it('an inline invention must match the entry of that name', () => {
    const json = json11();
    json.library[0].dc_name = '(lam ({fn_0}(lam (pop (add (connect $0)))) (next_port $0)))';
    const error = fileError(json);
    expect(error.message).toMatch(/library entry 0 \("fn_12"\), field "dc_name": inline \{fn_0\} has a body different from entry "fn_0"/);
  });

  it('our format: a bad type text shows its position; a duplicate name is named', () => {
    const base = { format: 'gssnn-dsl', version: 1, name: 'x', primitives: [{ name: 'add', type: '(S -> S -> S' }] };
    const error = fileError(base, 'x.json');
    expect(error.entry).toEqual({ list: 'primitives', index: 0, name: 'add' });
    expect(error.field).toBe('type');
    expect(error.message).toContain('primitives[0].type:1:13: expected ")"');
    const duplicate = fileError({ ...base, primitives: [{ name: 'a', type: 'S -> S' }, { name: 'a', type: 'S' }] });
    expect(duplicate.message).toBe('bad.json: primitives entry 1 ("a"), field "name": primitive "a" is listed twice');
    const unknownField = fileError({ ...base, primitives: [{ name: 'a', type: 'S', typ: 'S' }] });
    expect(unknownField.message).toBe('bad.json: primitives entry 0 ("a"), field "typ": unknown field "typ"');
  });

  it('files that are not DSL files say what a DSL file looks like', () => {
    expect(fileError([1, 2]).message).toMatch(/not a DSL file: expected an object with "format": "gssnn-dsl"/);
    const notJson = path.join(scratch, 'broken.json');
    writeFileSync(notJson, '{ "format": ');
    const broken = loadDsl(notJson);
    expect(!broken.ok && broken.error.message).toMatch(/broken\.json: not valid JSON/);
    const missing = loadDsl(path.join(scratch, 'absent.json'));
    expect(!missing.ok && missing.error.message).toMatch(/absent\.json: cannot read the file \(ENOENT\); check the path/);
  });
});
