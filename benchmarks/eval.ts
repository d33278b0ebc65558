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
import { machineInfo, reportBenchmark } from './machine.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const programsDir = path.resolve(repoRoot, '../shared/reference/gssnn-original/programs');

const terms: Term[] = readdirSync(programsDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => {
    const record = JSON.parse(readFileSync(path.join(programsDir, f), 'utf8')) as { program: string };
    const parsed = parseProgram(record.program, { form: 'combined' });
    if (!parsed.ok) throw new Error(`${f}: ${parsed.error.message}`);
    return parsed.value;
  });

const cpuMillis = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

interface Rate {
  /** Programs per second of wall-clock time. */
  wall: number;
  /** Programs per second of this process's CPU time (less sensitive to other load). */
  cpu: number;
}

/** Runs `work` over all programs for about `millis` ms per round; best rate of `rounds`. */
function throughput(work: (t: Term) => void, rounds = 5, millis = 400): Rate {
  const best: Rate = { wall: 0, cpu: 0 };
  for (let r = 0; r < rounds; r++) {
    let count = 0;
    const wallStart = performance.now();
    const cpuStart = cpuMillis();
    let elapsed = 0;
    while (elapsed < millis) {
      for (const t of terms) work(t);
      count += terms.length;
      elapsed = performance.now() - wallStart;
    }
    best.wall = Math.max(best.wall, Math.round((count / elapsed) * 1000));
    best.cpu = Math.max(best.cpu, Math.round((count / Math.max(cpuMillis() - cpuStart, 1e-3)) * 1000));
  }
  return best;
}

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
throughput(stateOnly, 1, 300);
const finalState = throughput(stateOnly);
const programGraph = throughput((t) => {
  evaluate(t);
});
const originalJson = throughput((t) => {
  const r = evaluate(t);
  if (r.ok) toOriginalJson(r.value);
});
const mass = throughput((t) => {
  programMass(t);
});
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
  note: 'measured while colleagues ran builds and tests on the same 2 cores (load average above 10); re-run on a quiet machine',
});
