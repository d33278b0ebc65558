/**
 * Proofs of smallest size for `synth find`, with their cost: for every connected graph on
 * `--nodes` vertices (default 4), the exact search (A* over configurations with the admissible
 * bound of src/synth/graphs/find.ts) runs under a size limit raised one at a time from the bound
 * at the start up to the direct construction's size (`findUnderRaisedLimits`). A limit with no
 * program rules out every program of that size or smaller; the first limit with one gives the
 * smallest size, proven, and the program, checked by evaluation. Configurations held and
 * seconds are recorded per limit, peak memory for the run.
 *
 * K4 is the expensive one: finding its program of 22 holds about 3 million configurations
 * (the suite proves it from the program in hand, test/synth/find.test.ts).
 *
 * Run: npx tsx benchmarks/find-proof.ts [--nodes 4] [--max-states 40000000]
 */
import { loadavg } from 'node:os';
import { printProgram } from '../src/dsl/print.ts';
import { initialState } from '../src/dsl/domains/graph.ts';
import { programSize } from '../src/dsl/metrics.ts';
import { connectedGraphs, constructProgram, edgeCount, findUnderRaisedLimits } from '../src/synth/graphs/index.ts';
import { loadNote, machineInfo, reportBenchmark } from './machine.ts';
import { buildsGraph, edgeListText, numberFlag, uniformGraphGrammar } from './synthSetup.ts';

const nodes = numberFlag('nodes', 4, { integer: true });
const maxStates = numberFlag('max-states', 40_000_000, { integer: true });
const grammar = uniformGraphGrammar();
const started = performance.now();

const graphs = connectedGraphs(nodes).map((target) => {
  const limits: { maxSize: number; found: boolean; stop: string; configurations: number; expanded: number; seconds: number }[] = [];
  const built = constructProgram(target, initialState().graph.maxConn);
  if (!built.ok) throw new Error(`no construction for ${edgeListText(target)}: ${built.reason}`);
  let t = performance.now();
  const result = findUnderRaisedLimits(target, grammar, { maxStates }, programSize(built.term), (maxSize, search) => {
    limits.push({ maxSize, found: search.programs.length > 0, stop: search.stop, configurations: search.configurations, expanded: search.expanded, seconds: Math.round((performance.now() - t) / 100) / 10 });
    t = performance.now();
  });
  const [best] = result.programs;
  if (best === undefined) return { nodes, edgeCount: edgeCount(target), edges: edgeListText(target), size: null, proven: false, lowerBound: result.lowerBound, limits };
  const builds = buildsGraph(best.term, target);
  return { nodes, edgeCount: edgeCount(target), edges: edgeListText(target), size: best.size, proven: builds, program: printProgram(best.term), evaluatesToTarget: builds, limits };
});

reportBenchmark(`find-proof-${nodes}`, {
  benchmark: 'find-proof',
  command: `npx tsx benchmarks/find-proof.ts --nodes ${nodes} --max-states ${maxStates}`,
  dsl: 'uniform graph DSL (base primitives)',
  method: 'exact A* (src/synth/graphs/find.ts) under a size limit raised from the starting bound until a program is found; every smaller size exhausted',
  maxStates,
  seconds: Math.round((performance.now() - started) / 100) / 10,
  peakResidentMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  graphs,
  machine: machineInfo({ backend: 'none (pure TypeScript, one thread)', loadAverage: loadavg() }),
  note: loadNote(),
});
