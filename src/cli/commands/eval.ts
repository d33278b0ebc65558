/** `synth eval`: evaluate graph programs (an argument, or one per stdin line) and print one result each. */
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { DEFAULT_BUDGET } from '../../dsl/evaluate.ts';
import { toDot, toOriginalJson } from '../../dsl/graphFormats.ts';
import type { ProgramForm } from '../../dsl/parse.ts';
import { outcomeRecord, runProgramText, type ProgramOutcome, type ProgramRunOptions } from '../../dsl/programRecord.ts';
import { dslFromFlag } from '../dslFlag.ts';
import { UserError } from '../errors.ts';

const FORMATS = ['record', 'original', 'json', 'dot'] as const;
type OutputFormat = (typeof FORMATS)[number];
const FORMS = ['auto', 'combined', 'stitch'] as const;

interface EvalFlags {
  dsl?: string;
  format: string;
  form: string;
  maxConn: string;
  maxSteps: string;
  maxMillis: string;
}

export function register(program: Command): void {
  program
    .command('eval')
    .description('Evaluate graph programs (PROGRAM, or each non-empty stdin line) and print one result per program, in order')
    .argument('[program]', 'program text; without it, programs are read from stdin, one per line')
    .option('--dsl <file>', 'DSL file (the original dsl_*.json or ours) so invention names resolve (default: the built-in graph DSL)')
    .option('--format <format>', `output: ${FORMATS.join(' | ')}`, 'record')
    .option('--form <form>', `program text form: ${FORMS.join(' | ')}`, 'auto')
    .option('--max-conn <n>', 'ports per node', '10')
    .option('--max-steps <n>', 'evaluation step budget per program', String(DEFAULT_BUDGET.maxSteps))
    .option('--max-millis <ms>', 'wall-clock budget per program in milliseconds', String(DEFAULT_BUDGET.maxMillis))
    .addHelpText(
      'after',
      '\nA failing program prints {"program", "error": {"kind", "message"}} on its line (with --format dot: a // comment),\n' +
        'its message in plain text on stderr, and evaluation goes on; the exit code is 1 if any program failed.',
    )
    .action(async (text: string | undefined, flags: EvalFlags) => {
      const format = choice(flags.format, FORMATS, '--format');
      const options: ProgramRunOptions = {
        dsl: dslFromFlag(flags.dsl),
        form: choice(flags.form, FORMS, '--form') as ProgramForm,
        maxConn: positiveInteger(flags.maxConn, '--max-conn'),
        budget: { maxSteps: positiveInteger(flags.maxSteps, '--max-steps'), maxMillis: positiveInteger(flags.maxMillis, '--max-millis') },
      };
      let failures = 0;
      const emit = (outcome: ProgramOutcome, source: string) => {
        process.stdout.write(`${formatOutcome(outcome, format)}\n`);
        if (outcome.ok) return;
        failures++;
        // The record on stdout is for programs; people read the message, unescaped, on stderr.
        const where = outcome.error.message.startsWith(source) ? '' : `${source}: `;
        process.stderr.write(`synth eval: ${outcome.error.kind} error: ${where}${outcome.error.message}\n`);
      };
      if (text !== undefined) {
        emit(runProgramText(text, { ...options, source: '<argument>' }), '<argument>');
      } else {
        let lineNumber = 0;
        for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
          lineNumber++;
          if (line.trim() === '') continue;
          const source = `<stdin line ${lineNumber}>`;
          emit(runProgramText(line, { ...options, source }), source);
        }
      }
      if (failures > 0) {
        process.stderr.write(`synth eval: ${failures} program${failures === 1 ? '' : 's'} failed (see their error records)\n`);
        process.exitCode = 1;
      }
    });
}

function formatOutcome(outcome: ProgramOutcome, format: OutputFormat): string {
  if (!outcome.ok && format === 'dot') {
    return `// ${outcome.error.kind} error in ${outcome.program}: ${outcome.error.message.replace(/\n/g, '\n// ')}`;
  }
  if (!outcome.ok || format === 'record') return JSON.stringify(outcomeRecord(outcome));
  switch (format) {
    case 'original':
      return JSON.stringify(toOriginalJson(outcome.graph));
    case 'json':
      return JSON.stringify(outcome.graph);
    case 'dot':
      return toDot(outcome.graph);
  }
}

function choice<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UserError(`${flag}: unknown value "${value}"`, `use one of: ${allowed.join(', ')}`);
}

function positiveInteger(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag}: expected a positive integer, got "${value}"`, `for example ${flag} 10`);
  return n;
}
