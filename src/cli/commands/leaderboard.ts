/**
 * `synth leaderboard`: run a benchmark suite (only what the result cache lacks) and write
 * leaderboard.json, LEADERBOARD.md and the plots; `--render-only` regenerates the Markdown and
 * plots from the JSON alone. Thin: the work is in src/leaderboard.
 */
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKEND_NAMES } from '../../gssnn/backend.ts';
import { readLeaderboard, renderLeaderboard, runLeaderboard, LEADERBOARD_FILES } from '../../leaderboard/run.ts';
import { parseSuite, suiteByName, SUITES, type Suite } from '../../leaderboard/suite.ts';
import { UserError } from '../errors.ts';
import { parseInteger } from '../options.ts';
import { requireWritableDirectory } from '../outputs.ts';
import { DEFAULT_POPULATION_BATCH, localTrainer } from '../../pipeline/index.ts';
import { toolkitVersion } from '../../util/version.ts';
import { defaultThreadCount } from '../../util/workerPool.ts';
import { commandLine } from '../shell.ts';

interface LeaderboardFlags {
  suite: string;
  suiteFile?: string;
  out?: string;
  workers?: string;
  populationBatch: string;
  renderOnly?: boolean;
  backend?: string;
  benchmarks: string;
  quiet?: boolean;
}

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export function register(program: Command): void {
  program
    .command('leaderboard')
    .description('Run a benchmark suite (tasks x sizes x seeds x models, only what is not cached) and write leaderboard.json, LEADERBOARD.md and plots')
    .option('--suite <name>', `built-in suite: ${Object.keys(SUITES).join(', ')}`, 'tiny')
    .option('--suite-file <file>', 'a suite as JSON (see docs/leaderboard.md) instead of a built-in one')
    .option('--out <dir>', 'output directory (default: runs/leaderboard-<suite>)')
    .option('--workers <n>', 'train jobs on this many worker threads (default: one per core, at most 8; results do not depend on it)')
    .option('--population-batch <k>', 'models trained together in one computation (1: one at a time)', String(DEFAULT_POPULATION_BATCH))
    .option('--render-only', 'regenerate LEADERBOARD.md and plots from <out>/leaderboard.json; trains nothing')
    .option('--backend <name>', `tensor backend: ${BACKEND_NAMES.join(', ')} (default: SYNTH_BACKEND or the fastest available)`)
    .option('--benchmarks <dir>', 'performance benchmark results to gather', join(repoRoot, 'benchmarks', 'results'))
    .option('--quiet', 'no progress lines on stderr')
    .action(async (flags: LeaderboardFlags) => {
      await leaderboardCommand(flags);
    });
}

function loadSuite(flags: LeaderboardFlags): Suite {
  if (flags.suiteFile === undefined) return suiteByName(flags.suite);
  if (!existsSync(flags.suiteFile)) throw new UserError(`--suite-file: no such file ${flags.suiteFile}`, 'give a JSON file holding a suite (see docs/leaderboard.md)');
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(flags.suiteFile, 'utf8'));
  } catch (err) {
    throw new UserError(`--suite-file ${flags.suiteFile}: not valid JSON (${(err as Error).message})`, 'fix the JSON syntax');
  }
  return parseSuite(value, flags.suiteFile);
}

async function leaderboardCommand(flags: LeaderboardFlags): Promise<void> {
  const log = (line: string) => {
    if (!flags.quiet) process.stderr.write(`${line}\n`);
  };
  if (flags.renderOnly) {
    if (flags.out === undefined) throw new UserError('--render-only needs --out DIR (the directory holding leaderboard.json)');
    const board = readLeaderboard(flags.out);
    requireWritableDirectory(flags.out, '--out');
    const files = await renderLeaderboard(board, flags.out);
    process.stdout.write(`Rendered ${files.length} files from ${join(flags.out, LEADERBOARD_FILES.json)}\n`);
    return;
  }
  const workers = flags.workers === undefined ? defaultThreadCount() : parseInteger('--workers', flags.workers, 1, 64);
  const populationBatch = parseInteger('--population-batch', flags.populationBatch, 1, 256);
  const suite = loadSuite(flags);
  const out = flags.out ?? join('runs', `leaderboard-${suite.name}`);
  requireWritableDirectory(out, '--out');
  const command = commandLine(['synth', ...process.argv.slice(2)]);
  const started = performance.now();
  const board = await runLeaderboard({
    suite,
    out,
    workers,
    backend: flags.backend,
    command,
    toolkitVersion: toolkitVersion(),
    populationBatch,
    trainerFor: (store, backend) => localTrainer(store, { workers, backend, populationBatch }),
    benchmarksDir: flags.benchmarks,
    warn: (m) => process.stderr.write(`warning: ${m}\n`),
    onSearchEvent: (e) => {
      if (e.type === 'explored') log(`search: iteration ${e.iteration} explored ${e.programs} programs, ${e.newCandidates} new candidates`);
      if (e.type === 'selected' && e.best) log(`search: iteration ${e.iteration} best ${e.best.id} (score ${e.best.score.toFixed(3)})`);
    },
    onPlanned: ({ total, cached }) => log(`leaderboard ${suite.name}: ${total} jobs, ${cached} cached, ${total - cached} to train on ${workers} worker(s)`),
    onJob: (p) => {
      const what = `${p.job.task} n=${p.job.trainSize} ${p.job.model} seed ${p.job.seed}`;
      log(p.result ? `[${p.done}/${p.total}] ${what}: test ${p.result.testAccuracy.toFixed(3)} (${p.result.wallSeconds.toFixed(1)} s)` : `[${p.done}/${p.total}] ${what}: FAILED ${p.error}`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `Leaderboard ${suite.name}: ${board.rows.length} rows from ${board.runs.jobs} runs (${board.runs.fromCache} cached, ${board.runs.trained} trained, ${board.runs.failed.length} failed) in ${seconds.toFixed(1)} s\n` +
      `Wrote ${join(out, LEADERBOARD_FILES.json)}, ${join(out, LEADERBOARD_FILES.markdown)} and ${join(out, LEADERBOARD_FILES.plots)}/\n`,
  );
}
