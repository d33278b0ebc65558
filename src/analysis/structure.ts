/**
 * Structure vs performance, the G-SSNN question: for every trained candidate of a search
 * run, properties of its graph (nodes, edges, cycle rank, degrees, diameter) and of its
 * program (which primitives and inventions it uses), set against its validation and test
 * scores: Spearman correlations with bootstrap intervals, and each candidate compared with
 * the run's random-graph baseline (help / hurt / no detectable difference).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ProgramGraph } from '../dsl/graph.ts';
import { fromOriginalJson } from '../dsl/graphFormats.ts';
import { parseProgram } from '../dsl/parse.ts';
import type { Term } from '../dsl/term.ts';
import type { BaselineRecord, CandidateRecord } from '../synth/searchRecords.ts';
import { type Correlation, spearmanWithInterval } from './correlation.ts';
import { UserFacingError } from '../util/errors.ts';

export class StructureInputError extends UserFacingError {
  constructor(message: string, hint: string) {
    super(message, { kind: 'file', hint });
  }
}

export interface GraphProperties {
  readonly nodes: number;
  readonly edges: number;
  /** Independent cycles: edges - nodes + connected components (parallel edges count). */
  readonly cycleRank: number;
  readonly meanDegree: number;
  readonly maxDegree: number;
  readonly degreeStd: number;
  /** Longest shortest path (edges) between two connected nodes; 0 for one node. */
  readonly diameter: number;
}

export function graphProperties(graph: ProgramGraph): GraphProperties {
  const index = new Map(graph.nodes.map((id, i) => [id, i]));
  const n = graph.nodes.length;
  const neighbours: number[][] = graph.nodes.map(() => []);
  const degree = new Array<number>(n).fill(0);
  for (const e of graph.edges) {
    const [a, b] = [index.get(e.source)!, index.get(e.target)!];
    neighbours[a].push(b);
    neighbours[b].push(a);
    degree[a]++;
    degree[b]++;
  }
  let diameter = 0;
  let components = 0;
  const seen = new Array<boolean>(n).fill(false);
  for (let s = 0; s < n; s++) {
    if (!seen[s]) components++;
    const dist = new Array<number>(n).fill(-1);
    dist[s] = 0;
    seen[s] = true;
    const queue = [s];
    for (let q = 0; q < queue.length; q++) {
      for (const t of neighbours[queue[q]]) {
        if (dist[t] >= 0) continue;
        dist[t] = dist[queue[q]] + 1;
        seen[t] = true;
        diameter = Math.max(diameter, dist[t]);
        queue.push(t);
      }
    }
  }
  const meanDegree = n === 0 ? 0 : degree.reduce((a, b) => a + b, 0) / n;
  const degreeStd = n === 0 ? 0 : Math.sqrt(degree.reduce((s, d) => s + (d - meanDegree) ** 2, 0) / n);
  return { nodes: n, edges: graph.edges.length, cycleRank: graph.edges.length - n + components, meanDegree, maxDegree: Math.max(0, ...degree), degreeStd, diameter };
}

/** How often each primitive and invention occurs in a program (not inside invention bodies). */
export function programVocabulary(term: Term): { primitives: Record<string, number>; inventions: Record<string, number> } {
  const primitives: Record<string, number> = {};
  const inventions: Record<string, number> = {};
  const walk = (t: Term): void => {
    switch (t.kind) {
      case 'primitive':
        primitives[t.name] = (primitives[t.name] ?? 0) + 1;
        return;
      case 'invention':
        inventions[t.name] = (inventions[t.name] ?? 0) + 1;
        return;
      case 'apply':
        walk(t.fn);
        walk(t.arg);
        return;
      case 'lambda':
        walk(t.body);
        return;
      default:
        return;
    }
  };
  walk(term);
  return { primitives, inventions };
}

export interface CandidateStructure {
  readonly id: string;
  readonly program: string;
  readonly iteration: number;
  readonly properties: GraphProperties;
  readonly primitives: Record<string, number>;
  readonly inventions: Record<string, number>;
  readonly validation: number;
  readonly test: number;
  /** Against the random-graph baseline: test accuracy difference and its verdict. */
  readonly versusRandom: { readonly baselineTest: number; readonly difference: number; readonly verdict: 'helps' | 'hurts' | 'no difference' } | null;
}

export interface BaselineScore {
  readonly kind: string;
  readonly elements: number | null;
  readonly validation: number;
  readonly test: number;
}

export interface StructureReport {
  readonly candidates: CandidateStructure[];
  readonly baselines: BaselineScore[];
  /** Spearman rho of each property (and usage count) against validation and test accuracy. */
  readonly correlations: { readonly feature: string; readonly validation: Correlation; readonly test: Correlation }[];
  /** Test examples behind each accuracy (sets the noise band of the verdicts). */
  readonly testExamples: number;
  readonly note: string;
}

function readJsonFiles<T>(dir: string): T[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as T);
}

/**
 * The verdict against a baseline: a difference beyond 1.96 standard errors of a difference
 * of two accuracies on `testExamples` examples (binomial) "helps" or "hurts"; one training
 * seed per model, so this is a screening, not a test over seeds.
 */
export function verdict(candidate: number, baseline: number, testExamples: number): 'helps' | 'hurts' | 'no difference' {
  const p = (candidate + baseline) / 2;
  const band = 1.96 * Math.sqrt((2 * Math.max(p * (1 - p), 1 / testExamples)) / testExamples);
  const d = candidate - baseline;
  return d > band ? 'helps' : d < -band ? 'hurts' : 'no difference';
}

export function analyzeStructure(runDir: string, options: { testExamples: number; seed: number }): StructureReport {
  if (!existsSync(join(runDir, 'candidates'))) throw new StructureInputError(`${runDir}: no candidates/ folder`, 'pass the run directory of `synth search --out DIR`');
  const records = readJsonFiles<CandidateRecord>(join(runDir, 'candidates')).filter((c) => c.status === 'trained' && c.metrics);
  if (records.length === 0) throw new StructureInputError(`${runDir}: no trained candidate`, 'let `synth search` train at least one candidate (resume it with --resume)');
  const baselines: BaselineScore[] = readJsonFiles<BaselineRecord>(join(runDir, 'baselines'))
    .filter((b) => b.metrics)
    .map((b) => ({ kind: b.kind, elements: b.elements, validation: b.metrics!.validation.accuracy, test: b.metrics!.test.accuracy }));
  const random = baselines.find((b) => b.kind === 'random');
  const candidates = records.map((c): CandidateStructure => {
    const graph = fromOriginalJson(c.graph);
    if (!graph.ok) throw new StructureInputError(`${runDir}/candidates/${c.id}.json: bad graph (${graph.error})`, 'the run store is corrupt; re-run the search');
    const parsed = parseProgram(c.program);
    const vocabulary = parsed.ok ? programVocabulary(parsed.value) : { primitives: {}, inventions: {} };
    const test = c.metrics!.test.accuracy;
    return {
      id: c.id,
      program: c.program,
      iteration: c.iteration,
      properties: graphProperties(graph.value),
      ...vocabulary,
      validation: c.metrics!.validation.accuracy,
      test,
      versusRandom: random ? { baselineTest: random.test, difference: test - random.test, verdict: verdict(test, random.test, options.testExamples) } : null,
    };
  });
  const features: [string, (c: CandidateStructure) => number][] = [
    ...(Object.keys(candidates[0].properties) as (keyof GraphProperties)[]).map((k): [string, (c: CandidateStructure) => number] => [k, (c) => c.properties[k]]),
    ...[...new Set(candidates.flatMap((c) => Object.keys(c.primitives)))].sort().map((p): [string, (c: CandidateStructure) => number] => [`uses ${p}`, (c) => c.primitives[p] ?? 0]),
    ...[...new Set(candidates.flatMap((c) => Object.keys(c.inventions)))].sort().map((p): [string, (c: CandidateStructure) => number] => [`uses ${p}`, (c) => c.inventions[p] ?? 0]),
  ];
  // A usage feature that is present (or absent) in fewer than 3 candidates has no rank signal to bootstrap.
  const varies = (value: (c: CandidateStructure) => number) => {
    const present = candidates.filter((c) => value(c) > 0).length;
    return present >= 3 && candidates.length - present >= 3;
  };
  const correlations = features.filter(([name, value]) => !name.startsWith('uses ') || varies(value)).map(([feature, value], k) => {
    const xs = candidates.map(value);
    return {
      feature,
      validation: spearmanWithInterval(xs, candidates.map((c) => c.validation), { seed: options.seed + 2 * k }),
      test: spearmanWithInterval(xs, candidates.map((c) => c.test), { seed: options.seed + 2 * k + 1 }),
    };
  });
  return {
    candidates,
    baselines,
    correlations,
    testExamples: options.testExamples,
    note: `Spearman rho over ${candidates.length} candidates with 95% percentile-bootstrap intervals; one training seed per candidate. Primitives and inventions used by fewer than 3 (or all but 2) candidates are left out. Verdicts compare test accuracy with the run's one random-graph baseline (${random ? `${random.elements ?? '?'} elements, the median candidate size` : 'absent'}) within a binomial noise band on ${options.testExamples} test examples.`,
  };
}
