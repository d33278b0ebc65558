/**
 * The `synth` command: a thin layer over the library. Each subcommand lives in
 * `src/cli/commands/<name>.ts` (the file named as the command) and exports
 * `register(program)`; this file only wires
 * them together and turns failures into exit codes (0 ok, 1 a `UserFacingError` from any layer,
 * 2 internal).
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { UserFacingError } from '../util/errors.ts';
import { EXIT_INTERNAL_ERROR, EXIT_OK, EXIT_USER_ERROR } from './errors.ts';
import { environmentError } from './outputs.ts';

export interface CommandModule {
  register(program: Command): void;
}

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');

/**
 * Builds the program. Given the subcommand about to run, only its module is loaded (each
 * pulls in heavy libraries such as tfjs); without one, all are, for the help listing.
 */
export async function buildProgram(subcommand?: string): Promise<Command> {
  const program = new Command('synth')
    .description('Symbolic-neural program synthesis with graph neural network modules (G-SSNN).')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const all = readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort();
  const files = subcommand !== undefined && all.includes(`${subcommand}.ts`) ? [`${subcommand}.ts`] : all;
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(commandsDir, file)).href)) as Partial<CommandModule>;
    if (typeof mod.register !== 'function') {
      throw new Error(`command module ${file} does not export register(program)`);
    }
    mod.register(program);
  }
  program.commands.forEach((cmd) => cmd.exitOverride());
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let program: Command;
  try {
    program = await buildProgram(argv[2]);
  } catch (err) {
    process.stderr.write(`synth: internal error while loading commands: ${describe(err)}\n`);
    return EXIT_INTERNAL_ERROR;
  }
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version requests end through this path too, with exit code 0.
      return err.exitCode === 0 ? EXIT_OK : EXIT_USER_ERROR;
    }
    // Every error a user can fix shares one base, whichever layer threw it: one exit code for all.
    const userError = err instanceof UserFacingError ? err : environmentError(err);
    if (userError) {
      process.stderr.write(`synth: ${userError.describe()}\n${userError.hint ? `hint: ${userError.hint}\n` : ''}`);
      return EXIT_USER_ERROR;
    }
    process.stderr.write(`synth: internal error: ${describe(err)}\n`);
    if (process.env.SYNTH_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    return EXIT_INTERNAL_ERROR;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
