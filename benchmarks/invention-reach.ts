/**
 * What inventions add to the novelty search, in a budget of programs (not time, so the figures
 * do not depend on the machine's load): distinct connected graphs, coverage of the 142 graphs on
 * 2-6 vertices, and how each invention was used, for the uniform DSL, the original's dsl_11
 * (13 inventions) and a library learned by our own compression from the uniform DSL's first graphs.
 * Run: npx tsx benchmarks/invention-reach.ts [--programs 20000]
 */
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo, reportBenchmark } from './machine.ts';
import { numberFlag, loadNote } from './synthSetup.ts';
import { loadDsl } from '../src/dsl/dslFile.ts';
import { graphDomain, graphDsl } from '../src/dsl/domains/graphDsl.ts';
import type { Dsl } from '../src/dsl/dsl.ts';
import { type AbstractionBody, compress, withAbstractions } from '../src/synth/compress/index.ts';
import { connectedGraphsBetween, coverageOf, explore, simpleGraphOf, unusedInventions } from '../src/synth/graphs/index.ts';
import { grammarFromDsl } from '../src/synth/grammar.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const programs = numberFlag('programs', 20_000);
const reference = connectedGraphsBetween(2, 6);

function learnedDsl(): Dsl {
  const base = graphDsl();
  const first = explore(grammarFromDsl(base), { strategy: 'novelty', stopAfterGraphs: 40, maxNodes: 6, maxSize: 30 });
  const result = compress(first.graphs.map((g) => g.term), { maxArity: 2, iterations: 4, abstractionPrefix: 'fn_', reservedNames: [...base.primitives.keys()] });
  let dsl = base;
  const earlier: AbstractionBody[] = [];
  for (const a of result.abstractions) {
    const extended = withAbstractions(dsl, [a], earlier);
    earlier.push(a);
    if (extended.ok) dsl = extended.value;
  }
  return dsl;
}

function measure(dsl: Dsl, maxNodes?: number) {
  const grammar = grammarFromDsl(dsl);
  const result = explore(grammar, { strategy: 'novelty', maxPrograms: programs, maxSize: 40, ...(maxNodes ? { maxNodes } : {}) });
  const coverage = coverageOf(result.graphs.map((g) => simpleGraphOf(g.graph)), reference);
  return {
    inventions: dsl.inventions.size,
    distinctGraphs: result.distinctGraphs,
    coverage2to6: `${coverage.covered}/${coverage.total}`,
    seconds: Math.round(result.seconds * 10) / 10,
    distinctGraphsPerSecond: Math.round(result.distinctGraphs / result.seconds),
    inventionUse: result.states?.inventions,
    unused: unusedInventions(dsl.inventions, grammar, result),
  };
}

const original = loadDsl(path.join(repoRoot, 'reference/gssnn-original/dsls/dsl_11.json'), { domain: graphDomain });
if (!original.ok) throw new Error(original.error.message);
const learned = learnedDsl();
reportBenchmark('invention-reach', {
  benchmark: 'invention-reach',
  budget: `novelty search, ${programs} programs, size <= 40`,
  uniform: { noNodeLimit: measure(graphDsl()), maxNodes6: measure(graphDsl(), 6) },
  originalDsl11: { noNodeLimit: measure(original.value), maxNodes6: measure(original.value, 6) },
  learnedByCompression: { noNodeLimit: measure(learned), maxNodes6: measure(learned, 6) },
  machine: machineInfo({ backend: 'none (pure TypeScript, one thread)', loadAverage: loadavg() }),
  note: loadNote(),
});
