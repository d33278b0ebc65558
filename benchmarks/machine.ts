/** Facts about the machine a benchmark ran on, recorded with every result. */
import { cpus, totalmem, platform, arch, loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function machineInfo(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const cpuList = cpus();
  return {
    cpu: cpuList[0]?.model ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: `${platform()}-${arch()}`,
    node: process.version,
    loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
    date: new Date().toISOString(),
    ...extra,
  };
}

/**
 * A note for results taken while other work loaded the machine (1-minute load average above
 * the core count), so that nobody reads them as quiet-machine figures; undefined otherwise.
 */
export function loadNote(): string | undefined {
  const load = loadavg()[0];
  const cores = cpus().length;
  return load > cores
    ? `measured under load (1-minute load average ${load.toFixed(1)} on ${cores} cores); re-run on a quiet machine`
    : undefined;
}

export const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');

/** Prints the result as one JSON line and writes it to benchmarks/results/<name>.json. */
export function reportBenchmark(name: string, result: Record<string, unknown>): void {
  mkdirSync(resultsDir, { recursive: true });
  const text = JSON.stringify(result, null, 2);
  writeFileSync(join(resultsDir, `${name}.json`), `${text}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Milliseconds of CPU time this process has used (user + system). */
export function cpuMillis(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface Rate {
  /** Items per second of wall-clock time. */
  readonly wall: number;
  /** Items per second of this process's CPU time (less sensitive to other load). */
  readonly cpu: number;
}

/** Items per second of `work` over `items`: the best of `rounds` rounds of about `millis` ms each. */
export function throughput<T>(items: readonly T[], work: (item: T) => void, rounds = 5, millis = 500): Rate {
  let wall = 0;
  let cpu = 0;
  for (let r = 0; r < rounds; r++) {
    let count = 0;
    const wallStart = performance.now();
    const cpuStart = cpuMillis();
    let elapsed = 0;
    while (elapsed < millis) {
      for (const item of items) work(item);
      count += items.length;
      elapsed = performance.now() - wallStart;
    }
    wall = Math.max(wall, Math.round((count / elapsed) * 1000));
    cpu = Math.max(cpu, Math.round((count / Math.max(cpuMillis() - cpuStart, 1e-3)) * 1000));
  }
  return { wall, cpu };
}
