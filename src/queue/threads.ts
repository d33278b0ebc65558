/**
 * Long-lived worker threads that each run one task at a time: training is synchronous
 * tensor code, and on the main thread it would stall the timers that keep a job's lock
 * alive, so a slow job would look abandoned and run twice. A thread keeps the data sets it
 * loaded between jobs; a thread that crashes fails its task and is replaced.
 */
import type { Worker } from 'node:worker_threads';
import { runOnThread, spawnTaskThread } from '../util/workerPool.ts';

export class ThreadSlots<T, R> {
  private readonly idle: Worker[] = [];
  private readonly busy = new Set<Worker>();
  private readonly waiting: ((worker: Worker) => void)[] = [];
  private nextTask = 0;
  private closed = false;

  constructor(
    private readonly moduleUrl: string,
    private readonly exportName: string,
    readonly size: number,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`thread count must be a positive integer, got ${size}`);
  }

  /** Runs the task on a free thread (waiting for one); rejects with the task's error. */
  async run(input: T): Promise<R> {
    const worker = await this.acquire();
    const index = this.nextTask++;
    try {
      const outcome = await runOnThread<T, R>(worker, index, input);
      if (outcome.ok) return outcome.value;
      if (!outcome.crashed) throw new Error(outcome.error);
      this.discard(worker);
      throw new Error(`training thread ${outcome.error.replace(/^worker /, '')}`);
    } finally {
      this.release(worker);
    }
  }

  /** Stops every thread (a task still running on one is abandoned). */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.idle, ...this.busy];
    this.idle.length = 0;
    this.busy.clear();
    await Promise.all(all.map((w) => w.terminate().catch(() => undefined)));
  }

  private acquire(): Promise<Worker> {
    if (this.closed) return Promise.reject(new Error('the training threads are closed'));
    const free = this.idle.pop();
    if (free) {
      this.busy.add(free);
      return Promise.resolve(free);
    }
    if (this.busy.size < this.size) {
      const worker = spawnTaskThread(this.moduleUrl, this.exportName);
      this.busy.add(worker);
      return Promise.resolve(worker);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(worker: Worker): void {
    if (!this.busy.has(worker)) return;
    const next = this.waiting.shift();
    if (next) {
      next(worker);
      return;
    }
    this.busy.delete(worker);
    this.idle.push(worker);
  }

  /** A dead thread frees its slot; the next task spawns a fresh one. */
  private discard(worker: Worker): void {
    this.busy.delete(worker);
    void worker.terminate().catch(() => undefined);
    const next = this.waiting.shift();
    if (next) void this.acquire().then(next);
  }
}
