/**
 * Every durable write of a run goes through `beforeWrite`, which tells an observer what is
 * about to happen. Production code installs none; crash tests install one that counts the
 * steps and stops the run at step N, which enumerates every point where a kill can land
 * (see test/synth/crashConsistency.test.ts).
 */

export type WriteStepKind = 'write' | 'rename' | 'append' | 'remove';

export interface WriteStep {
  readonly kind: WriteStepKind;
  /** The file written, renamed to, appended to or removed. */
  readonly path: string;
  /** What an append adds (so an observer can tear it, as a kill mid-append would). */
  readonly data?: string;
}

export type WriteObserver = (step: WriteStep) => void;

let observer: WriteObserver | undefined;

/** Installs `next` (or none) and returns the previous observer. */
export function observeWrites(next: WriteObserver | undefined): WriteObserver | undefined {
  const previous = observer;
  observer = next;
  return previous;
}

export function beforeWrite(step: WriteStep): void {
  observer?.(step);
}
