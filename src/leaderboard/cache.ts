/**
 * The result cache: one file per job under `<out>/cache/<hash>.json`, written atomically, so
 * an interrupted run loses at most the jobs in flight and a rerun trains only what is missing.
 * Each entry keeps the job itself, so a hash collision or a hand-edited file is detected.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../util/atomicFile.ts';
import type { LeaderboardJob, LeaderboardJobResult } from './job.ts';
import { canonicalJson } from './plan.ts';

export interface CachedResult {
  readonly hash: string;
  readonly job: LeaderboardJob;
  readonly result: LeaderboardJobResult;
  /** Where and when the result was computed. */
  readonly provenance: { readonly gitCommit: string; readonly command: string; readonly node: string };
}

export class ResultCache {
  constructor(readonly dir: string) {}

  private path(hash: string): string {
    return join(this.dir, `${hash}.json`);
  }

  /** The entry for `job`, or undefined when missing, unreadable or for another job. */
  get(hash: string, job: LeaderboardJob, warn: (message: string) => void = () => undefined): CachedResult | undefined {
    const file = this.path(hash);
    if (!existsSync(file)) return undefined;
    let entry: CachedResult;
    try {
      entry = JSON.parse(readFileSync(file, 'utf8')) as CachedResult;
    } catch (err) {
      warn(`${file}: unreadable cache entry (${(err as Error).message}); the job runs again`);
      return undefined;
    }
    if (canonicalJson(entry.job) !== canonicalJson(job) || typeof entry.result?.testAccuracy !== 'number') {
      warn(`${file}: cache entry does not match its job; the job runs again`);
      return undefined;
    }
    return entry;
  }

  put(entry: CachedResult): void {
    writeJsonAtomic(this.path(entry.hash), entry);
  }
}
