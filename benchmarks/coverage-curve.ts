/**
 * The next frontier of coverage: how many of the 853 connected graphs on 7 vertices (and of the
 * 142 on 2-6) the novelty search reaches from the uniform DSL as its window grows, one core.
 * The search is limited to 7-node graphs, with programs up to size 80 and 16 branch programs
 * per `func` argument (the settings of coverage.json's best row) and a larger state cap; the curve is read off the
 * order in which classes were first found, against the programs and seconds it took.
 * Run: npx tsx benchmarks/coverage-curve.ts [--seconds 120]
 * Writes benchmarks/results/coverage-curve.{json,svg,png}.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { machineInfo, reportBenchmark, resultsDir } from './machine.ts';
import { numberFlag, uniformGraphGrammar, loadNote } from './synthSetup.ts';
import { connectedGraphs, explore, GraphCatalog, simpleGraphOf } from '../src/synth/graphs/index.ts';
import { writeChart, type VegaLiteSpec } from '../src/util/plot.ts';

const seconds = numberFlag('seconds', 120);
// Six million held states (about 3 GiB): at the default two million the cap binds within about 70 s.
const settings = { strategy: 'novelty' as const, maxNodes: 7, maxSize: 80, argumentPool: 16, maxStates: 6_000_000 };

// The reference classes by order (7 vertices: 2^21 edge subsets, about 40 s to catalog).
const reference = new GraphCatalog<{ order: number; hit: boolean }>();
const totals: Record<number, number> = {};
for (let order = 2; order <= 7; order++) {
  const graphs = connectedGraphs(order);
  totals[order] = graphs.length;
  for (const g of graphs) reference.add(g, { order, hit: false });
}

// (programs, seconds) samples, to place each class's discovery in time.
const clock: { programs: number; seconds: number }[] = [{ programs: 0, seconds: 0 }];
const result = explore(uniformGraphGrammar(), {
  ...settings,
  seconds,
  progressEvery: 10_000,
  onProgress: (p) => clock.push({ programs: p.programs, seconds: p.seconds }),
});
clock.push({ programs: result.programs, seconds: result.seconds });

const secondsAt = (programs: number) => clock.find((c) => c.programs >= programs)?.seconds ?? result.seconds;
const found = [...result.graphs].sort((a, b) => a.firstFoundAt - b.firstFoundAt);
const covered = { upTo6: 0, seven: 0 };
const curve: { programs: number; seconds: number; upTo6: number; seven: number }[] = [];
for (const g of found) {
  const entry = reference.find(simpleGraphOf(g.graph));
  if (entry === undefined || entry.payload.hit) continue;
  entry.payload.hit = true;
  if (entry.payload.order === 7) covered.seven++;
  else covered.upTo6++;
  curve.push({ programs: g.firstFoundAt, seconds: Math.round(secondsAt(g.firstFoundAt) * 100) / 100, ...covered });
}
const upTo6Total = totals[2] + totals[3] + totals[4] + totals[5] + totals[6];
// The curve runs to the end of the window, past the last discovery.
curve.push({ programs: result.programs, seconds: Math.round(result.seconds * 100) / 100, ...covered });
// Points at 1, 2, 5, 10, ... seconds for the table; the chart takes every discovery.
const marks = [1, 2, 5, 10, 20, 30, 60, 90, 120, 180, 240, 300, 600].filter((s) => s <= seconds);
const atSeconds = marks.map((s) => {
  const last = curve.filter((c) => c.seconds <= s).at(-1);
  return { seconds: s, upTo6: last?.upTo6 ?? 0, seven: last?.seven ?? 0 };
});

const chart: VegaLiteSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  title: `Novelty search coverage, uniform DSL, graphs of <= 7 nodes, one core`,
  width: 420,
  height: 260,
  data: {
    values: curve.flatMap((c) => [
      { seconds: c.seconds, fraction: c.upTo6 / upTo6Total, set: `2-6 nodes (${upTo6Total})` },
      { seconds: c.seconds, fraction: c.seven / totals[7], set: `7 nodes (${totals[7]})` },
    ]),
  },
  mark: { type: 'line', interpolate: 'step-after' },
  encoding: {
    x: { field: 'seconds', type: 'quantitative', title: 'seconds' },
    y: { field: 'fraction', type: 'quantitative', title: 'fraction of the connected graphs found', scale: { domain: [0, 1] } },
    color: { field: 'set', type: 'nominal', title: null },
  },
} as VegaLiteSpec;
const plot = await writeChart(join(resultsDir, 'coverage-curve'), chart);

reportBenchmark('coverage-curve', {
  benchmark: 'coverage-curve',
  reference: `connected simple graphs up to isomorphism: ${Object.entries(totals).map(([n, t]) => `${t} on ${n}`).join(', ')} vertices`,
  command: `synth enumerate --strategy novelty --max-nodes 7 --max-size 80 --argument-pool 16 --max-states 6000000 --seconds ${seconds}`,
  settings: { ...settings, seconds },
  covered: { upTo6: covered.upTo6, upTo6Total, seven: covered.seven, sevenTotal: totals[7] },
  atSeconds,
  programs: result.programs,
  programsPerSecond: Math.round(result.programsPerSecond),
  states: result.states,
  curve,
  plot,
  machine: machineInfo({ backend: 'none (pure TypeScript, one thread)', loadAverage: loadavg() }),
  note: loadNote(),
});
