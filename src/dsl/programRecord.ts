/**
 * One program text in, one record out: parse, type-check at `S -> S`, evaluate, measure.
 * Every expected failure (parse, type, budget, runtime) becomes an error record, so a batch
 * of programs can go on past a bad one. `synth eval` prints these records.
 */
import { programRequest, typeEnvOf, type Dsl } from './dsl.ts';
import { evaluate, type EvalBudget } from './evaluate.ts';
import type { ProgramGraph } from './graph.ts';
import { toOriginalJson, type OriginalGraphJson } from './graphFormats.ts';
import { checkType } from './infer.ts';
import { programMass, programSize } from './metrics.ts';
import { parseProgram, type ProgramForm } from './parse.ts';
import { printProgram } from './print.ts';
import type { Term } from './term.ts';

/** `internal`: a bug of the toolkit met on this program (the batch goes on; the exit code says so). */
export type ProgramErrorKind = 'parse' | 'type' | 'budget' | 'runtime' | 'internal';

export interface ProgramError {
  readonly kind: ProgramErrorKind;
  readonly message: string;
}

export type ProgramOutcome =
  | {
      readonly ok: true;
      /** Canonical combined-form text. */
      readonly program: string;
      readonly term: Term;
      readonly size: number;
      readonly mass: number;
      readonly graph: ProgramGraph;
    }
  | { readonly ok: false; readonly program: string; readonly error: ProgramError };

export interface ProgramRunOptions {
  readonly dsl: Dsl;
  readonly form?: ProgramForm;
  readonly maxConn?: number;
  readonly budget?: Partial<EvalBudget>;
  /** Names the text's origin in parse errors (`<stdin>:3`). */
  readonly source?: string;
  /** Longest program text accepted (see parse.ts DEFAULT_MAX_PROGRAM_LENGTH). */
  readonly maxLength?: number;
}

export function runProgramText(text: string, options: ProgramRunOptions): ProgramOutcome {
  const program = text.trim();
  const fail = (kind: ProgramErrorKind, message: string, shown = program): ProgramOutcome => ({
    ok: false,
    program: shortened(shown),
    error: { kind, message },
  });
  const parsed = parseProgram(program, { form: options.form ?? 'auto', dsl: options.dsl, source: options.source, maxLength: options.maxLength });
  // An unknown name is a parse failure of the text; its message carries the suggestions.
  if (!parsed.ok) return fail('parse', parsed.error.message);
  const term = parsed.value;
  const canonical = printProgram(term, { form: 'combined' });
  const { dsl } = options;
  const typed = checkType(term, programRequest(dsl), typeEnvOf(dsl));
  if (!typed.ok) return fail('type', typed.error.message, canonical);
  const result = evaluate(term, { maxConn: options.maxConn, budget: options.budget });
  if (!result.ok) return fail(result.error.kind, result.error.message, canonical);
  const mass = programMass(term, options.budget?.maxSteps);
  if (!mass.ok) return fail('budget', mass.error.message, canonical);
  return { ok: true, program: canonical, term, size: programSize(term), mass: mass.value, graph: result.value };
}

/** Longest program text repeated in an error record; longer ones are cut (the message says where). */
const SHOWN_PROGRAM_LENGTH = 1_000;

function shortened(program: string): string {
  return program.length <= SHOWN_PROGRAM_LENGTH ? program : `${program.slice(0, SHOWN_PROGRAM_LENGTH)}... (${program.length} characters)`;
}

export interface ProgramRecordJson {
  program: string;
  size: number;
  mass: number;
  output: OriginalGraphJson;
}

export interface ProgramErrorRecordJson {
  program: string;
  error: ProgramError;
}

/** The record form: the original's fields (`program`, `size`, `mass`, `output`), or the error. */
export function outcomeRecord(outcome: ProgramOutcome): ProgramRecordJson | ProgramErrorRecordJson {
  if (!outcome.ok) return { program: outcome.program, error: outcome.error };
  return { program: outcome.program, size: outcome.size, mass: outcome.mass, output: toOriginalJson(outcome.graph) };
}
