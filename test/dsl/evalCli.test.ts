import { synth as runSynth } from '../helpers/cli.ts';
import { describe, expect, it } from 'vitest';
import { dslFilePath, loadProgramRecords } from './referenceData.ts';

const synth = (args: string[], input = '') => runSynth(args, { input });

const lines = (out: string) => out.split('\n').filter((l) => l !== '');
const records = loadProgramRecords();
const small = records.reduce((a, b) => (b.size < a.size ? b : a));
const large = records.reduce((a, b) => (b.mass > a.mass ? b : a));

// Each spawn loads the whole CLI (a few CPU seconds), so each test covers several behaviours.
describe('synth eval (end to end)', () => {
  it('evaluates one program given as an argument; --format original prints its graph alone', async () => {
    const r = await synth(['eval', '--format', 'original', small.program]);
    expect(r.code).toBe(0);
    expect(lines(r.stdout).map((l) => JSON.parse(l))).toEqual([small.output]);
  });

  it('reads stdin lines in order, skips blank lines, reports a bad line in place and exits 1', async () => {
    const input = [small.program, '', '(push (add (connect identity)', large.program, '(push $0)', '(push (conect identity))'].join('\n');
    const r = await synth(['eval'], `${input}\n`);
    expect(r.code).toBe(1);
    const out = lines(r.stdout).map((l) => JSON.parse(l));
    expect(out).toHaveLength(5);
    expect(out[0]).toEqual({ program: small.program, size: small.size, mass: small.mass, output: small.output });
    expect(out[1].program).toBe('(push (add (connect identity)');
    expect(out[1].error.kind).toBe('parse');
    expect(out[1].error.message).toMatch(/<stdin line 3>:1:\d+: .*expected "\)"/);
    expect(out[2]).toEqual({ program: large.program, size: large.size, mass: large.mass, output: large.output });
    expect(out[3].error).toMatchObject({ kind: 'type' });
    expect(out[4].error.kind).toBe('parse');
    expect(out[4].error.message).toMatch(/did you mean "connect"/);
    expect(r.stderr).toMatch(/3 programs failed/);
  });

  it('resolves stitch-form names through --dsl (canonical combined text out); a runaway program hits the step budget', async () => {
    const tower = `(lam (${Array(6).fill('{twice}(lam (lam ($1 ($1 $0))))').join(' ')} next_port identity $0))`;
    const r = await synth(['eval', '--dsl', dslFilePath(11), '--max-steps', '100000'], `${large.stitch_program}\n${tower}\n`);
    expect(r.code).toBe(1);
    const [stitch, runaway] = lines(r.stdout).map((l) => JSON.parse(l));
    expect(stitch).toEqual({ program: large.program, size: large.size, mass: large.mass, output: large.output });
    expect(runaway.error.kind).toBe('budget');
    expect(runaway.error.message).toMatch(/100000 evaluation steps/);
  });

  it('--format json prints our graph form', async () => {
    const r = await synth(['eval', '--format', 'json', small.program]);
    expect(r.code).toBe(0);
    const graph = JSON.parse(r.stdout);
    expect(graph.nodes).toHaveLength(small.output.size);
    expect(graph.nextId).toBe(small.output.next_id);
    expect(graph.maxConn).toBe(10);
    expect(graph.edges).toHaveLength(small.output.edges.length / 2);
  });

  it('--format dot prints a DOT graph per program and a comment for a failing one', async () => {
    const r = await synth(['eval', '--format', 'dot'], `${small.program}\n(push\n`);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^graph "program" \{\n/);
    expect(r.stdout.match(/ -- /g)).toHaveLength(small.output.edges.length / 2);
    expect(r.stdout).toMatch(/\n\/\/ parse error in \(push: /);
  });

  it('rejects a bad option with a user error (exit 1) that says how to fix it', async () => {
    const r = await synth(['eval', '--format', 'xml', small.program]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--format: unknown value "xml"[\s\S]*record, original, json, dot/);
  });
});
