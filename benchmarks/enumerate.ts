/**
 * Enumeration speed on the uniform graph DSL, one core, one window (default 15 s):
 * programs enumerated AND evaluated per second, and distinct connected graphs found
 * (up to isomorphism), for Heap Search and for state search; plus enumeration alone.
 * Run: npx tsx benchmarks/enumerate.ts [--seconds 15]
 */
import { loadavg } from 'node:os';
import { machineInfo, reportBenchmark } from './machine.ts';
import { numberFlag, uniformGraphGrammar, loadNote } from './synthSetup.ts';
import { explore } from '../src/synth/graphs/index.ts';
import { enumeratePrograms, type EnumerationStrategyName } from '../src/synth/enumerate/index.ts';

const seconds = numberFlag('seconds', 15);
const maxSize = 20;
const grammar = uniformGraphGrammar();

const started = performance.now();
const enumerationCpu = process.cpuUsage();
let enumerated = 0;
for (const _ of enumeratePrograms(grammar, { maxSize, seconds })) enumerated++;
const enumerationSeconds = (performance.now() - started) / 1000;
const enumerationCpuUsed = process.cpuUsage(enumerationCpu);
// Heap Search keeps every program it built (successor memo): report what that costs.
const heapUsedMiB = Math.round(process.memoryUsage().heapUsed / 2 ** 20);

const summarize = (strategy: EnumerationStrategyName) => {
  const cpu = process.cpuUsage();
  const { graphs, ...rest } = explore(grammar, { strategy, maxSize, seconds });
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return {
    ...rest,
    programsPerSecond: Math.round(rest.programsPerSecond),
    // CPU time is less disturbed by other processes than the wall clock.
    cpuSeconds: Math.round(cpuSeconds * 100) / 100,
    programsPerCpuSecond: Math.round(rest.programs / cpuSeconds),
    largestGraphNodes: Math.max(0, ...graphs.map((g) => g.graph.nodes.length)),
  };
};
const heap = summarize('heap');
const states = summarize('states');
const novelty = summarize('novelty');

reportBenchmark('enumerate', {
  benchmark: 'enumerate',
  dsl: 'uniform graph DSL (10 primitives), request S -> S',
  windowSeconds: seconds,
  maxSize,
  enumerationOnly: {
    programs: enumerated,
    programsPerSecond: Math.round(enumerated / enumerationSeconds),
    programsPerCpuSecond: Math.round(enumerated / ((enumerationCpuUsed.user + enumerationCpuUsed.system) / 1e6)),
    heapUsedMiB,
  },
  heapSearch: heap,
  stateSearch: states,
  noveltySearch: novelty,
  original: { programsPerSecond: '~70k (436k-1.06M per 15 s window)', distinctGraphsFirstSearch: 2 },
  // What the synthesis goals ask of this window, and the figures when they were set (for comparison).
  goals: {
    heapSearchProgramsPerSecond: { goal: 700_000, atGoalSetting: '300-400k', what: 'enumerated and evaluated, skipped programs counted apart, memory flat in the run length' },
    noveltyDistinctGraphs: { goal: 200, atGoalSetting: 26 },
  },
  machine: machineInfo({ backend: 'none (pure TypeScript, one thread)', loadAverage: loadavg() }),
  note: loadNote(),
});
