/**
 * The run store: one directory per search run, written so that nothing is lost.
 *
 *   manifest.json          format version, full config, seed, versions, backend
 *   run.lock               the process writing the run (runLock.ts)
 *   events.ndjson          append-only event log, one JSON object per line
 *   <any>.json             state files (candidate records, DSLs, reports), each written atomically
 *
 * The log is the run's record: a phase first appends one event carrying every state file it
 * produces (`records`), then writes those files. A kill therefore leaves either no trace of
 * the phase in the log (its files, if any, are orphans and the phase is redone) or the whole
 * phase in the log (its files are completed from it). Each line carries a digest of the line
 * before it, so an edited or spliced log is refused rather than replayed.
 *
 * Three ways in: `create` (a new run, locked), `resume` (an existing run, locked, with the
 * debris of a kill cleared) and `open` (read only: no lock, nothing written).
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { INTERRUPTED_WRITE, writeJsonAtomic } from '../util/atomicFile.ts';
import { beforeWrite } from '../util/writeSteps.ts';
import { LOCK_FILE, RunLock } from './runLock.ts';
import { UserFacingError } from '../util/errors.ts';

/** Bumped whenever the layout or a record's meaning changes; old runs are refused, not misread. */
export const RUN_FORMAT_VERSION = 2;

export interface RunManifest {
  readonly format: number;
  readonly runId: string;
  readonly createdAt: string;
  readonly toolkitVersion: string;
  readonly node: string;
  readonly seed: number;
  readonly backend?: string;
  readonly command?: string;
  readonly config: Readonly<Record<string, unknown>>;
}

const manifestSchema = z.object({
  format: z.number(),
  runId: z.string().min(1),
  createdAt: z.string(),
  toolkitVersion: z.string(),
  node: z.string(),
  seed: z.number().int(),
  backend: z.string().optional(),
  command: z.string().optional(),
  config: z.record(z.string(), z.unknown()),
});

export interface RunEvent {
  readonly type: string;
  readonly time?: string;
  readonly [field: string]: unknown;
}

/** An event as read back from the log, with its 1-based line number. */
export interface LoggedEvent {
  readonly line: number;
  readonly event: RunEvent;
}

export type RunStoreErrorKind = 'exists' | 'missing' | 'version' | 'corrupt' | 'path' | 'read-only';

export class RunStoreError extends UserFacingError {
  declare readonly kind: RunStoreErrorKind;

  constructor(kind: RunStoreErrorKind, message: string, hint?: string) {
    super(message, { kind, hint });
  }
}

const MANIFEST = 'manifest.json';
const EVENTS = 'events.ndjson';

/** The field of each log line that holds the digest of the line before it. */
const CHAIN_FIELD = 'prev';

const digestOf = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** Entries a run directory may hold before its manifest exists: the lock and interrupted writes. */
const isCreationDebris = (name: string) => name === LOCK_FILE || name.startsWith(`${LOCK_FILE}.`) || INTERRUPTED_WRITE.test(name);

export class RunStore {
  private constructor(
    readonly dir: string,
    readonly manifest: RunManifest,
    private lock: RunLock | undefined,
    /** Digest of the log's last line (what the next line's `prev` must be). */
    private lastDigest: string,
  ) {}

  /**
   * Starts a new run in `dir`, which must hold no run and nothing else, except what a kill
   * during an earlier creation left (a stale lock, a temporary manifest); those are cleared.
   */
  static create(dir: string, manifest: Omit<RunManifest, 'format'>): RunStore {
    const root = resolve(dir);
    const alreadyHeld = () => new RunStoreError('exists', `${root} already holds a run`, 'pass --resume to continue it, or choose another --out directory');
    if (existsSync(join(root, MANIFEST))) throw alreadyHeld();
    if (existsSync(root) && !statSync(root).isDirectory()) throw new RunStoreError('path', `${root} is a file, not a directory`, 'choose another --out directory');
    const notEmpty = (names: string[]) =>
      new RunStoreError('exists', `${root} exists and is not empty (it holds ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''})`, 'choose an empty or new --out directory');
    const others = () => readdirSync(root).filter((name) => !isCreationDebris(name));
    // Refused before anything is written there; checked again under the lock.
    if (existsSync(root) && others().length > 0) throw notEmpty(others());
    const lock = unwritable(root, () => {
      makeDirectories(root);
      return RunLock.acquire(root, manifest.command);
    });
    try {
      if (existsSync(join(root, MANIFEST))) throw alreadyHeld();
      if (others().length > 0) throw notEmpty(others());
      removeInterruptedWrites(root);
      const full: RunManifest = { format: RUN_FORMAT_VERSION, ...manifest };
      writeJsonAtomic(join(root, MANIFEST), full);
      return new RunStore(root, full, lock, digestOf(full.runId));
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  /**
   * Opens an existing run to continue it: takes its lock, drops a torn last log line and the
   * temporary files of interrupted writes, and checks the log's chain.
   */
  static resume(dir: string, command?: string): RunStore {
    const root = resolve(dir);
    const manifest = readManifest(root);
    const lock = unwritable(root, () => RunLock.acquire(root, command));
    try {
      dropTornEvent(join(root, EVENTS));
      removeInterruptedWrites(root);
      const store = new RunStore(root, manifest, lock, digestOf(manifest.runId));
      store.lastDigest = store.verifiedDigest();
      return store;
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  /** Opens a run for reading only (a live search may be writing it). */
  static open(dir: string): RunStore {
    const root = resolve(dir);
    return new RunStore(root, readManifest(root), undefined, '');
  }

  static exists(dir: string): boolean {
    return existsSync(join(resolve(dir), MANIFEST));
  }

  get writable(): boolean {
    return this.lock !== undefined;
  }

  /** Gives up the lock; the store is read-only afterwards. */
  close(): void {
    this.lock?.release();
    this.lock = undefined;
  }

  /** Appends one event to the log (flushed to disk before this returns). */
  appendEvent(event: RunEvent): void {
    this.assertWritable();
    const line = JSON.stringify({ time: new Date().toISOString(), ...event, [CHAIN_FIELD]: this.lastDigest });
    const path = join(this.dir, EVENTS);
    beforeWrite({ kind: 'append', path, data: `${line}\n` });
    const fd = openSync(path, 'a');
    try {
      writeSync(fd, `${line}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.lastDigest = digestOf(line);
  }

  /**
   * Records a phase: appends `event` with the state files it produces, then writes them.
   * The log line is the commit; the files can always be completed from it.
   */
  commit(event: RunEvent, records: Readonly<Record<string, unknown>>): void {
    for (const relPath of Object.keys(records)) this.resolve(relPath);
    this.appendEvent({ ...event, records });
    for (const [relPath, value] of Object.entries(records)) this.writeJson(relPath, value);
  }

  /** Every whole event in order with its line; a torn last line (a kill mid-append) is skipped. */
  readEvents(): LoggedEvent[] {
    return readLog(join(this.dir, EVENTS), this.manifest.runId).events;
  }

  /** Writes `value` as JSON at `relPath` inside the run, atomically (not logged: see `commit`). */
  writeJson(relPath: string, value: unknown): void {
    this.assertWritable();
    writeJsonAtomic(this.resolve(relPath), value);
  }

  /** Removes a file or directory inside the run. */
  remove(relPath: string): void {
    this.assertWritable();
    const path = this.resolve(relPath);
    beforeWrite({ kind: 'remove', path });
    rmSync(path, { recursive: true, force: true });
  }

  readJson<T>(relPath: string): T | undefined {
    const path = this.resolve(relPath);
    if (!existsSync(path)) return undefined;
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as T;
    } catch (e) {
      throw new RunStoreError('corrupt', `${path} is not valid JSON: ${(e as Error).message}`);
    }
  }

  has(relPath: string): boolean {
    return existsSync(this.resolve(relPath));
  }

  /** Names of the entries of a directory inside the run, sorted; empty when it does not exist. */
  list(relDir: string): string[] {
    const path = this.resolve(relDir);
    if (!existsSync(path) || !statSync(path).isDirectory()) return [];
    return readdirSync(path).filter((f) => !f.startsWith('.')).sort();
  }

  /** Absolute path of a file inside the run; refuses paths that escape it. */
  resolve(relPath: string): string {
    const path = resolve(this.dir, relPath);
    const rel = relative(this.dir, path);
    if (rel === '' || isAbsolute(rel) || rel.split(sep).includes('..')) {
      throw new RunStoreError('path', `${relPath} lies outside the run directory ${this.dir}`);
    }
    return path;
  }

  private assertWritable(): void {
    if (!this.lock) throw new RunStoreError('read-only', `${this.dir} was opened read-only`);
  }

  private verifiedDigest(): string {
    return readLog(join(this.dir, EVENTS), this.manifest.runId).lastDigest;
  }
}

/** Runs `body`, turning the file system's refusals (permissions, read-only disks) into a RunStoreError. */
function unwritable<T>(root: string, body: () => T): T {
  try {
    return body();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR' || code === 'ENOSPC' || code === 'ENOENT') {
      throw new RunStoreError('path', `cannot write the run directory ${root} (${code}: ${(err as Error).message})`, 'choose an --out directory you can write to');
    }
    throw err;
  }
}

/**
 * Creates `dir` and its missing parents one by one (`mkdirSync` with `recursive` never returns
 * under /proc, where mkdir answers ENOENT although the parent exists).
 */
function makeDirectories(dir: string): void {
  const missing: string[] = [];
  for (let path = dir; !existsSync(path); path = dirname(path)) {
    missing.push(path);
    if (dirname(path) === path) break;
  }
  for (const path of missing.reverse()) mkdirSync(path);
}

function readManifest(root: string): RunManifest {
  const path = join(root, MANIFEST);
  if (!existsSync(path)) {
    const debrisOnly = existsSync(root) && statSync(root).isDirectory() && readdirSync(root).length > 0 && readdirSync(root).every(isCreationDebris);
    if (debrisOnly) {
      throw new RunStoreError('missing', `${root} holds no run: its creation was interrupted before its settings were recorded`, 'start it again with the same flags and without --resume (the leftovers are cleared)');
    }
    throw new RunStoreError('missing', `${root} holds no run (no ${MANIFEST})`, 'check the path, or start a new run without --resume');
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new RunStoreError('corrupt', `${path} is not valid JSON: ${(e as Error).message}`, 'the run cannot be continued without its settings; start a new run');
  }
  const format = (json as { format?: unknown } | null)?.format;
  if (format !== RUN_FORMAT_VERSION) {
    throw new RunStoreError(
      'version',
      `${root} was written in run format ${String(format)}, this toolkit reads format ${RUN_FORMAT_VERSION}`,
      'use the toolkit version that wrote it (see manifest.json toolkitVersion), or start a new run',
    );
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RunStoreError('corrupt', `${path}: field "${issue.path.join('.')}": ${issue.message}`, 'the run cannot be continued without its settings; start a new run');
  }
  return parsed.data as RunManifest;
}

/** Reads and checks the log: every line an object with a `type`, each chained to the one before. */
function readLog(path: string, runId: string): { events: LoggedEvent[]; lastDigest: string } {
  let digest = digestOf(runId);
  if (!existsSync(path)) return { events: [], lastDigest: digest };
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  // A kill mid-append leaves a last line without its newline: it never happened.
  lines.pop();
  const events: LoggedEvent[] = [];
  const hint = 'the event log is the record of the run; restore it, or cut it before this line (what followed is redone on --resume)';
  lines.forEach((text, i) => {
    const line = i + 1;
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      throw new RunStoreError('corrupt', `${path} line ${line}: not a JSON event`, hint);
    }
    if (typeof event !== 'object' || event === null || Array.isArray(event) || typeof (event as RunEvent).type !== 'string') {
      throw new RunStoreError('corrupt', `${path} line ${line}: field "type": expected an event object with a type`, hint);
    }
    const { [CHAIN_FIELD]: prev, ...rest } = event as RunEvent;
    if (prev !== digest) {
      throw new RunStoreError('corrupt', `${path} line ${line}: field "${CHAIN_FIELD}": does not follow line ${line - 1} (a line was edited, removed or inserted)`, hint);
    }
    digest = digestOf(text);
    events.push({ line, event: rest as RunEvent });
  });
  return { events, lastDigest: digest };
}

function dropTornEvent(path: string): void {
  if (!existsSync(path)) return;
  const text = readFileSync(path, 'utf8');
  if (text.length === 0 || text.endsWith('\n')) return;
  beforeWrite({ kind: 'remove', path });
  truncateSync(path, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
}

function removeInterruptedWrites(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) removeInterruptedWrites(path);
    else if (INTERRUPTED_WRITE.test(entry.name)) {
      beforeWrite({ kind: 'remove', path });
      rmSync(path, { force: true });
    }
  }
}
