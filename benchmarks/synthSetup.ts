/** Shared setup of the synthesis benchmarks: the uniform graph DSL, the seed set, CLI flags. */
import { loadavg } from 'node:os';
import { dslFromPrimitives } from '../src/dsl/dsl.ts';
import { graphPrimitives, graphStateType } from '../src/dsl/domains/graph.ts';
import { parseProgramOrThrow } from '../src/dsl/parse.ts';
import { evaluateGraphState } from '../src/dsl/evaluate.ts';
import type { Term } from '../src/dsl/term.ts';
import { grammarFromDsl, type Grammar } from '../src/synth/grammar.ts';
import { isomorphic, simpleGraphOfState, type SimpleGraph } from '../src/synth/graphs/index.ts';

export function uniformGraphGrammar(): Grammar {
  return grammarFromDsl(dslFromPrimitives(graphPrimitives, { name: 'graph', stateType: graphStateType }));
}

/** A graph's edges as `u-v` pairs, each once, as the find benchmarks record them. */
export const edgeListText = (g: SimpleGraph): string => g.neighbours.flatMap((ns, u) => ns.filter((v) => v > u).map((v) => `${u}-${v}`)).join(' ');

/** The proof by evaluation: the program runs and builds a connected graph isomorphic to the target. */
export function buildsGraph(term: Term, target: SimpleGraph): boolean {
  const out = evaluateGraphState(term);
  return out.ok && out.value.graph.components === 1 && isomorphic(simpleGraphOfState(out.value), target);
}

/** Hand-written seed programs: a 4-node path, a 3-leaf star and a triangle. */
export const SEED_PROGRAMS = [
  '(push (add (connect (next_port (push (add (connect (next_port (push (add (connect identity)))))))))))',
  '(push (add (connect (next_port (add (connect (next_port (add (connect identity)))))))))',
  '(push (add (connect (next_port (push (add (connect (pop (next_port (connect identity))))))))))',
];

export const seedTerms = () => SEED_PROGRAMS.map((text) => parseProgramOrThrow(text));

/** `--name value` from argv, as a positive number (or zero, with `zero`), or the default. */
export function numberFlag(name: string, fallback: number, { integer = false, zero = false } = {}): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zero) || (integer && !Number.isInteger(value))) {
    const kind = `${zero ? 'non-negative' : 'positive'} ${integer ? 'integer' : 'number'}`;
    throw new Error(`--${name}: expected a ${kind}, got "${process.argv[i + 1]}"`);
  }
  return value;
}

/**
 * How busy the machine was, from the 1-minute load average at the end of a one-thread
 * benchmark: up to 1.5 is the benchmark itself (plus noise) on an otherwise quiet machine.
 */
export function loadNote(loadAverage1m: number = loadavg()[0]): string {
  return loadAverage1m <= 1.5
    ? `measured on a quiet machine (1-minute load ${loadAverage1m.toFixed(2)} at the end, this benchmark's own thread included)`
    : 'measured on a shared machine while other processes ran (see loadAverage); figures are to be re-run on a quiet machine';
}
