/**
 * A small pool of worker threads that run an exported async function of a TypeScript module
 * on each task. Tasks are handed out in order; results come back with their task index, so
 * callers can record them as they complete and the outcome never depends on scheduling.
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

export interface PoolTask<T> {
  readonly index: number;
  readonly input: T;
}

export type PoolOutcome<R> =
  | { readonly index: number; readonly ok: true; readonly value: R }
  /** `crashed`: the thread itself died (it must be replaced), not just the task. */
  | { readonly index: number; readonly ok: false; readonly error: string; readonly crashed: boolean };

/** The script a pool thread starts from (it enables TypeScript, then loads the task module). */
export const workerBootstrap = fileURLToPath(new URL('./workerBootstrap.mjs', import.meta.url));

/** A thread that runs `moduleUrl`'s export `exportName` on each task posted to it. */
export function spawnTaskThread(moduleUrl: string, exportName: string): Worker {
  return new Worker(workerBootstrap, { workerData: { moduleUrl, exportName } });
}

/**
 * Runs `moduleUrl`'s export `exportName(input)` for every input on `workers` threads and calls
 * `onOutcome` as each finishes. A task that throws yields `ok: false` with the message; a worker
 * that crashes fails its task and is replaced.
 */
export async function runInWorkers<T, R>(options: {
  moduleUrl: string;
  exportName: string;
  inputs: readonly T[];
  workers: number;
  onOutcome?: (outcome: PoolOutcome<R>) => void | Promise<void>;
}): Promise<PoolOutcome<R>[]> {
  const { moduleUrl, exportName, inputs, onOutcome } = options;
  const outcomes: PoolOutcome<R>[] = new Array(inputs.length);
  let next = 0;
  const threadCount = Math.max(1, Math.min(options.workers, inputs.length));

  const runThread = async (): Promise<void> => {
    let worker: Worker | undefined;
    const spawn = () => spawnTaskThread(moduleUrl, exportName);
    try {
      while (next < inputs.length) {
        const index = next++;
        worker ??= spawn();
        const outcome = await runOnThread<T, R>(worker, index, inputs[index]);
        if (!outcome.ok && outcome.crashed) {
          await worker.terminate().catch(() => undefined);
          worker = undefined;
        }
        outcomes[index] = outcome;
        await onOutcome?.(outcome);
      }
    } finally {
      await worker?.terminate();
    }
  };
  await Promise.all(Array.from({ length: threadCount }, runThread));
  return outcomes;
}

/** Posts one task to a pool thread and resolves with its outcome (never rejects). */
export function runOnThread<T, R>(worker: Worker, index: number, input: T): Promise<PoolOutcome<R>> {
  return new Promise((resolveOutcome) => {
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (msg: { index: number; ok: boolean; value?: R; error?: string }) => {
      if (msg.index !== index) return;
      cleanup();
      resolveOutcome(msg.ok ? { index, ok: true, value: msg.value as R } : { index, ok: false, error: msg.error ?? 'unknown error', crashed: false });
    };
    const onError = (e: Error) => {
      cleanup();
      resolveOutcome({ index, ok: false, error: `worker exited with an error: ${e.message}`, crashed: true });
    };
    const onExit = (code: number) => {
      cleanup();
      resolveOutcome({ index, ok: false, error: `worker exited with code ${code}`, crashed: true });
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ index, input });
  });
}
