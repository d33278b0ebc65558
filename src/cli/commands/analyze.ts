/** `synth analyze DIR`: generalization measures of saved models, as a table or JSON. */
import type { Command } from 'commander';
import { DataError } from '../../data/index.ts';
import { initBackend } from '../../gssnn/backend.ts';
import { SavedModelError } from '../../gssnn/persist.ts';
import { MEASURE_NAMES, type MeasureName, parseMeasureList } from '../../analysis/measures.ts';
import { AnalysisInputError, analyzeRun, DEFAULT_MEASURES, type RunAnalysis } from '../../analysis/savedModels.ts';
import { CorruptionError } from '../../analysis/corruptions.ts';
import { HeadNotFoundError } from '../../analysis/geometry.ts';
import { defaultReportDir, STUDIES, writeReport } from '../../analysis/reportRun.ts';
import { StructureInputError } from '../../analysis/structure.ts';
import { UserError } from '../errors.ts';
import { parseChoiceList, parseInteger, parseNumber } from '../options.ts';
import { requireWritableDirectory } from '../outputs.ts';

interface AnalyzeOptions {
  measures?: string;
  json?: boolean;
  maxExamples: string;
  seed: string;
  report?: string | boolean;
  studies: string;
  sparsities: string;
  severities: string;
  retrainEpochs?: string;
  sgldStep: string;
  sgldBurnIn: string;
  sgldThin: string;
  sgldSamples: string;
  temperature: string;
  priorScale: string;
  sgldBatch: string;
  klEpsilon: string;
  difficultyEpochs: string;
  noiseRate: string;
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
    .option('--report [dir]', 'instead of the measure table, write a report (report.md, report.json, SVG + PNG plots) into DIR/analysis-report or the given folder: structure vs performance for a search run, pruning/robustness, SGLD ensemble and example difficulty for one saved model')
    .option('--studies <list>', `report studies of a saved model: ${STUDIES.join(',')}`, STUDIES.join(','))
    .option('--sparsities <list>', 'pruning sparsities (increasing, each in (0, 1))', '0.5,0.8,0.9,0.95')
    .option('--severities <list>', 'corruption severities 1..5 (gaussian-noise, blur, contrast, occlusion)', '1,3,5')
    .option('--retrain-epochs <n>', "epochs of retraining per round of iterative pruning (default: the model's preset)")
    .option('--sgld-step <eta>', 'SGLD step size (the potential is N x mean loss + prior)', '1e-5')
    .option('--sgld-burn-in <n>', 'SGLD steps discarded before sampling', '200')
    .option('--sgld-thin <n>', 'SGLD steps between kept samples', '10')
    .option('--sgld-samples <n>', 'SGLD samples in the ensemble', '20')
    .option('--temperature <T>', 'SGLD temperature (1: the posterior)', '1')
    .option('--prior-scale <s>', 'scale of the Gaussian prior on the weights', '1')
    .option('--sgld-batch <n>', 'SGLD minibatch size', '32')
    .option('--kl-epsilon <e>', 'output KL threshold of the hypothesis-weight proxy', '0.01')
    .option('--difficulty-epochs <n>', 'epochs of each example-difficulty training', '30')
    .option('--noise-rate <p>', 'label-noise rate of the noisy-label difficulty run', '0.3')
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

function numberList(flag: string, text: string, min: number, max: number, integer = false): number[] {
  const values = text.split(',').map((item) => (integer ? parseInteger(flag, item.trim(), min, max) : parseNumber(flag, item.trim(), min, max)));
  if (values.length === 0) throw new UserError(`${flag}: the list is empty`);
  return values;
}

async function runReport(dir: string, options: AnalyzeOptions): Promise<void> {
  const sparsities = numberList('--sparsities', options.sparsities, 0, 0.999);
  if (sparsities.some((s, i) => i > 0 && s <= sparsities[i - 1])) throw new UserError(`--sparsities: must increase, got ${options.sparsities}`, 'for example --sparsities 0.5,0.8,0.9');
  const studies = parseChoiceList('--studies', options.studies, STUDIES);
  const outDir = typeof options.report === 'string' ? options.report : defaultReportDir(dir);
  requireWritableDirectory(outDir, '--report', 'give the report a writable folder: --report DIR');
  const backend = await initBackend();
  const settings = {
    outDir,
    studies,
    sparsities,
    severities: numberList('--severities', options.severities, 1, 5, true),
    maxExamples: parseInteger('--max-examples', options.maxExamples, 1),
    seed: parseInteger('--seed', options.seed, 0),
    retrainEpochs: options.retrainEpochs === undefined ? undefined : parseInteger('--retrain-epochs', options.retrainEpochs, 1),
    sgld: {
      stepSize: parseNumber('--sgld-step', options.sgldStep, Number.MIN_VALUE),
      burnIn: parseInteger('--sgld-burn-in', options.sgldBurnIn, 0),
      thin: parseInteger('--sgld-thin', options.sgldThin, 1),
      samples: parseInteger('--sgld-samples', options.sgldSamples, 1),
      temperature: parseNumber('--temperature', options.temperature, 0),
      priorScale: parseNumber('--prior-scale', options.priorScale, Number.MIN_VALUE),
      batchSize: parseInteger('--sgld-batch', options.sgldBatch, 1),
      epsilon: parseNumber('--kl-epsilon', options.klEpsilon, Number.MIN_VALUE),
    },
    difficultyEpochs: parseInteger('--difficulty-epochs', options.difficultyEpochs, 1),
    noiseRate: parseNumber('--noise-rate', options.noiseRate, 0, 1),
    backend: backend.name,
    command: `synth ${process.argv.slice(2).join(' ')}`,
    onProgress: (message: string) => process.stderr.write(`report: ${message}\n`),
  };
  try {
    const { outDir, files } = await writeReport(dir, settings);
    process.stdout.write(`report written to ${outDir}\n${files.map((f) => `  ${f}`).join('\n')}\n`);
  } catch (err) {
    if (err instanceof AnalysisInputError || err instanceof SavedModelError || err instanceof DataError || err instanceof StructureInputError || err instanceof CorruptionError || err instanceof HeadNotFoundError) throw new UserError(err.message, err.hint);
    throw err;
  }
}

async function runAnalyze(dir: string, options: AnalyzeOptions): Promise<void> {
  if (options.report !== undefined) return runReport(dir, options);
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
