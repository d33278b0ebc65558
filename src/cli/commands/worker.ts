/**
 * `synth worker`: trains jobs from a Redis queue until stopped. The first SIGINT/SIGTERM
 * stops taking jobs and lets the running ones finish (exit 0); a second one leaves at once
 * with exit 130 (the abandoned jobs go back on the queue once their lock expires).
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { BACKEND_NAMES, parseBackendName } from '../../gssnn/backend.ts';
import { describeLocation } from '../../queue/location.ts';
import { DEFAULT_WORKER_OPTIONS, startQueueWorker, type WorkerEvent } from '../../queue/worker.ts';
import { UserError } from '../errors.ts';
import { parseInteger, parseNumber } from '../options.ts';
import { openQueueFlag } from '../queueFlag.ts';

interface WorkerFlags {
  queue?: string;
  concurrency: string;
  backend?: string;
  lockSeconds: string;
  maxStalls: string;
  runsRoot?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('Train jobs from a Redis queue (started by `synth search --queue`) until stopped')
    .option('--queue <url>', 'Redis holding the queue: redis://HOST:PORT[/DB]')
    .option('--concurrency <n>', 'jobs trained at once, each on its own thread', String(DEFAULT_WORKER_OPTIONS.concurrency))
    .option('--backend <name>', `tensor backend for every job (default: the one the search used): ${BACKEND_NAMES.join(', ')}`)
    .option('--lock-seconds <s>', "how long a job stays claimed without renewal; a dead worker's job is retried after about twice this", String(DEFAULT_WORKER_OPTIONS.lockSeconds))
    .option('--max-stalls <n>', 'times a job may be abandoned by a dead worker before it fails for good', String(DEFAULT_WORKER_OPTIONS.maxStalls))
    .option('--runs-root <dir>', 'write models only into runs under this directory (jobs for other runs are rejected)')
    .option('--json', 'print events as NDJSON on stdout')
    .action(async (flags: WorkerFlags) => {
      await runWorker(flags);
    });
}

async function runWorker(flags: WorkerFlags): Promise<void> {
  if (flags.queue === undefined) throw new UserError('--queue is required', 'for example synth worker --queue redis://127.0.0.1:6379');
  const concurrency = parseInteger('--concurrency', flags.concurrency, 1, 256);
  const lockSeconds = parseNumber('--lock-seconds', flags.lockSeconds, 1, 86_400);
  const maxStalls = parseInteger('--max-stalls', flags.maxStalls, 0, 1000);
  const backend = flags.backend === undefined ? undefined : parseBackendName(flags.backend, '--backend');
  const location = await openQueueFlag(flags.queue);
  const print = (event: WorkerEvent) => {
    if (flags.json) process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
    else process.stderr.write(`${describeEvent(event)}\n`);
  };
  if (flags.runsRoot !== undefined && !existsSync(flags.runsRoot)) throw new UserError(`--runs-root: no such directory ${flags.runsRoot}`, 'give the directory that holds the shared run directories');
  const worker = await startQueueWorker(location, { concurrency, lockSeconds, maxStalls, ...(backend ? { backend } : {}), ...(flags.runsRoot ? { runsRoot: resolve(flags.runsRoot) } : {}) }, print);
  if (!flags.json) process.stderr.write(`worker: taking jobs from ${describeLocation(location)} (Ctrl-C to stop after the running jobs)\n`);
  let signals = 0;
  const stop = () => {
    signals++;
    if (signals === 1) {
      void worker.close();
      return;
    }
    // Leaving now must not wait on anything, not even a Redis that has gone away.
    setTimeout(() => process.exit(130), 3000).unref();
    void worker.close(true).finally(() => process.exit(130));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await worker.closed;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
}

function describeEvent(event: WorkerEvent): string {
  switch (event.type) {
    case 'ready':
      return `worker: ready, ${event.concurrency} job(s) at once`;
    case 'started':
      return `worker: ${event.job}: training (attempt ${event.attempt})`;
    case 'rejected':
      return `worker: ${event.job}: rejected: ${event.reason}`;
    case 'completed':
      return `worker: ${event.job}: ${event.status}, validation accuracy ${(100 * event.validation).toFixed(1)}%, ${event.seconds.toFixed(1)} s`;
    case 'failed':
      return `worker: ${event.job}: attempt ${event.attempt} failed${event.final ? ' for good' : ', will retry'}: ${event.error}`;
    case 'stalled':
      return `worker: ${event.job}: its worker stopped answering; back on the queue`;
    case 'error':
      return `worker: error: ${event.error}`;
    case 'closing':
      return event.force ? 'worker: leaving now; running jobs go back on the queue' : 'worker: stopping after the running jobs (signal again to leave now)';
    case 'closed':
      return 'worker: stopped';
  }
}
