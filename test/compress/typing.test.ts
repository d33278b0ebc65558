/**
 * Abstractions learned from the original system's graph programs enter the graph DSL as
 * typed inventions, and the rewritten programs using them still type at S -> S.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { programRequest, typeEnvOf } from '../../src/dsl/dsl.ts';
import { graphDsl } from '../../src/dsl/domains/graphDsl.ts';
import { checkType } from '../../src/dsl/infer.ts';
import { parseProgramOrThrow } from '../../src/dsl/parse.ts';
import { isArrow, showType } from '../../src/dsl/types.ts';
import { compress, inlineResult, rewrittenWithInventions, stitchText, withAbstractions } from '../../src/synth/compress/index.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const programsDir = path.resolve(repoRoot, 'reference/gssnn-original/programs');

const programs = readdirSync(programsDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(path.join(programsDir, f), 'utf8')) as { program: string })
  .map((r) => parseProgramOrThrow(r.program, { form: 'combined' }));

describe('typed abstractions over the graph DSL', () => {
  const result = compress(programs, { maxArity: 2, iterations: 4 });

  it('learns abstractions that compress the original population', () => {
    expect(result.abstractions.length).toBeGreaterThan(0);
    expect(result.compressionRatio).toBeGreaterThan(1);
    // New names do not collide with the original system's inventions (fn_0 .. fn_12).
    for (const a of result.abstractions) expect(Number(a.name.slice(3))).toBeGreaterThan(12);
    inlineResult(result).forEach((p, i) => expect(stitchText(p)).toBe(stitchText(programs[i])));
  });

  it('types every abstraction and every rewritten program', () => {
    const extended = withAbstractions(graphDsl(), result.abstractions);
    if (!extended.ok) throw extended.error;
    const dsl = extended.value;
    for (const a of result.abstractions) {
      const entry = dsl.inventions.get(a.name)!;
      expect(entry, a.name).toBeDefined();
      // An abstraction with parameters is a function of them.
      if (a.arity > 0) expect(isArrow(entry.type), `${a.name}: ${showType(entry.type)}`).toBe(true);
    }
    const env = typeEnvOf(dsl);
    for (const p of rewrittenWithInventions(result)) {
      const typed = checkType(p, programRequest(dsl), env);
      expect(typed.ok, stitchText(p)).toBe(true);
    }
  });
});
