/** `synth compress` end to end: summary, JSON output, and user errors with exit code 1. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, synthSync } from '../helpers/cli.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'synth-compress-'));

const synth = (...args: string[]) => synthSync(args);

function corpusFile(name: string, content: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

describe('synth compress', () => {
  const simple = corpusFile('simple.json', JSON.stringify(['(a (lam (a a)))', '(b (lam (b b)))']));

  it('prints a readable summary', { timeout: 60_000 }, () => {
    const run = synth('compress', simple, '--arity', '1', '--iterations', '1', '--rewritten');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('cost 606 -> 402');
    expect(run.stdout).toContain('(#0 (lam (#0 #0)))');
    expect(run.stdout).toContain('(fn_0 a)');
  });

  it('prints Stitch\'s JSON format with --json', { timeout: 60_000 }, () => {
    const run = synth('compress', simple, '-a', '1', '-i', '1', '--json');
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ original_cost: 606, final_cost: 402, rewritten: ['(fn_0 a)', '(fn_0 b)'] });
    expect(out.abstractions[0]).toMatchObject({ name: 'fn_0', arity: 1, body: '(#0 (lam (#0 #0)))', utility: 201, num_uses: 2 });
    expect(out.abstractions[0].cumulative_compression_ratio).toBeCloseTo(606 / 402, 12);
  });

  it('types abstractions against a DSL file with --dsl', { timeout: 60_000 }, () => {
    const reference = path.resolve(repoRoot, 'reference/gssnn-original');
    const graphCorpus = corpusFile(
      'graph.json',
      JSON.stringify(['(fn_1 (next_port (fn_0 identity)))', '(fn_1 (next_port (push identity)))', '(fn_1 (next_port (pop identity)))']),
    );
    const run = synth('compress', graphCorpus, '--dsl', path.join(reference, 'dsls/dsl_11.json'), '-i', '1', '--json');
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    // New names skip every name of the DSL (fn_0 .. fn_12).
    expect(out.abstractions[0]).toMatchObject({ name: 'fn_13', body: '(fn_1 (next_port (#0 identity)))', type: '((S -> S) -> S -> S) -> S -> S' });
  });

  it('reports a program that does not parse, with its position, as a user error', { timeout: 60_000 }, () => {
    const run = synth('compress', corpusFile('broken.json', JSON.stringify(['(f a)', '(f (g a)'])));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('program 1 does not parse');
    expect(run.stderr).toContain('hint:');
  });

  it('rejects bad flags as a user error', { timeout: 60_000 }, () => {
    const flag = synth('compress', simple, '--arity', '-1');
    expect(flag.code).toBe(1);
    expect(flag.stderr).toContain('--arity');
  });
});
