// Task module used by the worker-pool test.
import { threadId } from 'node:worker_threads';

export async function square(input: { n: number; fail?: boolean; crash?: boolean }): Promise<{ n2: number; thread: number }> {
  if (input.crash) process.exit(3);
  if (input.fail) throw new Error(`cannot square ${input.n}`);
  return { n2: input.n * input.n, thread: threadId };
}
