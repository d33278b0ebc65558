/**
 * Coverage: the fraction of the 142 connected simple graphs on 2-6 vertices (up to
 * isomorphism) that a search reaches within a window (default 60 s), from the uniform graph
 * DSL, after reweighting toward a seed set, and from the original's learned DSL (dsl_11),
 * for Heap Search and for state search; and the novelty search from the uniform DSL (graphs up
 * to 6 nodes, programs up to size 40, 60 and 80), with the programs it took to reach 25/50/75/100 classes.
 * Run: npx tsx benchmarks/coverage.ts [--seconds 60]
 */
import { loadavg } from 'node:os';
import { machineInfo, reportBenchmark } from './machine.ts';
import { SEED_PROGRAMS, numberFlag, seedTerms, uniformGraphGrammar, loadNote } from './synthSetup.ts';
import { connectedGraphsBetween, coverageOf, explore, type ExploreOptions, GraphCatalog, simpleGraphOf } from '../src/synth/graphs/index.ts';
import type { EnumerationStrategyName } from '../src/synth/enumerate/index.ts';
import { reweight } from '../src/synth/reweight.ts';
import { grammarFromDsl, type Grammar } from '../src/synth/grammar.ts';
import { loadDsl } from '../src/dsl/dslFile.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const learnedDslFile = path.resolve(repoRoot, 'reference/gssnn-original/dsls/dsl_11.json');

const seconds = numberFlag('seconds', 60);
const maxSize = 24;
const reference = connectedGraphsBetween(2, 6);
const uniform = uniformGraphGrammar();
const pseudoCount = 0.1;
const reweighted = reweight(uniform, seedTerms().map((term) => ({ term, weight: 1 })), { pseudoCount });

const run = (grammar: Grammar, strategy: EnumerationStrategyName, extra: Partial<ExploreOptions> = {}) => {
  const cpu = process.cpuUsage();
  // Programs enumerated by the time the run held 25, 50, 75, ... of the reference classes.
  const milestones: Record<string, number> = {};
  const held = new GraphCatalog<null>();
  const { graphs, ...rest } = explore(grammar, { strategy, maxSize, seconds, ...extra });
  const cpuUsed = process.cpuUsage(cpu);
  let covered = 0;
  for (const g of graphs) {
    const simple = simpleGraphOf(g.graph);
    if (simple.order > 6 || !held.add(simple, null).added) continue;
    covered++;
    if (covered % 25 === 0) milestones[covered] = g.firstFoundAt;
  }
  const coverage = coverageOf(graphs.map((g) => simpleGraphOf(g.graph)), reference);
  return {
    coverage: { covered: coverage.covered, total: coverage.total, fraction: Math.round(coverage.fraction * 1000) / 1000, byOrder: coverage.byOrder },
    programs: rest.programs,
    programsPerSecond: Math.round(rest.programsPerSecond),
    distinctGraphs: rest.distinctGraphs,
    largestGraphNodes: Math.max(0, ...graphs.map((g) => g.graph.nodes.length)),
    ...(rest.states ? { states: rest.states } : {}),
    cpuSeconds: Math.round((cpuUsed.user + cpuUsed.system) / 1e4) / 100,
    programsPerCpuSecond: Math.round(rest.programs / ((cpuUsed.user + cpuUsed.system) / 1e6)),
    programsToReachClasses: milestones,
  };
};

const probabilities = (g: Grammar) =>
  Object.fromEntries(g.symbols[g.start].productions.map((p) => [p.key, Math.round(Math.exp(p.logProbability) * 1000) / 1000]));

reportBenchmark('coverage', {
  benchmark: 'coverage',
  reference: `${reference.length} connected simple graphs on 2-6 vertices, up to isomorphism`,
  windowSeconds: seconds,
  maxSize,
  uniform: {
    heapSearch: run(uniform, 'heap'),
    stateSearch: run(uniform, 'states'),
    noveltySearch: { maxNodes: 6, maxSize: 40, argumentPool: 4, ...run(uniform, 'novelty', { maxNodes: 6, maxSize: 40, argumentPool: 4 }) },
    // Larger programs reach graphs size 40 cannot build; a larger pool of `func` branches (16 programs
    // instead of 4) lets one step close an edge back to a node deeper in the stack.
    noveltySearchSize60: { maxNodes: 6, maxSize: 60, argumentPool: 4, ...run(uniform, 'novelty', { maxNodes: 6, maxSize: 60, argumentPool: 4 }) },
    noveltySearchSize80Pool16: { maxNodes: 6, maxSize: 80, argumentPool: 16, ...run(uniform, 'novelty', { maxNodes: 6, maxSize: 80, argumentPool: 16 }) },
    noveltySearchNoNodeLimit: { maxSize: 24, ...run(uniform, 'novelty') },
  },
  reweighted: {
    seedPrograms: SEED_PROGRAMS,
    pseudoCount,
    probabilities: probabilities(reweighted),
    heapSearch: run(reweighted, 'heap'),
    stateSearch: run(reweighted, 'states'),
  },
  learned: (() => {
    const loaded = loadDsl(learnedDslFile);
    if (!loaded.ok) return { error: loaded.error.message };
    const learned = grammarFromDsl(loaded.value);
    return {
      dsl: "the original's last learned DSL (dsl_11.json: 10 primitives + 13 inventions, its own weights)",
      heapSearch: run(learned, 'heap'),
      stateSearch: run(learned, 'states'),
    };
  })(),
  // What the synthesis goals ask of this window, and the figures when they were set (for comparison).
  goals: {
    uniformCovered: { goal: 142, atGoalSetting: { noveltySearch: 103, noveltySearchNoNodeLimit: 44, heapSearch: 2 } },
    original: 'Heap Search over its initial DSL, as uniform.heapSearch: 2 of 142',
  },
  machine: machineInfo({ backend: 'none (pure TypeScript, one thread)', loadAverage: loadavg() }),
  note: loadNote(),
});
