/**
 * The performance benchmarks (benchmarks/results/*.json, written by benchmarks/*.ts) gathered
 * into the leaderboard, each with the machine and backend it was measured on. Their JSON is
 * kept whole, so the report can be rendered from leaderboard.json alone.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchmarkEntry } from './schema.ts';

function text(value: unknown, fallback: string): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => text(v, '?')).join(', ');
  if (value && typeof value === 'object') return Object.keys(value).join(', ');
  return fallback;
}

export function benchmarkEntry(name: string, result: Record<string, unknown>): BenchmarkEntry {
  const machine = (result.machine ?? {}) as Record<string, unknown>;
  return {
    name,
    what: text(result.what ?? result.description ?? result.unit, ''),
    machine: {
      cpu: text(machine.cpu, 'unknown'),
      cores: Number.isInteger(machine.cores) ? (machine.cores as number) : 0,
      node: text(machine.node, 'unknown'),
      backend: text(machine.backend ?? machine.backends, 'unknown'),
      date: text(machine.date, 'unknown'),
    },
    note: text(result.note, ''),
    result,
  };
}

/** Every `*.json` under `dir`, by name; unreadable files are reported, not fatal. */
export function gatherBenchmarks(dir: string, warn: (message: string) => void = () => undefined): BenchmarkEntry[] {
  if (!existsSync(dir)) return [];
  const entries: BenchmarkEntry[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    try {
      const parsed = JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
      entries.push(benchmarkEntry(file.slice(0, -'.json'.length), parsed as Record<string, unknown>));
    } catch (err) {
      warn(`${join(dir, file)}: skipped (${(err as Error).message})`);
    }
  }
  return entries;
}

/**
 * A few headline figures of a benchmark: its numeric fields up to two levels deep (machine
 * facts excluded), in the order the benchmark wrote them.
 */
export function headlineFigures(result: Record<string, unknown>, limit = 6): [string, number][] {
  const out: [string, number][] = [];
  const visit = (value: unknown, path: string, depth: number) => {
    if (out.length >= limit) return;
    if (typeof value === 'number' && Number.isFinite(value)) out.push([path, value]);
    else if (value && typeof value === 'object' && !Array.isArray(value) && depth < 2) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) visit(v, path ? `${path}.${k}` : k, depth + 1);
    }
  };
  for (const [key, value] of Object.entries(result)) {
    if (key === 'machine' || key === 'note') continue;
    visit(value, key, 0);
  }
  return out;
}
