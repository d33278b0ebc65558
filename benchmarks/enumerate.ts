/**
 * Enumeration speed on the uniform graph DSL, one core, one window (default 15 s):
 * programs enumerated AND evaluated per second, and distinct connected graphs found
 * (up to isomorphism), for Heap Search, the window search (every program in flat memory), and
 * the state searches; plus Heap Search's enumeration alone. The novelty search runs at the
 * default program size (20) and at size 40 (`synth search --max-size 40`): at 20 the size
 * limit, not the window, caps the graphs it can reach.
 * Run: npx tsx benchmarks/enumerate.ts [--seconds 15]
 */
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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

// A full collection before each run, so a run's heap samples do not count the previous run's garbage.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const summarize = (strategy: EnumerationStrategyName, size = maxSize) => {
  collectGarbage();
  const cpu = process.cpuUsage();
  // Heap in use, sampled every 100,000 programs: its peak (catalog included) shows whether memory grows with the run.
  let peak = 0;
  const onProgress = () => (peak = Math.max(peak, process.memoryUsage().heapUsed));
  const { graphs, ...rest } = explore(grammar, { strategy, maxSize: size, seconds, onProgress, progressEvery: 100_000 });
  const used = process.cpuUsage(cpu);
  const peakHeapUsedMiB = Math.round(peak / 2 ** 20);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return {
    ...rest,
    programsPerSecond: Math.round(rest.programsPerSecond),
    // CPU time is less disturbed by other processes than the wall clock.
    cpuSeconds: Math.round(cpuSeconds * 100) / 100,
    programsPerCpuSecond: Math.round(rest.programs / cpuSeconds),
    largestGraphNodes: Math.max(0, ...graphs.map((g) => g.graph.nodes.length)),
    maxSize: size,
    peakHeapUsedMiB,
  };
};
const heap = summarize('heap');
const windows = summarize('windows');
const states = summarize('states');
const novelty = summarize('novelty');
const noveltySize40 = summarize('novelty', 40);

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
  windowSearch: windows,
  stateSearch: states,
  noveltySearch: novelty,
  noveltySearchSize40: noveltySize40,
  original: { programsPerSecond: '~70k (436k-1.06M per 15 s window)', distinctGraphsFirstSearch: 2 },
  // What the synthesis goals ask of this window, and the figures when they were set (for comparison).
  goals: {
    heapSearchProgramsPerSecond: {
      goal: 700_000,
      atGoalSetting: '300-400k',
      what: 'enumerated and evaluated, skipped programs counted apart, memory flat in the run length',
      now: 'windowSearch.programsPerSecond and .peakHeapUsedMiB (every program, as Heap Search, in flat memory) beside heapSearch',
    },
    noveltyDistinctGraphs: { goal: 200, atGoalSetting: 26, now: 'noveltySearch (size 20) and noveltySearchSize40' },
  },
  machine: machineInfo({ backend: 'none (pure TypeScript, one thread)', loadAverage: loadavg() }),
  note: loadNote(),
});
