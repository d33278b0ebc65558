/**
 * The run lock: one process at a time writes a run directory. The lock is the file
 * `run.lock`, created atomically (a complete file linked into place, which fails when one is
 * there) and holding its holder's pid, host, start time and a random token.
 *
 * A lock is stale when its holder cannot be running: same host and the pid is gone, or the
 * pid is this very process but no live store here holds the token (a pid reused after a
 * restart, or a store abandoned by a crash test). A stale lock is broken by renaming it
 * aside and checking that what was moved is the stale lock that was read; a lock taken
 * meanwhile by another process is put back. A lock held on another host is never broken
 * automatically: its holder cannot be checked from here, and the message says how to
 * remove it once that process is known to be gone.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { UserFacingError } from '../util/errors.ts';

export const LOCK_FILE = 'run.lock';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  readonly token: string;
  readonly command?: string;
}

const holderSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  since: z.string(),
  token: z.string().min(1),
  command: z.string().optional(),
});

/** Another live process holds the run. */
export class RunLockedError extends UserFacingError {
  declare readonly hint: string;

  constructor(
    readonly dir: string,
    readonly holder: LockHolder,
    hint: string,
  ) {
    super(`${dir} is in use by pid ${holder.pid} on ${holder.host} (since ${holder.since}${holder.command ? `: ${holder.command}` : ''})`, { kind: 'run-locked', where: dir, hint });
  }
}

/** Tokens of the locks that live stores of this process hold. */
const heldHere = new Set<string>();

/** What a killed process leaves behind: its lock files stay, nothing in this process claims them. */
export function abandonHeldLocks(): void {
  heldHere.clear();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return !heldHere.has(holder.token);
  return !alive(holder.pid);
}

/** The holder written in a lock file; undefined when the file is gone or is not a lock. */
function readHolder(path: string): LockHolder | undefined | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const parsed = holderSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

export class RunLock {
  private released = false;

  private constructor(
    readonly path: string,
    readonly holder: LockHolder,
  ) {}

  /** Takes the lock of `dir` (which must exist) or throws RunLockedError naming its holder. */
  static acquire(dir: string, command?: string): RunLock {
    const path = join(dir, LOCK_FILE);
    const holder: LockHolder = {
      pid: process.pid,
      host: hostname(),
      since: new Date().toISOString(),
      token: randomBytes(12).toString('hex'),
      ...(command !== undefined ? { command } : {}),
    };
    for (let attempt = 0; attempt < 5; attempt++) {
      if (tryCreate(path, holder)) {
        heldHere.add(holder.token);
        return new RunLock(path, holder);
      }
      const current = readHolder(path);
      if (current === undefined) continue;
      if (current === 'unreadable') {
        throw new RunLockedError(dir, { pid: 0, host: 'unknown', since: 'unknown', token: '' }, `${path} is not a lock this toolkit wrote; if no search uses ${dir}, delete it`);
      }
      if (!isStale(current)) {
        const hint = current.host === hostname()
          ? `wait for it to finish, or stop it (kill ${current.pid}) and resume`
          : `it runs on another machine; once that process is gone, delete ${path} and resume`;
        throw new RunLockedError(dir, current, hint);
      }
      breakStale(path, current, holder.token);
    }
    throw new RunLockedError(dir, readHolderOrUnknown(path), 'several processes are competing for this run; start one at a time');
  }

  /** Gives the lock up (only if the file still holds this lock's token). */
  release(): void {
    if (this.released) return;
    this.released = true;
    heldHere.delete(this.holder.token);
    const current = readHolder(this.path);
    if (typeof current === 'object' && current.token === this.holder.token) rmSync(this.path, { force: true });
  }
}

function readHolderOrUnknown(path: string): LockHolder {
  const current = readHolder(path);
  return typeof current === 'object' ? current : { pid: 0, host: 'unknown', since: 'unknown', token: '' };
}

/** Creates the lock file whole, or returns false when one exists. */
function tryCreate(path: string, holder: LockHolder): boolean {
  const claim = `${path}.${holder.token}`;
  const fd = openSync(claim, 'wx');
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(claim, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(claim, { force: true });
  }
}

/** Moves a stale lock aside; restores it when what was moved is not the stale lock that was read. */
function breakStale(path: string, stale: LockHolder, token: string): void {
  const aside = `${path}.stale.${token}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = readHolder(aside);
  if (typeof moved === 'object' && moved.token !== stale.token) {
    // Another process broke the stale lock and took the run in between: give its lock back.
    try {
      linkSync(aside, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  rmSync(aside, { force: true });
}
