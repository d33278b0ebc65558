/** `synth analyze DIR`: generalization measures of saved models, as a table or JSON. */
import type { Command } from 'commander';
import { DataError } from '../../data/index.ts';
import { initBackend } from '../../gssnn/backend.ts';
import { SavedModelError } from '../../gssnn/persist.ts';
import { MEASURE_NAMES, type MeasureName, parseMeasureList } from '../../analysis/measures.ts';
import { AnalysisInputError, analyzeRun, DEFAULT_MEASURES, type RunAnalysis } from '../../analysis/savedModels.ts';
import { UserError } from '../errors.ts';
import { parseInteger } from '../options.ts';

interface AnalyzeOptions {
  measures?: string;
  json?: boolean;
  maxExamples: string;
  seed: string;
}

export function register(program: Command): void {
  program
    .command('analyze')
    .description('Generalization measures (margin, norms, path-norm, PAC-Bayes, sharpness) of a model saved by `synth train`, or of every model under a run directory. Measures are diagnostics, not guarantees.')
    .argument('<dir>', 'a saved model directory (model.json + weights.bin) or a directory containing several')
    .option('--measures <list>', `comma-separated measures, or "all" (default: ${DEFAULT_MEASURES.join(',')})`)
    .option('--max-examples <n>', 'training and test examples used per model', '1000')
    .option('--seed <n>', 'seeds the random perturbations of the PAC-Bayes and sharpness measures', '0')
    .option('--json', 'print one JSON object instead of a table')
    .action(async (dir: string, options: AnalyzeOptions) => runAnalyze(dir, options));
}

function measureList(text: string | undefined): MeasureName[] {
  if (text === undefined) return [...DEFAULT_MEASURES];
  if (text.trim() === 'all') return [...MEASURE_NAMES];
  const { names, unknown } = parseMeasureList(text);
  if (unknown.length > 0) throw new UserError(`--measures: unknown measure${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}`, `use "all" or any of: ${MEASURE_NAMES.join(', ')}`);
  if (names.length === 0) throw new UserError('--measures: the list is empty', `for example --measures margin,path-norm`);
  return names;
}

async function runAnalyze(dir: string, options: AnalyzeOptions): Promise<void> {
  const measures = measureList(options.measures);
  const maxExamples = parseInteger('--max-examples', options.maxExamples, 1);
  const seed = parseInteger('--seed', options.seed, 0);
  const backend = await initBackend();
  let result: RunAnalysis;
  try {
    result = await analyzeRun(dir, measures, { maxExamples, seed, onModel: (name, i, n) => process.stderr.write(`analyzing ${name} (${i + 1}/${n})\n`) });
  } catch (err) {
    if (err instanceof AnalysisInputError || err instanceof SavedModelError || err instanceof DataError) throw new UserError(err.message, err.hint);
    throw err;
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ backend: backend.name, measuresRequested: measures, ...result })}\n`);
    return;
  }
  process.stdout.write(formatTable(result, measures));
}

function formatValue(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '-';
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : x.toFixed(4);
}

function formatTable(result: RunAnalysis, measures: readonly MeasureName[]): string {
  const header = ['measure', ...result.models.map((m, i) => (result.models.length === 1 ? m.kind : `#${i + 1} ${m.kind}`))];
  if (result.models.length >= 2) header.push('tau vs gap');
  const rows: string[][] = [
    ['train accuracy', ...result.models.map((m) => formatValue(m.trainAccuracy))],
    ['test accuracy', ...result.models.map((m) => formatValue(m.testAccuracy))],
    ['gap', ...result.models.map((m) => formatValue(m.gap))],
    ...measures.map((name) => [name, ...result.models.map((m) => formatValue(m.measures[name])), ...(result.models.length >= 2 ? [formatValue(result.ranking[name])] : [])]),
  ];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  const legend = result.models.length > 1 ? result.models.map((m, i) => `#${i + 1}: ${m.dir}`).join('\n') + '\n' : `model: ${result.models[0].dir} (${result.models[0].data}, ${result.models[0].trainExamples} training examples)\n`;
  const byReason = new Map<string, Set<string>>();
  for (const m of result.models) for (const [name, why] of Object.entries(m.skipped)) byReason.set(why, (byReason.get(why) ?? new Set()).add(name));
  const skipped = [...byReason].map(([why, names]) => `skipped (${why}): ${[...names].join(', ')}\n`).join('');
  return `${legend}${line(header)}\n${rows.map(line).join('\n')}\n${skipped}note: ${result.caveat}\n`;
}
