/**
 * Atomic file writes: write to a temporary file in the same directory, flush it, then rename
 * it over the target and flush the directory, so a crash leaves either the old file or the
 * new one, never half of one.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { beforeWrite } from './writeSteps.ts';

let counter = 0;

/** Temporary files of atomic writes a crash interrupted: `.<name>.<pid>.<n>.tmp`. */
export const INTERRUPTED_WRITE = /^\..+\.\d+\.\d+\.tmp$/;

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  beforeWrite({ kind: 'write', path: tmp });
  writeFileSync(tmp, data);
  fsyncPath(tmp);
  beforeWrite({ kind: 'rename', path });
  renameSync(tmp, path);
  fsyncPath(dirname(path));
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Flushes a file or a directory to disk (directories: so a rename survives a power cut). */
export function fsyncPath(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic there.
  } finally {
    closeSync(fd);
  }
}
