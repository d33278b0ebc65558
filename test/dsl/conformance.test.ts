import { describe, expect, it } from 'vitest';
import { graphDsl } from '../../src/dsl/domains/graphDsl.ts';
import { programRequest, typeEnvOf } from '../../src/dsl/dsl.ts';
import { loadDsl } from '../../src/dsl/dslFile.ts';
import { evaluate } from '../../src/dsl/evaluate.ts';
import { toOriginalJson } from '../../src/dsl/graphFormats.ts';
import { checkType } from '../../src/dsl/infer.ts';
import { programMass, programSize } from '../../src/dsl/metrics.ts';
import { parseProgram } from '../../src/dsl/parse.ts';
import { dslFilePath, loadProgramRecords } from './referenceData.ts';

const records = loadProgramRecords();
const dsl = graphDsl();
const loaded = loadDsl(dslFilePath(11));
if (!loaded.ok) throw loaded.error;
const dsl11 = loaded.value;

describe('conformance with the original system (119 program records)', () => {
  it('finds all 119 records', () => {
    expect(records).toHaveLength(119);
  });

  it.each(records.map((r) => [r.file, r] as const))('%s: parses, type-checks, has its size/mass, builds its graph', (_file, record) => {
    const parsed = parseProgram(record.program, { form: 'combined' });
    if (!parsed.ok) throw parsed.error;
    const term = parsed.value;
    const typed = checkType(term, programRequest(dsl), typeEnvOf(dsl));
    if (!typed.ok) throw typed.error;
    expect(programSize(term)).toBe(record.size);
    expect(programMass(term)).toEqual({ ok: true, value: record.mass });
    const result = evaluate(term);
    if (!result.ok) throw new Error(result.error.message);
    expect(toOriginalJson(result.value)).toEqual(record.output);
    expect(JSON.stringify(toOriginalJson(result.value))).toBe(JSON.stringify(record.output));
  });

  it.each(records.map((r) => [r.file, r] as const))('%s: the stitch form (against dsl_11) builds the same graph', (_file, record) => {
    const parsed = parseProgram(record.stitch_program, { form: 'stitch', dsl: dsl11 });
    if (!parsed.ok) throw parsed.error;
    const typed = checkType(parsed.value, programRequest(dsl11), typeEnvOf(dsl11));
    if (!typed.ok) throw typed.error;
    // Inventions resolve to their bodies, so the stitch form measures the same as the combined one.
    expect(programSize(parsed.value)).toBe(record.size);
    expect(programMass(parsed.value)).toEqual({ ok: true, value: record.mass });
    const result = evaluate(parsed.value);
    if (!result.ok) throw new Error(result.error.message);
    expect(JSON.stringify(toOriginalJson(result.value))).toBe(JSON.stringify(record.output));
  });
});
