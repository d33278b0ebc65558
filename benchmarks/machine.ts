/** Facts about the machine a benchmark ran on, recorded with every result. */
import { cpus, totalmem, platform, arch } from 'node:os';
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
    date: new Date().toISOString(),
    ...extra,
  };
}

export const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');

/** Prints the result as one JSON line and writes it to benchmarks/results/<name>.json. */
export function reportBenchmark(name: string, result: Record<string, unknown>): void {
  mkdirSync(resultsDir, { recursive: true });
  const text = JSON.stringify(result, null, 2);
  writeFileSync(join(resultsDir, `${name}.json`), `${text}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
