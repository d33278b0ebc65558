/** `synth eval`: evaluate graph programs (an argument, or one per stdin line) and print one result each. */
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { DEFAULT_BUDGET } from '../../dsl/evaluate.ts';
import { toDot, toOriginalJson } from '../../dsl/graphFormats.ts';
import { DEFAULT_MAX_PROGRAM_LENGTH, type ProgramForm } from '../../dsl/parse.ts';
import { outcomeRecord, runProgramText, type ProgramOutcome, type ProgramRunOptions } from '../../dsl/programRecord.ts';
import { dslFromFlag } from '../dslFlag.ts';
import { EXIT_INTERNAL_ERROR } from '../errors.ts';
import { parseChoice, parseInteger } from '../options.ts';

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
  maxLength: string;
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
    .option('--max-length <n>', 'longest program text accepted, in characters (longer ones fail on their own line)', String(DEFAULT_MAX_PROGRAM_LENGTH))
    .addHelpText(
      'after',
      '\nA failing program prints {"program", "error": {"kind", "message"}} on its line (with --format dot: a // comment),\n' +
        'its message in plain text on stderr, and evaluation goes on; the exit code is 1 if any program failed.',
    )
    .action(async (text: string | undefined, flags: EvalFlags) => {
      const format = parseChoice('--format', flags.format, FORMATS);
      const options: ProgramRunOptions = {
        dsl: dslFromFlag(flags.dsl),
        form: parseChoice('--form', flags.form, FORMS) as ProgramForm,
        maxConn: parseInteger('--max-conn', flags.maxConn, 1),
        budget: { maxSteps: parseInteger('--max-steps', flags.maxSteps, 1), maxMillis: parseInteger('--max-millis', flags.maxMillis, 1) },
        maxLength: parseInteger('--max-length', flags.maxLength, 1),
      };
      let failures = 0;
      let internalErrors = 0;
      const run = (program: string, source: string) => {
        let outcome: ProgramOutcome;
        try {
          outcome = runProgramText(program, { ...options, source });
        } catch (err) {
          // A bug met on one program must not cost the programs after it.
          internalErrors++;
          const message = `internal error in synth eval (${err instanceof Error ? err.message : String(err)}); please report it with this program`;
          outcome = { ok: false, program: program.length > 1_000 ? `${program.slice(0, 1_000)}...` : program, error: { kind: 'internal', message } };
        }
        process.stdout.write(`${formatOutcome(outcome, format)}\n`);
        if (outcome.ok) return;
        failures++;
        // The record on stdout is for programs; people read the message, unescaped, on stderr.
        const where = outcome.error.message.startsWith(source) ? '' : `${source}: `;
        process.stderr.write(`synth eval: ${outcome.error.kind} error: ${where}${outcome.error.message}\n`);
      };
      if (text !== undefined) {
        run(text, '<argument>');
      } else {
        let lineNumber = 0;
        for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
          lineNumber++;
          if (line.trim() === '') continue;
          run(line, `<stdin line ${lineNumber}>`);
        }
      }
      if (failures > 0) {
        process.stderr.write(`synth eval: ${failures} program${failures === 1 ? '' : 's'} failed (see their error records)\n`);
        process.exitCode = internalErrors > 0 ? EXIT_INTERNAL_ERROR : 1;
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
