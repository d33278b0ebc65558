/** Runs the real `synth` command (`node bin/synth.mjs ...`) from the repository root. */
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const bin = join(repoRoot, 'bin/synth.mjs');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Written to the command's stdin (then closed). */
  readonly input?: string;
  /** Added to this process's environment (an undefined value unsets a variable). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Run subject to file permissions even as root (whose CAP_DAC_OVERRIDE writes anywhere), so
   * that a read-only folder is read-only to the command. Needs util-linux's setpriv as root.
   */
  readonly obeyPermissions?: boolean;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Whether read-only folders can be tested here: always as a normal user, with setpriv as root. */
export const canTestPermissions = !isRoot || spawnSync('setpriv', ['--version']).status === 0;

function command(args: readonly string[], options: CliOptions): [string, string[]] {
  if (options.obeyPermissions && isRoot) return ['setpriv', ['--bounding-set=-dac_override,-dac_read_search', '--', process.execPath, bin, ...args]];
  return [process.execPath, [bin, ...args]];
}

export function synth(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const [file, argv] = command(args, options);
    const child = spawn(file, argv, { cwd: repoRoot, env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

export function synthSync(args: readonly string[], options: CliOptions = {}): CliResult {
  const [file, argv] = command(args, options);
  const run = spawnSync(file, argv, { cwd: repoRoot, encoding: 'utf8', input: options.input, env: { ...process.env, ...options.env } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}
