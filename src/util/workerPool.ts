/**
 * A small pool of worker threads that run an exported async function of a TypeScript module
 * on each task. Tasks are handed out in order; results come back with their task index, so
 * callers can record them as they complete and the outcome never depends on scheduling.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';

/** Threads to train on when the user does not say: one per core this process may use, at most 8. */
export function defaultThreadCount(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

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
 * Threads that run `moduleUrl`'s export `exportName` on tasks, kept between `run` calls so that
 * a caller with several rounds of work (a search's iterations) starts each thread once. Idle
 * threads do not keep the process alive; `close` ends them.
 */
export class TaskThreadPool<T, R> {
  private readonly idle: Worker[] = [];
  private closed = false;

  constructor(
    private readonly moduleUrl: string,
    private readonly exportName: string,
    /** At most this many threads run at once. */
    readonly size: number,
  ) {}

  /**
   * Runs the task on every input, `size` at a time, and calls `onOutcome` as each finishes. A
   * task that throws yields `ok: false` with the message; a thread that crashes fails its task
   * and is replaced.
   */
  async run(inputs: readonly T[], onOutcome?: (outcome: PoolOutcome<R>) => void | Promise<void>): Promise<PoolOutcome<R>[]> {
    if (this.closed) throw new Error('TaskThreadPool.run: the pool is closed');
    const outcomes: PoolOutcome<R>[] = new Array(inputs.length);
    let next = 0;
    const runThread = async (): Promise<void> => {
      let worker: Worker | undefined;
      try {
        while (next < inputs.length) {
          const index = next++;
          worker ??= this.take();
          const outcome = await runOnThread<T, R>(worker, index, inputs[index]);
          if (!outcome.ok && outcome.crashed) {
            await worker.terminate().catch(() => undefined);
            worker = undefined;
          }
          outcomes[index] = outcome;
          await onOutcome?.(outcome);
        }
      } finally {
        if (worker) this.giveBack(worker);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.size, inputs.length)) }, runThread));
    return outcomes;
  }

  /** Starts the pool's threads now (they load the task module while the caller does other work). */
  warm(): void {
    if (this.closed) return;
    while (this.idle.length < this.size) {
      const worker = this.spawn();
      worker.unref();
      this.idle.push(worker);
    }
  }

  /** Ends the idle threads; the pool cannot run again. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.idle.splice(0).map((w) => w.terminate().catch(() => undefined)));
  }

  private take(): Worker {
    const worker = this.idle.pop() ?? this.spawn();
    worker.ref();
    return worker;
  }

  private spawn(): Worker {
    const worker = spawnTaskThread(this.moduleUrl, this.exportName);
    // A thread that dies while idle leaves the pool (a task's own listeners report it while busy).
    worker.on('error', () => undefined);
    worker.on('exit', () => {
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
    });
    return worker;
  }

  private giveBack(worker: Worker): void {
    if (this.closed) {
      void worker.terminate().catch(() => undefined);
      return;
    }
    worker.unref();
    this.idle.push(worker);
  }
}

/**
 * Runs `moduleUrl`'s export `exportName(input)` for every input on `workers` threads and calls
 * `onOutcome` as each finishes (a one-off `TaskThreadPool`).
 */
export async function runInWorkers<T, R>(options: {
  moduleUrl: string;
  exportName: string;
  inputs: readonly T[];
  workers: number;
  onOutcome?: (outcome: PoolOutcome<R>) => void | Promise<void>;
}): Promise<PoolOutcome<R>[]> {
  const pool = new TaskThreadPool<T, R>(options.moduleUrl, options.exportName, Math.max(1, options.workers));
  try {
    return await pool.run(options.inputs, options.onOutcome);
  } finally {
    await pool.close();
  }
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
