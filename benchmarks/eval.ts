/**
 * Evaluation throughput of the graph evaluator over the original system's 119 reference
 * programs: parse once, then evaluate every program repeatedly, timing evaluation only
 * (programs/second), plus the cost of the output conversion and of size/mass.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, evaluateGraphState } from '../src/dsl/evaluate.ts';
import { toOriginalJson } from '../src/dsl/graphFormats.ts';
import { programMass } from '../src/dsl/metrics.ts';
import { parseProgram } from '../src/dsl/parse.ts';
import type { Term } from '../src/dsl/term.ts';
import { loadNote, machineInfo, reportBenchmark, throughput } from './machine.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const programsDir = path.resolve(repoRoot, 'reference/gssnn-original/programs');

const terms: Term[] = readdirSync(programsDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => {
    const record = JSON.parse(readFileSync(path.join(programsDir, f), 'utf8')) as { program: string };
    const parsed = parseProgram(record.program, { form: 'combined' });
    if (!parsed.ok) throw new Error(`${f}: ${parsed.error.message}`);
    return parsed.value;
  });

/** Machine steps a program needs: the smallest step budget it completes within. */
function stepsOf(t: Term): number {
  let lo = 1;
  let hi = 1 << 20;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (evaluateGraphState(t, { budget: { maxSteps: mid, maxMillis: 60_000 } }).ok) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

let failures = 0;
const stateOnly = (t: Term) => {
  if (!evaluateGraphState(t).ok) failures++;
};
// Warm up the JIT before measuring.
throughput(terms, stateOnly, 1, 300);
const finalState = throughput(terms, stateOnly, 5, 400);
const programGraph = throughput(terms, (t) => {
  evaluate(t);
}, 5, 400);
const originalJson = throughput(terms, (t) => {
  const r = evaluate(t);
  if (r.ok) toOriginalJson(r.value);
}, 5, 400);
const mass = throughput(terms, (t) => {
  programMass(t);
}, 5, 400);
const steps = terms.map(stepsOf);

reportBenchmark('eval', {
  benchmark: 'eval',
  programs: terms.length,
  evaluationFailures: failures,
  machineStepsPerProgram: { mean: Math.round(steps.reduce((a, b) => a + b, 0) / steps.length), max: Math.max(...steps) },
  programsPerSecond: finalState,
  programsPerSecondToProgramGraph: programGraph,
  programsPerSecondToOriginalJson: originalJson,
  massPerSecond: mass,
  method:
    'best of 5 rounds of >= 400 ms; each round evaluates all 119 parsed reference programs (final state only, then with ' +
    'conversion to ProgramGraph, then to the original JSON); wall = per wall-clock second, cpu = per CPU second of this process',
  machine: machineInfo({ backend: 'none (pure TypeScript evaluator, no tensors)' }),
  note: loadNote(),
});
