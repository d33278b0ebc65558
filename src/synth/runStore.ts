/**
 * The run store: one directory per search run, written so that nothing is lost.
 *
 *   manifest.json          format version, full config, seed, versions, backend
 *   events.ndjson          append-only event log, one JSON object per line
 *   <any>.json             state files (candidate records, DSLs, reports), each written atomically
 *
 * A crash can at worst leave a partial last line in the event log and the temporary file of
 * an atomic write; reading tolerates both and reopening removes them, so the log stays a
 * sequence of whole events and every state file is whole.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { writeJsonAtomic } from '../util/atomicFile.ts';

/** Bumped whenever the layout or a record's meaning changes; old runs are refused, not misread. */
export const RUN_FORMAT_VERSION = 1;

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

export interface RunEvent {
  readonly type: string;
  readonly time?: string;
  readonly [field: string]: unknown;
}

export type RunStoreErrorKind = 'exists' | 'missing' | 'version' | 'corrupt' | 'path';

export class RunStoreError extends Error {
  constructor(
    readonly kind: RunStoreErrorKind,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'RunStoreError';
  }
}

const MANIFEST = 'manifest.json';
const EVENTS = 'events.ndjson';

export class RunStore {
  private constructor(
    readonly dir: string,
    readonly manifest: RunManifest,
  ) {}

  /** Starts a new run in `dir`, which must not already hold one (nothing is overwritten). */
  static create(dir: string, manifest: Omit<RunManifest, 'format'>): RunStore {
    const root = resolve(dir);
    if (existsSync(join(root, MANIFEST))) {
      throw new RunStoreError('exists', `${root} already holds a run`, 'pass --resume to continue it, or choose another --out directory');
    }
    if (existsSync(root) && readdirSync(root).length > 0) {
      throw new RunStoreError('exists', `${root} exists and is not empty`, 'choose an empty or new --out directory');
    }
    mkdirSync(root, { recursive: true });
    const full: RunManifest = { format: RUN_FORMAT_VERSION, ...manifest };
    writeJsonAtomic(join(root, MANIFEST), full);
    return new RunStore(root, full);
  }

  /**
   * Opens an existing run for reading or resuming; refuses other format versions. `readOnly`
   * leaves the directory untouched (no clean-up of an interrupted write), for archived runs.
   */
  static open(dir: string, options: { readOnly?: boolean } = {}): RunStore {
    const root = resolve(dir);
    const path = join(root, MANIFEST);
    if (!existsSync(path)) {
      throw new RunStoreError('missing', `${root} holds no run (no ${MANIFEST})`, 'check the path, or start a new run without --resume');
    }
    let manifest: RunManifest;
    try {
      manifest = JSON.parse(readFileSync(path, 'utf8')) as RunManifest;
    } catch (e) {
      throw new RunStoreError('corrupt', `${path} is not valid JSON: ${(e as Error).message}`);
    }
    if (manifest.format !== RUN_FORMAT_VERSION) {
      throw new RunStoreError(
        'version',
        `${root} was written in run format ${String(manifest.format)}, this toolkit reads format ${RUN_FORMAT_VERSION}`,
        'use the toolkit version that wrote it (see manifest.json toolkitVersion), or start a new run',
      );
    }
    const store = new RunStore(root, manifest);
    if (options.readOnly) return store;
    store.dropPartialEvent();
    removeInterruptedWrites(root);
    return store;
  }

  static exists(dir: string): boolean {
    return existsSync(join(resolve(dir), MANIFEST));
  }

  appendEvent(event: RunEvent): void {
    const line = JSON.stringify({ time: new Date().toISOString(), ...event });
    appendFileSync(join(this.dir, EVENTS), `${line}\n`);
  }

  /** Every whole event in order; a partial trailing line (a crash mid-append) is skipped. */
  readEvents(): RunEvent[] {
    const path = join(this.dir, EVENTS);
    if (!existsSync(path)) return [];
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    if (!text.endsWith('\n')) lines.pop();
    return lines.filter((l) => l.length > 0).map((l, i) => {
      try {
        return JSON.parse(l) as RunEvent;
      } catch {
        throw new RunStoreError('corrupt', `${path}:${i + 1}: not a JSON event`);
      }
    });
  }

  /** Writes `value` as JSON at `relPath` inside the run, atomically. */
  writeJson(relPath: string, value: unknown): void {
    writeJsonAtomic(this.resolve(relPath), value);
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
    if (rel.startsWith('..') || rel.split(sep).includes('..')) {
      throw new RunStoreError('path', `${relPath} lies outside the run directory ${this.dir}`);
    }
    return path;
  }

  private dropPartialEvent(): void {
    const path = join(this.dir, EVENTS);
    if (!existsSync(path)) return;
    const text = readFileSync(path, 'utf8');
    if (text.length === 0 || text.endsWith('\n')) return;
    truncateSync(path, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
  }
}

/** Temporary files of atomic writes a crash interrupted (see util/atomicFile.ts). */
const INTERRUPTED_WRITE = /^\..+\.\d+\.\d+\.tmp$/;

function removeInterruptedWrites(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) removeInterruptedWrites(path);
    else if (INTERRUPTED_WRITE.test(entry.name)) rmSync(path, { force: true });
  }
}
