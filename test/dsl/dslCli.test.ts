/** `synth dsl` end to end: check program text against a DSL file, convert DSL files. */
import { synth as runSynth } from '../helpers/cli.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dslToJson, loadDsl } from '../../src/dsl/dslFile.ts';
import { dslFilePath, loadProgramRecords, repoRoot } from './referenceData.ts';

const synth = (args: string[]) => runSynth(args);

const scratch = mkdtempSync(path.join(os.tmpdir(), 'dsl-cli-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Each spawn loads the whole CLI (seconds under load), so there are few of them.
describe('synth dsl (end to end)', () => {
  it('check: a stitch program against dsl_11 prints its type and both forms', async () => {
    const record = loadProgramRecords()[0];
    const r = await synth(['dsl', 'check', record.stitch_program, '--dsl', dslFilePath(11), '--form', 'stitch']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`type      S -> S\ncombined  ${record.program}\nstitch    ${record.stitch_program}\n`);
  });

  it('check: an unknown name exits 1 with position, caret and suggestion', async () => {
    const r = await synth(['dsl', 'check', '(next_prot identity)']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('synth: <program>:1:2: unknown name "next_prot" in DSL "graph"; did you mean "next_port"?\n(next_prot identity)\n ^\n');
  });

  it('convert: the original dsl_11.json to our format, loading back to the same DSL', async () => {
    const out = path.join(scratch, 'dsl_11.json');
    const r = await synth(['dsl', 'convert', dslFilePath(11), out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${out}: 10 primitives, 13 inventions\n`);
    const converted = loadDsl(out);
    const original = loadDsl(dslFilePath(11));
    if (!converted.ok) throw converted.error;
    if (!original.ok) throw original.error;
    expect(dslToJson(converted.value)).toEqual(dslToJson(original.value));
  });
});
