/**
 * The original's RAVEN baseline, reproduced: `synth train --baseline linear --data raven
 * --preset paper --seed S` for five initialization seeds on one split (split seed 0), as the
 * original trained 50 initializations on one split. Each seed's `--json` summary is kept in
 * benchmarks/results/paper-baseline/seed-S.json (a rerun reuses them; delete to retrain);
 * the summary sets the test and validation accuracies beside the split's base rate (a
 * one-sample t-test over seeds) and beside the original's published result.
 *
 *   npx tsx benchmarks/paper-baseline.ts [--seeds 0,1,2,3,4]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, baseRate } from '../src/data/index.ts';
import { PRESETS } from '../src/gssnn/presets.ts';
import { pairedTTest, summarize } from '../src/analysis/stats.ts';
import { machineInfo, reportBenchmark, resultsDir } from './machine.ts';

const seedsArg = process.argv.indexOf('--seeds');
const seeds = (seedsArg > 0 ? process.argv[seedsArg + 1] : '0,1,2,3,4').split(',').map(Number);
const perSeedDir = join(resultsDir, 'paper-baseline');
mkdirSync(perSeedDir, { recursive: true });
const repoRoot = join(resultsDir, '..', '..');

/** The original's 50 baseline runs (results/128_const_color_1_iteration_baseline_{0..49}.json at f960ecd), evaluation accuracy. */
const ORIGINAL = {
  source: 'shlomenu/symbolically_synthesized_networks@f960ecd results/128_const_color_1_iteration_baseline_{0..49}.json, "eval" perf',
  runs: 50,
  evaluationAccuracy: { mean: 0.6714, std: 0.022, min: 0.624, max: 0.723 },
  trainAccuracy: { mean: 0.9491, std: 0.0538 },
  protocol: '128 training / 1,200 evaluation matrices, 16 epochs, batch 8, Adam 1e-3, per-batch plateau schedule; one split, 50 initializations',
};

interface Summary {
  readonly test: { readonly accuracy: number };
  readonly validation: { readonly accuracy: number };
  readonly train: { readonly accuracy: number };
  readonly trainSeconds: number;
  readonly backend: string;
  readonly status: string;
}

const runs: Summary[] = [];
for (const seed of seeds) {
  const file = join(perSeedDir, `seed-${seed}.json`);
  if (!existsSync(file)) {
    const args = ['bin/synth.mjs', 'train', '--baseline', 'linear', '--data', 'raven', '--preset', 'paper', '--seed', String(seed), '--json'];
    process.stderr.write(`synth ${args.slice(1).join(' ')}\n`);
    const run = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (run.status !== 0) throw new Error(`seed ${seed}: synth train exited with ${run.status}`);
    writeFileSync(file, `${run.stdout.trim().split('\n').at(-1)}\n`);
  }
  runs.push(JSON.parse(readFileSync(file, 'utf8')) as Summary);
}

const paper = PRESETS.paper;
const data = await loadDataset('raven', { seed: 0, imageSize: paper.image.inputSize, ...paper.data, warn: () => undefined });
const rates = { test: baseRate(data.test.y, data.numClasses), validation: baseRate(data.validation.y, data.numClasses) };
const versusBase = (split: 'test' | 'validation') => {
  const accuracies = runs.map((r) => r[split].accuracy);
  const test = pairedTTest(accuracies, accuracies.map(() => rates[split]));
  return { accuracies, ...summarize(accuracies), baseRate: rates[split], aboveBaseRate: { t: test.statistic, p: test.p, method: 'one-sample t over seeds against the base rate' } };
};

reportBenchmark('paper-baseline', {
  benchmark: 'paper-baseline',
  command: 'synth train --baseline linear --data raven --preset paper --seed S --json (split seed 0)',
  seeds,
  machine: machineInfo(),
  backend: runs[0]?.backend,
  trainSecondsPerRun: summarize(runs.map((r) => r.trainSeconds)).mean,
  statuses: runs.map((r) => r.status),
  train: summarize(runs.map((r) => r.train.accuracy)),
  test: versusBase('test'),
  validation: versusBase('validation'),
  original: ORIGINAL,
});
