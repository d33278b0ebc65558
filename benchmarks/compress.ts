/**
 * Compression time per corpus: the eight cogsci corpora of Stitch's benchmarks, arity 2 and
 * 10 iterations, plus nuts-bolts to 3 abstractions (Stitch, in Rust, reports about 120 ms).
 * Parsing is not timed; each corpus is compressed `REPEATS` times and the best time kept.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compress, type CompressOptions, parseStitchCorpus } from '../src/synth/compress/index.ts';
import { machineInfo, reportBenchmark } from './machine.ts';

const REPEATS = Number(process.env.COMPRESS_BENCH_REPEATS ?? 2);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corporaDir = path.resolve(repoRoot, 'reference/stitch/corpora');
const corpora = ['bridge', 'castle', 'city', 'dials', 'furniture', 'house', 'nuts-bolts', 'wheels'];

function run(name: string, options: CompressOptions) {
  const parsed = parseStitchCorpus(readFileSync(path.join(corporaDir, `${name}.json`), 'utf8'), name);
  if (!parsed.ok) throw parsed.error;
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let result = compress(parsed.value, options);
  for (let r = 0; r < REPEATS; r++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    result = compress(parsed.value, options);
    const cpu = process.cpuUsage(cpuStart);
    times.push(performance.now() - start);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
  }
  return {
    corpus: name,
    programs: parsed.value.length,
    maxArity: options.maxArity,
    iterations: options.iterations,
    ms: Math.round(Math.min(...times)),
    // CPU time of this process: less disturbed than wall time when the machine is shared.
    cpuMs: Math.round(Math.min(...cpuTimes)),
    abstractions: result.abstractions.length,
    originalCost: result.originalCost,
    finalCost: result.finalCost,
    compressionRatio: Number(result.compressionRatio.toFixed(4)),
    patternsExpanded: result.stats.expanded,
  };
}

const results = corpora.map((name) => run(name, { maxArity: 2, iterations: 10 }));
const nutsBolts3 = run('nuts-bolts', { maxArity: 2, iterations: 3 });

reportBenchmark('compress', {
  benchmark: 'compress',
  machine: machineInfo({ backend: 'none (pure TypeScript)' }),
  note: 'measured while other processes loaded the machine (load average well above the core count); re-run on a quiet machine',
  repeats: REPEATS,
  reference: { stitch: 'nuts-bolts, 3 abstractions: about 120 ms (Rust, as reported by Stitch)' },
  nutsBolts3Abstractions: nutsBolts3,
  corpora: results,
  totalMs: results.reduce((s, r) => s + r.ms, 0),
  totalCpuMs: results.reduce((s, r) => s + r.cpuMs, 0),
});
