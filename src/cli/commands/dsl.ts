/**
 * `synth dsl`: look at DSL files and check program text against them.
 *   synth dsl show [file] [--json]        entries with their types (built-in graph DSL by default)
 *   synth dsl convert <in> <out>          any DSL file (the original's or ours) to our format
 *   synth dsl check <program> [--dsl f]   parse and type-check; print the type and both forms
 */
import type { Command } from 'commander';
import { programRequest, typeEnvOf, type Dsl } from '../../dsl/dsl.ts';
import { dslToJson, saveDsl } from '../../dsl/dslFile.ts';
import { checkType } from '../../dsl/infer.ts';
import { parseProgram, type ProgramForm } from '../../dsl/parse.ts';
import { printProgram } from '../../dsl/print.ts';
import { parseType } from '../../dsl/typeSyntax.ts';
import { showType } from '../../dsl/types.ts';
import { dslFromFlag } from '../dslFlag.ts';
import { UserError } from '../errors.ts';
import { requireWritableFile } from '../outputs.ts';

const FORMS: readonly ProgramForm[] = ['auto', 'combined', 'stitch'];

function formatDsl(dsl: Dsl): string {
  const lines = [`DSL ${dsl.name}: state ${showType(dsl.stateType)}, ${dsl.primitives.size} primitives, ${dsl.inventions.size} inventions`];
  const width = Math.max(...[...dsl.primitives.keys(), ...dsl.inventions.keys()].map((n) => n.length));
  for (const p of dsl.primitives.values()) lines.push(`  ${p.name.padEnd(width)}  ${showType(p.type)}`);
  for (const i of dsl.inventions.values()) {
    lines.push(`  ${i.name.padEnd(width)}  ${showType(i.type)}`, `  ${' '.repeat(width)}  = ${printProgram(i.body)}`);
  }
  return lines.join('\n');
}

export function register(program: Command): void {
  const dsl = program.command('dsl').description('Show and convert DSL files; check program text against a DSL');

  dsl
    .command('show')
    .argument('[file]', 'DSL file (default: the built-in graph DSL)')
    .option('--json', 'print the DSL in our file format')
    .description('List the primitives and inventions of a DSL with their types')
    .action((file: string | undefined, flags: { json?: boolean }) => {
      const loaded = dslFromFlag(file, 'file');
      process.stdout.write(flags.json ? `${JSON.stringify(dslToJson(loaded), null, 2)}\n` : `${formatDsl(loaded)}\n`);
    });

  dsl
    .command('convert')
    .argument('<in>', 'DSL file in either format')
    .argument('<out>', 'where to write it in our format')
    .option('--force', 'replace <out> if it exists')
    .description('Convert a DSL file (e.g. the original dsl_*.json) to our format')
    .action((input: string, output: string, flags: { force?: boolean }) => {
      const loaded = dslFromFlag(input, '<in>');
      requireWritableFile(output, '<out>', { overwrite: flags.force, overwriteFlag: '--force' });
      saveDsl(loaded, output);
      process.stdout.write(`wrote ${output}: ${loaded.primitives.size} primitives, ${loaded.inventions.size} inventions\n`);
    });

  dsl
    .command('check')
    .argument('<program>', 'program text, in combined or stitch form')
    .option('--dsl <file>', 'DSL file names resolve against (default: the built-in graph DSL)')
    .option('--form <form>', `program text form: ${FORMS.join(' | ')}`, 'auto')
    .option('--type <type>', 'requested type (default: state -> state, e.g. "S -> S")')
    .description('Parse and type-check a program; print its type and its text in both forms')
    .action((text: string, flags: { dsl?: string; form: string; type?: string }) => {
      if (!FORMS.includes(flags.form as ProgramForm)) {
        throw new UserError(`--form: unknown value "${flags.form}"`, `use one of: ${FORMS.join(', ')}`);
      }
      const loaded = dslFromFlag(flags.dsl);
      let request = programRequest(loaded);
      if (flags.type !== undefined) {
        const parsedType = parseType(flags.type, { source: '--type', aliases: { graph_state: 'S' } });
        if (!parsedType.ok) throw new UserError(parsedType.error.message, 'write types like "(S -> S) -> S -> S"');
        request = parsedType.value;
      }
      const parsed = parseProgram(text, { form: flags.form as ProgramForm, dsl: loaded, source: '<program>' });
      if (!parsed.ok) throw new UserError(parsed.error.message, 'see docs/dsl.md for the program syntax');
      const typed = checkType(parsed.value, request, typeEnvOf(loaded));
      if (!typed.ok) throw new UserError(typed.error.message, `the program is requested at ${showType(request)}`);
      process.stdout.write(
        `type      ${showType(typed.value)}\ncombined  ${printProgram(parsed.value, { form: 'combined' })}\nstitch    ${printProgram(parsed.value, { form: 'stitch' })}\n`,
      );
    });
}
