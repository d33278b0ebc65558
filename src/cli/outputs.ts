/**
 * Checks that an output location can be written, made before any long work starts, so that a
 * command never trains for minutes and then loses its result to a read-only folder. The
 * check writes and removes a probe file: permission bits alone do not say whether a write
 * will succeed (read-only mounts, root, ACLs).
 */
import { closeSync, existsSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from './errors.ts';

/** The problem with writing inside `dir` (existing or to be created), or null when it can be written. */
export function directoryWriteProblem(dir: string): string | null {
  const target = resolve(dir);
  let existing = target;
  while (!existsSync(existing)) {
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  if (!statSync(existing).isDirectory()) {
    return existing === target ? `${dir} is a file, not a directory` : `${existing} is a file, so ${dir} cannot be created`;
  }
  const probe = join(existing, `.synth-write-check-${process.pid}-${Date.now()}`);
  try {
    closeSync(openSync(probe, 'wx'));
    rmSync(probe, { force: true });
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const why = code === 'EROFS' ? 'it is on a read-only file system' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : `${code}`;
    return existing === target ? `${dir} is not writable (${why})` : `${dir} cannot be created in ${existing} (${why})`;
  }
}

/** Throws a user error naming `flag` unless files can be written inside `dir`. */
export function requireWritableDirectory(dir: string, flag: string, hint = `choose a writable ${flag} directory`): void {
  const problem = directoryWriteProblem(dir);
  if (problem !== null) throw new UserError(`${flag}: ${problem}`, hint);
}

/**
 * Throws a user error unless `file` can be written: its folder must be writable, and an
 * existing file is only replaced when `overwrite` says so.
 */
export function requireWritableFile(file: string, flag: string, options: { overwrite?: boolean; overwriteFlag?: string } = {}): void {
  if (existsSync(file)) {
    if (statSync(file).isDirectory()) throw new UserError(`${flag}: ${file} is a directory`, 'give a file name');
    if (!options.overwrite) {
      throw new UserError(`${flag}: ${file} already exists`, options.overwriteFlag ? `pass ${options.overwriteFlag} to replace it, or choose another name` : 'choose another name');
    }
  }
  const problem = directoryWriteProblem(dirname(resolve(file)));
  if (problem !== null) throw new UserError(`${flag}: cannot write ${file}: ${problem}`, `choose a writable location for ${flag}`);
}

/** File-system error codes that mean the user's environment, not the toolkit, is at fault. */
const ENVIRONMENT_ERRORS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'is a directory',
  EMFILE: 'too many open files',
};

/**
 * A user error for a file-system failure caused by the environment (permissions, a full or
 * read-only disk), or null for anything else. The last line of defence: commands check
 * their outputs up front, but a disk can fill up or a folder change mode mid-run.
 */
export function environmentError(err: unknown): UserError | null {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code !== 'string' || !(e.code in ENVIRONMENT_ERRORS)) return null;
  const where = e.path ? ` ${e.path}` : '';
  return new UserError(`cannot ${e.syscall ?? 'access'}${where}: ${ENVIRONMENT_ERRORS[e.code]} (${e.code})`, 'check the permissions and free space of the output location, then run the command again');
}
