/**
 * The map of what the graph DSL expresses cheaply: for every connected simple graph on 2-N
 * vertices (default 6: 142 graphs), the size of the smallest program that builds it (`synth
 * find`), whether that size is proven smallest within the state limit, and otherwise the lower
 * bound the exact search proved. Before the searches, a novelty exploration of
 * `--explore-programs` programs (graphs up to N nodes, size <= 40; 0 to skip) offers the
 * smallest program it found for each graph as a first upper bound (`source: known`).
 * Results depend only on the limits (counts, not time). `--max-nodes 7` (995 graphs) writes
 * find-sizes-7.json, the default find-sizes.json.
 * Run: npx tsx benchmarks/find-sizes.ts [--max-nodes 6] [--max-states 20000] [--explore-programs 700000]
 *        [--explore-size 40] [--argument-pool 4]
 */
import { loadavg } from 'node:os';
import { machineInfo, reportBenchmark } from './machine.ts';
import { edgeListText, numberFlag, uniformGraphGrammar, loadNote } from './synthSetup.ts';
import { printProgram } from '../src/dsl/print.ts';
import { connectedGraphsBetween, edgeCount, explore, findGraphProgram, GraphCatalog, simpleGraphOf } from '../src/synth/graphs/index.ts';
import type { Term } from '../src/dsl/term.ts';

const maxNodes = numberFlag('max-nodes', 6);
const maxStates = numberFlag('max-states', 20_000);
const explorePrograms = numberFlag('explore-programs', 700_000, { integer: true, zero: true });
const exploreSize = numberFlag('explore-size', 40);
const argumentPool = numberFlag('argument-pool', 4);
const grammar = uniformGraphGrammar();
const started = performance.now();
// The exploration's smallest program per class, looked up by isomorphism.
const explored = new GraphCatalog<Term[]>();
if (explorePrograms > 0) {
  const found = explore(grammar, { strategy: 'novelty', maxNodes, maxSize: exploreSize, argumentPool, maxPrograms: explorePrograms });
  for (const g of found.graphs) explored.add(simpleGraphOf(g.graph), [g.term]);
}
const exploreSeconds = Math.round((performance.now() - started) / 100) / 10;
const graphs = connectedGraphsBetween(2, maxNodes).map((target) => {
  const t = performance.now();
  const result = findGraphProgram(target, grammar, { maxStates, known: explored.find(target)?.payload });
  const edges = edgeListText(target);
  if ('error' in result) return { nodes: target.order, edges, error: result.error };
  const [best] = result.programs;
  return {
    nodes: target.order,
    edgeCount: edgeCount(target),
    edges,
    size: best.size,
    proven: result.proven,
    lowerBound: result.lowerBound,
    source: result.source,
    states: result.search.configurations,
    milliseconds: Math.round(performance.now() - t),
    program: printProgram(best.term),
  };
});
const byOrder: Record<number, { graphs: number; proven: number; smallestSizes: number[]; meanSize: number }> = {};
for (const g of graphs) {
  if (!('size' in g)) continue;
  const row = (byOrder[g.nodes] ??= { graphs: 0, proven: 0, smallestSizes: [], meanSize: 0 });
  row.graphs++;
  if (g.proven) row.proven++;
  row.smallestSizes.push(g.size!);
}
for (const row of Object.values(byOrder)) {
  row.meanSize = Math.round((row.smallestSizes.reduce((a, b) => a + b, 0) / row.smallestSizes.length) * 10) / 10;
  row.smallestSizes.sort((a, b) => a - b);
}
reportBenchmark(maxNodes === 6 ? 'find-sizes' : `find-sizes-${maxNodes}`, {
  benchmark: 'find-sizes',
  reference: `${graphs.length} connected simple graphs on 2-${maxNodes} vertices, up to isomorphism`,
  dsl: 'uniform graph DSL (base primitives)',
  maxStates,
  exploration: { strategy: 'novelty', maxNodes, maxSize: exploreSize, argumentPool, programs: explorePrograms, seconds: exploreSeconds },
  seconds: Math.round((performance.now() - started) / 100) / 10,
  byOrder,
  graphs,
  machine: machineInfo({ backend: 'none (pure TypeScript, one thread)', loadAverage: loadavg() }),
  note: loadNote(),
});
