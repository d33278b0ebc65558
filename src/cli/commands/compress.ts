/** `synth compress CORPUS.json`: learn a library of abstractions from a corpus (Stitch-style). */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { dslNames, type Dsl } from '../../dsl/dsl.ts';
import { showType } from '../../dsl/types.ts';
import { compress, compressionResultJson, type CompressOptions, DEFAULT_COMPRESS_STEPS, MAX_ABSTRACTION_ARITY, parseStitchCorpus, stitchText, withAbstractions } from '../../synth/compress/index.ts';
import { DEFAULT_MAX_PROGRAM_LENGTH } from '../../dsl/parse.ts';
import { dslFromFlag } from '../dslFlag.ts';
import { UserError } from '../errors.ts';
import { parseInteger } from '../options.ts';

interface CompressFlags {
  arity: string;
  iterations: string;
  json?: boolean;
  symvarPrefix?: string;
  allowSingleProgram?: boolean;
  rewritten?: boolean;
  dsl?: string;
  maxSteps: string;
  maxLength: string;
}


function readCorpus(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read corpus ${file}: ${(err as Error).message}`, 'give the path of a JSON list of program strings');
  }
}

function abstractionTypes(dsl: Dsl, abstractions: Parameters<typeof withAbstractions>[1], file: string): Map<string, string> {
  const typed = withAbstractions(dsl, abstractions);
  if (!typed.ok) throw new UserError(`an abstraction does not type against ${file}: ${typed.error.message}`, 'check that the corpus programs are programs of this DSL');
  return new Map(abstractions.map((a) => [a.name, showType(typed.value.inventions.get(a.name)!.type)]));
}

export function register(program: Command): void {
  program
    .command('compress')
    .description('Learn abstractions that compress a corpus of programs (Stitch\'s algorithm and cost model)')
    .argument('<corpus>', 'JSON list of programs in s-expression form, e.g. ["(f a b)", "(f a c)"]')
    .option('-a, --arity <n>', `largest number of parameters #i per abstraction (at most ${MAX_ABSTRACTION_ARITY})`, '2')
    .option('-i, --iterations <n>', 'abstractions to learn at most (stops early when none compresses)', '3')
    .option('--json', 'print Stitch\'s JSON output format (abstractions, costs, rewritten programs)')
    .option('--symvar-prefix <c>', 'symbols starting with this prefix are symbol variables (always abstracted)')
    .option('--allow-single-program', 'keep abstractions used by one program only')
    .option('--rewritten', 'also list the rewritten programs in the summary')
    .option('--dsl <file>', 'DSL file: its inventions are recognised by name and every abstraction is typed against it')
    .option('--max-steps <n>', 'work budget in match locations examined; past it the best abstraction found so far is kept and compression stops', String(DEFAULT_COMPRESS_STEPS))
    .option('--max-length <n>', 'longest program text accepted, in characters', String(DEFAULT_MAX_PROGRAM_LENGTH))
    .action((file: string, flags: CompressFlags) => {
      // Flags first: a typo is reported before a large corpus is read.
      const maxLength = parseInteger('--max-length', flags.maxLength, 1);
      const settings = {
        maxArity: parseInteger('--arity', flags.arity, 0, MAX_ABSTRACTION_ARITY),
        maxSteps: parseInteger('--max-steps', flags.maxSteps, 1),
        iterations: parseInteger('--iterations', flags.iterations, 0),
      };
      if (flags.symvarPrefix !== undefined && flags.symvarPrefix.length === 0) {
        throw new UserError('--symvar-prefix: expected a non-empty prefix', 'for example --symvar-prefix &');
      }
      const dsl = flags.dsl === undefined ? undefined : dslFromFlag(flags.dsl);
      const parsed = parseStitchCorpus(readCorpus(file), file, dsl, maxLength);
      if (!parsed.ok) throw new UserError(parsed.error.message, parsed.error.hint);
      if (parsed.value.length === 0) throw new UserError(`${file}: the corpus holds no programs, so there is nothing to compress`, 'give a JSON list of at least one program, e.g. ["(f a b)", "(f a c)"]');
      const options: CompressOptions = {
        ...settings,
        symvarPrefix: flags.symvarPrefix,
        allowSingleProgram: flags.allowSingleProgram,
        reservedNames: dsl ? dslNames(dsl) : undefined,
      };
      const started = performance.now();
      const result = compress(parsed.value, options);
      const ms = performance.now() - started;
      if (result.budgetExhausted) {
        process.stderr.write(
          `warning: compression stopped at its work budget (--max-steps ${options.maxSteps}) after ${result.abstractions.length} abstraction(s); the last one is the best found in time, not necessarily the best; raise --max-steps or lower --arity for an exact result\n`,
        );
      }
      const types = dsl ? abstractionTypes(dsl, result.abstractions, flags.dsl!) : undefined;
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(compressionResultJson(result, options, types), null, 2)}\n`);
        return;
      }
      const lines = [
        `${parsed.value.length} programs, cost ${result.originalCost} -> ${result.finalCost} (${result.compressionRatio.toFixed(2)}x) with ${result.abstractions.length} abstractions in ${Math.round(ms)} ms`,
        ...result.abstractions.map(
          (a) =>
            `${a.name} arity ${a.arity}  utility ${a.utility}  uses ${a.numUses}  ${a.compressionRatio.toFixed(2)}x (cumulative ${a.cumulativeCompressionRatio.toFixed(2)}x)\n    ${a.bodyText}${types ? `\n    : ${types.get(a.name)}` : ''}`,
        ),
      ];
      if (flags.rewritten) lines.push('rewritten:', ...result.rewritten.map((p) => `  ${stitchText(p)}`));
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
