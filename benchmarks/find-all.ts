/**
 * Goal-directed coverage: `synth find` asked for every connected simple graph on 2-6 vertices
 * (142) and on 7 (853), with a small search budget per graph. Each returned program is
 * evaluated and its graph checked isomorphic to the target, so a graph counts as covered only
 * with a proof. Set beside `coverage.json`, where the enumerator explores without targets.
 * Results depend on the budgets (counts); only the seconds depend on the machine.
 *
 * Run: npx tsx benchmarks/find-all.ts [--max-states 1000]
 */
import { loadavg } from 'node:os';
import { connectedGraphsBetween, findGraphProgram } from '../src/synth/graphs/index.ts';
import { loadNote, machineInfo, reportBenchmark } from './machine.ts';
import { buildsGraph, numberFlag, uniformGraphGrammar } from './synthSetup.ts';

const maxStates = numberFlag('max-states', 1_000, { integer: true });
const grammar = uniformGraphGrammar();

function cover(fromNodes: number, toNodes: number) {
  const started = performance.now();
  const targets = connectedGraphsBetween(fromNodes, toNodes);
  const sources: Record<string, number> = {};
  let covered = 0;
  let proven = 0;
  let sizes = 0;
  for (const target of targets) {
    const result = findGraphProgram(target, grammar, { maxStates, quickStates: maxStates });
    if ('error' in result) continue;
    const [best] = result.programs;
    if (!buildsGraph(best.term, target)) continue;
    covered++;
    sizes += best.size;
    if (result.proven) proven++;
    sources[result.source] = (sources[result.source] ?? 0) + 1;
  }
  const seconds = Math.round((performance.now() - started) / 10) / 100;
  return { nodes: `${fromNodes}-${toNodes}`, graphs: targets.length, covered, seconds, meanSize: Math.round((sizes / covered) * 10) / 10, provenSmallest: proven, sources };
}

reportBenchmark('find-all', {
  benchmark: 'find-all',
  command: `npx tsx benchmarks/find-all.ts --max-states ${maxStates}`,
  what: 'synth find for every connected graph, each answer evaluated and checked isomorphic to its target; one thread',
  dsl: 'uniform graph DSL (base primitives)',
  maxStatesPerGraph: maxStates,
  upToSix: cover(2, 6),
  seven: cover(7, 7),
  machine: machineInfo({ backend: 'none (pure TypeScript, one thread)', loadAverage: loadavg() }),
  note: loadNote(),
});
