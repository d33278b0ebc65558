/**
 * Runs every benchmark, one after another (each in its own process, so backends and
 * timings do not interfere), or the ones named: `npm run bench -- eval compress`.
 * Each writes its JSON to benchmarks/results/.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Modules that support the benchmarks rather than being one. */
const HELPERS = new Set(['run.ts', 'machine.ts', 'synthSetup.ts', 'syntheticImages.ts']);
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !HELPERS.has(f))
  .map((f) => f.slice(0, -3))
  .sort();
const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}\n`);
  process.exit(1);
}
let failed = 0;
for (const name of requested.length > 0 ? requested : available) {
  process.stderr.write(`== ${name}\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`)], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    process.stderr.write(`benchmark ${name} failed with exit code ${run.status}\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
