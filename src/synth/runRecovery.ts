/**
 * Bringing a run's files back in line with its event log before it is continued.
 *
 * The log says what every state file must hold (the last `records` entry for its path) and
 * which models were trained (digests of their files). A kill can only leave the files of the
 * last commit unwritten or old, and the models of trainings that were never committed; the
 * first are completed without a word, the second are not trusted: their trainings are
 * pending, so they are redone (overwriting those files) or, on a queue, their results are
 * taken from the queue with the model the worker wrote. Anything else (a file missing from an earlier
 * commit, a file whose content differs from the log, a file no event mentions) is damage:
 * each is reported with its file and field and repaired from the log. What the log cannot
 * rebuild (a model whose files changed after its training was recorded, a log entry that
 * fails its schema) is refused with a `RunRecoveryError`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { canonicalJson } from '../util/canonicalJson.ts';
import { firstIssue, loggedEventSchema, RECORD_DIRECTORIES, RECORD_FILES, recordSchemaFor } from './runRecords.ts';
import type { RunStore } from './runStore.ts';
import { UserFacingError } from '../util/errors.ts';

/** One piece of damage found and repaired. */
export interface RecoveryNote {
  readonly file: string;
  readonly field?: string;
  readonly problem: string;
  readonly action: string;
}

export class RunRecoveryError extends UserFacingError {
  constructor(message: string, hint: string) {
    super(message, { kind: 'file', hint });
  }
}

interface Expected {
  readonly value: unknown;
  readonly text: string;
  readonly line: number;
}


/** Digests of the files in a model directory inside the run (empty when it holds none). */
export function modelDigests(store: RunStore, relDir: string): Record<string, string> {
  const dir = store.resolve(relDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return {};
  const digests: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (name.startsWith('.') || !statSync(path).isFile()) continue;
    digests[name] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return digests;
}

/** The path of the first field where `actual` differs from `expected` (`metrics.score`). */
function firstDifference(actual: unknown, expected: unknown, path = ''): string | undefined {
  if (canonicalJson(actual) === canonicalJson(expected)) return undefined;
  if (actual === null || expected === null || typeof actual !== 'object' || typeof expected !== 'object' || Array.isArray(actual) !== Array.isArray(expected)) {
    return path || '(top level)';
  }
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  for (const key of keys) {
    const inner = firstDifference((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
    if (inner !== undefined) return inner;
  }
  return path || '(top level)';
}

function valueAt(value: unknown, field: string): unknown {
  if (field === '(top level)') return value;
  return field.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), value);
}

const show = (v: unknown) => (v === undefined ? 'absent' : JSON.stringify(v)?.slice(0, 60));

/**
 * Checks every event, state file and model of the run against the log, completes what a kill
 * left unwritten, repairs damage (returned as notes) and refuses what cannot be repaired.
 */
export function recoverRun(store: RunStore): RecoveryNote[] {
  const events = store.readEvents();
  const expected = new Map<string, Expected>();
  /** Every value each path has been committed with, to tell an old file from a damaged one. */
  const history = new Map<string, Set<string>>();
  const models = new Map<string, { digests: Record<string, string>; line: number }>();
  let lastCommit = 0;
  const refuse = (line: number, field: string, message: string): never => {
    throw new RunRecoveryError(
      `${join(store.dir, 'events.ndjson')} line ${line}: field "${field}": ${message}`,
      'the event log is the record of the run; restore it, or cut it before this line (what followed is redone on --resume)',
    );
  };
  for (const { line, event } of events) {
    const checked = loggedEventSchema.safeParse(event);
    if (!checked.success) {
      const issue = firstIssue(checked.error);
      refuse(line, issue.field, issue.message);
    }
    const { records, models: trained } = checked.data as { records?: Record<string, unknown>; models?: Record<string, Record<string, string>> };
    for (const [path, value] of Object.entries(records ?? {})) {
      const schema = recordSchemaFor(path);
      if (!schema) refuse(line, `records.${path}`, 'not a file a search run holds');
      const valid = (schema as z.ZodType).safeParse(value);
      if (!valid.success) {
        const issue = firstIssue(valid.error);
        refuse(line, `records.${path}.${issue.field}`, issue.message);
      }
      const text = canonicalJson(value);
      expected.set(path, { value, text, line });
      if (!history.has(path)) history.set(path, new Set());
      history.get(path)!.add(text);
      lastCommit = line;
    }
    for (const [dir, digests] of Object.entries(trained ?? {})) {
      models.set(dir, { digests, line });
      lastCommit = line;
    }
  }

  const notes: RecoveryNote[] = [];
  for (const [path, want] of expected) {
    const problem = fileProblem(store, path, want, history.get(path)!, want.line === lastCommit);
    if (problem === undefined) continue;
    store.writeJson(path, want.value);
    if (problem !== 'unwritten') notes.push({ ...problem, file: path, action: `repaired from the event log (line ${want.line})` });
  }
  for (const path of recordFilesOnDisk(store)) {
    if (expected.has(path)) continue;
    store.remove(path);
    notes.push({ file: path, problem: 'no event of the log records this file', action: 'removed (the phase that makes it is redone if needed)' });
  }
  checkModels(store, models);
  return notes;
}

/** What is wrong with a state file, 'unwritten' for what a kill explains, undefined if nothing. */
function fileProblem(store: RunStore, path: string, want: Expected, history: Set<string>, inLastCommit: boolean): Omit<RecoveryNote, 'file' | 'action'> | 'unwritten' | undefined {
  if (!store.has(path)) return inLastCommit ? 'unwritten' : { problem: 'the file is missing' };
  let actual: unknown;
  try {
    actual = JSON.parse(readFileSync(store.resolve(path), 'utf8'));
  } catch (e) {
    return { problem: `not valid JSON (${(e as Error).message})` };
  }
  const text = canonicalJson(actual);
  if (text === want.text) return undefined;
  // The last commit's files may still hold what an earlier commit wrote.
  if (inLastCommit && history.has(text)) return 'unwritten';
  const schema = recordSchemaFor(path)!;
  const valid = schema.safeParse(actual);
  if (!valid.success) {
    const issue = firstIssue(valid.error);
    return { field: issue.field, problem: issue.message };
  }
  const field = firstDifference(actual, want.value)!;
  return { field, problem: `holds ${show(valueAt(actual, field))} where the event log has ${show(valueAt(want.value, field))}` };
}

/** Relative paths of the state files present in the run. */
function recordFilesOnDisk(store: RunStore): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const name of store.list(rel)) {
      const child = `${rel}/${name}`;
      if (statSync(store.resolve(child)).isDirectory()) walk(child);
      else found.push(child);
    }
  };
  for (const dir of RECORD_DIRECTORIES) walk(dir);
  for (const file of RECORD_FILES) if (store.has(file)) found.push(file);
  return found;
}

/** Committed models must hold exactly the files their training recorded. */
function checkModels(store: RunStore, models: ReadonlyMap<string, { digests: Record<string, string>; line: number }>): void {
  for (const [dir, { digests, line }] of models) {
    const present = modelDigests(store, dir);
    for (const [name, digest] of Object.entries(digests)) {
      if (present[name] === digest) continue;
      throw new RunRecoveryError(
        `${join(store.dir, dir, name)}: ${present[name] === undefined ? 'missing' : 'changed'} since its training was recorded (events.ndjson line ${line})`,
        'a trained model cannot be rebuilt from the log; restore the file, or start a new run',
      );
    }
  }
}
