import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const reference = path.resolve(repoRoot, 'reference');

function synth(...args: string[]) {
  return spawnSync('node', ['bin/synth.mjs', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
}

describe('synth enumerate', () => {
  it('prints a JSON summary as its last line, with graphs on request', () => {
    const run = synth('enumerate', '--max-programs', '3000', '--max-size', '10', '--json', '--graphs');
    expect(run.status, run.stderr).toBe(0);
    const last = run.stdout.trim().split('\n').at(-1)!;
    const summary = JSON.parse(last);
    expect(summary.programs).toBe(3000);
    expect(summary.distinctGraphs).toBeGreaterThanOrEqual(1);
    expect(summary.graphs).toHaveLength(summary.distinctGraphs);
    expect(summary.graphs[0].program).toBe('(push (add (connect identity)))');
    expect(summary.graphs[0].graph.nodes).toEqual([0, 1]);
    for (const key of ['seconds', 'programsPerSecond']) expect(typeof summary[key]).toBe('number');
  });

  it('searches a DSL file of the original, and runs the state strategy', () => {
    const run = synth('enumerate', '--dsl', path.join(reference, 'gssnn-original/dsls/dsl_11.json'), '--max-programs', '500', '--json');
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!).programs).toBe(500);
    const states = synth('enumerate', '--strategy', 'states', '--max-programs', '200', '--json');
    expect(states.status, states.stderr).toBe(0);
    const summary = JSON.parse(states.stdout.trim().split('\n').at(-1)!);
    expect(summary.strategy).toBe('states');
    expect(summary.states.pruned).toBeGreaterThan(0);
  });

  it('runs the window strategy: every program of Heap Search, in flat memory', () => {
    const summaries = ['windows', 'heap'].map((strategy) => {
      const run = synth('enumerate', '--strategy', strategy, '--max-size', '7', '--json');
      expect(run.status, run.stderr).toBe(0);
      return JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    });
    expect(summaries[0].strategy).toBe('windows');
    expect(summaries[0].programs).toBe(summaries[1].programs);
    expect(summaries[0].distinctGraphs).toBe(summaries[1].distinctGraphs);
    // Its own counters come with it: windows started and steps evaluated from parent states.
    expect(summaries[0].windows.windows).toBeGreaterThan(1);
    expect(summaries[0].windows.evaluations).toBeGreaterThan(0);
    expect(summaries[0].windows.failures).toBe(0);
    expect(summaries[1].windows).toBeUndefined();
  });

  it('runs the novelty strategy up to a quota of graphs within a node limit', () => {
    const run = synth('enumerate', '--strategy', 'novelty', '--stop-after-graphs', '8', '--max-nodes', '5', '--json', '--graphs');
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(summary.strategy).toBe('novelty');
    expect(summary.distinctGraphs).toBe(8);
    for (const g of summary.graphs) expect(g.graph.nodes.length).toBeLessThanOrEqual(5);
    const bad = synth('enumerate', '--strategy', 'novelty', '--max-nodes', '0');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--max-nodes/);
    const unknown = synth('enumerate', '--strategy', 'random');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/novelty/);
  });

  it('reports bad flags as user errors (exit 1) with a hint', () => {
    const bad = synth('enumerate', '--max-size', 'big');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--max-size: expected a positive integer, got "big"/);
    expect(bad.stderr).toMatch(/hint:/);
    const missing = synth('enumerate', '--dsl', 'no-such-file.json');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no-such-file\.json/);
  });

  it('takes the pool of branch programs: a larger one reaches graphs the default does not', () => {
    const graphs = (pool: string) => {
      const run = synth('enumerate', '--strategy', 'novelty', '--max-nodes', '5', '--max-size', '30', '--max-programs', '20000', '--argument-pool', pool, '--json');
      expect(run.status, run.stderr).toBe(0);
      return JSON.parse(run.stdout.trim().split('\n').at(-1)!).distinctGraphs as number;
    };
    expect(graphs('16')).toBeGreaterThan(graphs('4'));
    const bad = synth('enumerate', '--argument-pool', '0');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--argument-pool/);
  });

  it('reports the state cap when it binds, and takes the novelty bound', () => {
    const run = synth('enumerate', '--strategy', 'novelty', '--max-states', '500', '--novelty-bound', '4', '--max-programs', '3000', '--json');
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(summary.states.maxStates).toBe(500);
    expect(summary.states.distinct).toBe(500);
    expect(summary.states.dropped).toBeGreaterThan(0);
    const text = synth('enumerate', '--strategy', 'states', '--max-states', '300', '--max-programs', '2000');
    expect(text.stdout).toMatch(/state cap reached: \d+ new states dropped at --max-states 300/);
    const bad = synth('enumerate', '--max-states', '0');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--max-states/);
  });
});
