/**
 * `synth analyze DIR`: generalization measures of saved models, and on request their
 * Hessian spectrum, m-coherence and dead ReLU units, as tables or JSON; `--report` writes
 * the longer studies into a folder.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { initBackend } from '../../gssnn/backend.ts';
import { CAN_BE_NEGATIVE, MEASURE_CAPTIONS, MEASURE_NAMES, type MeasureName, parseMeasureList } from '../../analysis/measures.ts';
import { hessianDensityChart } from '../../analysis/modelDiagnostics.ts';
import { analyzeRun, DEFAULT_MEASURES, type DiagnosticOptions, type ModelAnalysis, type RunAnalysis } from '../../analysis/savedModels.ts';
import { writeChart } from '../../util/plot.ts';
import { defaultReportDir, DEFAULT_STUDIES, STUDIES, writeReport } from '../../analysis/reportRun.ts';
import { UserError } from '../errors.ts';
import { parseChoiceList, parseInteger, parseNumber } from '../options.ts';
import { requireWritableDirectory } from '../outputs.ts';

interface AnalyzeOptions {
  measures?: string;
  hessian?: boolean;
  hessianExamples: string;
  topK: string;
  lanczosSteps: string;
  traceProbes: string;
  densityProbes: string;
  plots?: string;
  coherence?: boolean;
  coherenceExamples: string;
  deadNeurons?: boolean;
  probeExamples: string;
  json?: boolean;
  maxExamples: string;
  seed: string;
  report?: string | boolean;
  studies: string;
  apRate: string;
  maskSparsities: string;
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
    .option('--hessian', 'the loss Hessian of each model: top eigenvalues (Lanczos), outliers, trace with a 95% interval (Hutchinson with the top eigenvectors deflated), spectral density plot (SLQ)')
    .option('--hessian-examples <n>', 'training examples the Hessian of the mean loss is taken on', '256')
    .option('--top-k <k>', 'Hessian eigenvalues reported', '10')
    .option('--lanczos-steps <n>', 'Lanczos steps (outliers are counted among all their Ritz values)', '40')
    .option('--trace-probes <n>', 'Hutchinson probes of the trace', '30')
    .option('--density-probes <n>', 'probe vectors of the spectral density', '3')
    .option('--plots <dir>', 'where --hessian writes its density plots (default: DIR/analysis-plots)')
    .option('--coherence', 'm-coherence of per-example gradients, whole model and per layer, with the real labels and with the labels shuffled')
    .option('--coherence-examples <m>', 'training examples m of the coherence sample', '64')
    .option('--dead-neurons', 'dead-neuron rate of every ReLU site of each model (fraction of zero outputs, fully dead units)')
    .option('--probe-examples <n>', 'training examples the dead-neuron rates are measured on', '256')
    .option('--json', 'print one JSON object instead of a table')
    .option('--report [dir]', 'instead of the measure table, write a report (report.md, report.json, SVG + PNG plots) into DIR/analysis-report or the given folder: structure vs performance for a search run, pruning/robustness, SGLD ensemble and example difficulty for one saved model')
    .option('--studies <list>', `report studies of a saved model: ${STUDIES.join(', ')} (sparsity: dead neurons, the AP pruning step and node-mask search vs random search, on a ReLU MLP trained on the model's data)`, DEFAULT_STUDIES.join(','))
    .option('--ap-rate <r>', 'sparsity study: extra fraction of weights the AP step prunes per round', '0.05')
    .option('--mask-sparsities <list>', 'sparsity study: hidden-unit sparsities of the node-mask search', '0.5,0.8')
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
    apRate: parseNumber('--ap-rate', options.apRate, 0, 0.999),
    maskSparsities: numberList('--mask-sparsities', options.maskSparsities, 0, 0.999),
    backend: backend.name,
    command: `synth ${process.argv.slice(2).join(' ')}`,
    onProgress: (message: string) => process.stderr.write(`report: ${message}\n`),
  };
  const written = await writeReport(dir, settings);
  process.stdout.write(`report written to ${written.outDir}\n${written.files.map((f) => `  ${f}`).join('\n')}\n`);
}

async function runAnalyze(dir: string, options: AnalyzeOptions): Promise<void> {
  if (options.report !== undefined) return runReport(dir, options);
  const diagnostics: DiagnosticOptions = {
    ...(options.hessian
      ? {
          hessian: {
            examples: parseInteger('--hessian-examples', options.hessianExamples, 1),
            topK: parseInteger('--top-k', options.topK, 1),
            lanczosSteps: parseInteger('--lanczos-steps', options.lanczosSteps, 2),
            probes: parseInteger('--trace-probes', options.traceProbes, 2),
            densityProbes: parseInteger('--density-probes', options.densityProbes, 1),
          },
        }
      : {}),
    ...(options.coherence ? { coherence: { examples: parseInteger('--coherence-examples', options.coherenceExamples, 2) } } : {}),
    ...(options.deadNeurons ? { deadNeurons: { examples: parseInteger('--probe-examples', options.probeExamples, 1) } } : {}),
  };
  // With only diagnostics asked for, the measure table is left out unless --measures is given.
  const onlyDiagnostics = Object.keys(diagnostics).length > 0 && options.measures === undefined;
  const measures = onlyDiagnostics ? [] : measureList(options.measures);
  const maxExamples = parseInteger('--max-examples', options.maxExamples, 1);
  const seed = parseInteger('--seed', options.seed, 0);
  const backend = await initBackend();
  const result: RunAnalysis = await analyzeRun(dir, measures, { maxExamples, seed, diagnostics, onModel: (name, i, n) => process.stderr.write(`analyzing ${name} (${i + 1}/${n})\n`) });
  const plots = diagnostics.hessian ? await writeDensityPlots(result.models, options.plots ?? join(dir, 'analysis-plots')) : {};
  const captions = Object.fromEntries(measures.map((name) => [name, MEASURE_CAPTIONS[name]]));
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ backend: backend.name, measuresRequested: measures, captions, ...result, plots })}\n`);
    return;
  }
  const sections = [
    ...(measures.length > 0 ? [formatTable(result, measures)] : [`${formatLegend(result)}note: ${result.caveat}\n`]),
    ...result.models.flatMap((m) => [m.hessian && formatHessian(m, plots[m.name]), m.coherence && formatCoherence(m), m.deadNeurons && formatDeadNeurons(m)]),
  ];
  process.stdout.write(sections.filter((x): x is string => !!x).join('\n'));
}

/** One density plot per model (SVG + PNG) named after the model; returns the files by model name. */
async function writeDensityPlots(models: readonly ModelAnalysis[], outDir: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [i, m] of models.entries()) {
    if (!m.hessian) continue;
    const base = models.length === 1 ? 'hessian-density' : `hessian-density-${i + 1}-${m.name.replace(/[^A-Za-z0-9_.-]+/g, '_')}`;
    const files = await writeChart(join(outDir, base), hessianDensityChart(m.hessian, `Hessian spectral density (SLQ): ${m.name}`));
    out[m.name] = [files.svg, files.png];
  }
  return out;
}

const fixed = (x: number, digits = 4) => (Number.isFinite(x) ? (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : x.toFixed(digits)) : String(x));

function formatHessian(m: ModelAnalysis, plots: string[] | undefined): string {
  const h = m.hessian!;
  return [
    `Hessian of the mean training loss, ${m.name} (${h.examples} examples, ${h.parameters} parameters, ${h.products} Hessian-vector products):`,
    `  top eigenvalues: ${h.topEigenvalues.map((v) => fixed(v)).join(', ')}`,
    `  outliers (Ritz values above ${h.outlierFraction} of the largest, among ${h.ritzValues.length}): ${h.outliers}`,
    `  trace: ${fixed(h.trace.value)} (95% interval ${fixed(h.trace.interval[0])} to ${fixed(h.trace.interval[1])}; ${h.trace.probes} Hutchinson probes, top ${h.trace.deflated} directions exact)`,
    ...(plots ? [`  density plot: ${plots.join(', ')}`] : []),
    '',
  ].join('\n');
}

function formatCoherence(m: ModelAnalysis): string {
  const c = m.coherence!;
  const rows = [['(whole model)', c.real.alpha, c.shuffled.alpha], ...c.real.layers.map((l, i) => [l.layer, l.alpha, c.shuffled.layers[i].alpha])] as [string, number, number][];
  const width = Math.max(...rows.map((r) => r[0].length));
  return [
    `m-coherence of per-example gradients, ${m.name} (m = ${c.m}; 1 = orthogonal, ${c.m} = identical):`,
    `  ${'layer'.padEnd(width)}  ${'real'.padStart(9)}  ${'shuffled'.padStart(9)}`,
    ...rows.map(([layer, real, shuffled]) => `  ${layer.padEnd(width)}  ${fixed(real, 3).padStart(9)}  ${fixed(shuffled, 3).padStart(9)}`),
    '',
  ].join('\n');
}

function formatDeadNeurons(m: ModelAnalysis): string {
  const d = m.deadNeurons!;
  if (d.sites.length === 0) return `Dead ReLU units, ${m.name}: the model applies no ReLU (GELU units are never exactly zero).\n`;
  return [
    `Dead ReLU units, ${m.name} (${d.examples} probe examples; overall dynamic rate ${fixed(d.dynamicRate, 3)}):`,
    '  site  shape            units  zero outputs  dead units',
    ...d.sites.map((s) => `  ${String(s.site).padStart(4)}  ${`[B, ${s.shape.slice(1).join(', ')}]`.padEnd(15)}  ${String(s.units).padStart(5)}  ${fixed(s.dynamicRate, 3).padStart(12)}  ${fixed(s.deadUnitRate, 3).padStart(10)}`),
    '',
  ].join('\n');
}

function formatValue(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '-';
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : x.toFixed(4);
}

function formatLegend(result: RunAnalysis): string {
  return result.models.length > 1
    ? result.models.map((m) => `${m.name}: ${m.dir}`).join('\n') + '\n'
    : `model: ${result.models[0].name} (${result.models[0].data}, ${result.models[0].trainExamples} training examples)\n`;
}

function formatTable(result: RunAnalysis, measures: readonly MeasureName[]): string {
  const header = ['measure', ...result.models.map((m) => m.name)];
  if (result.models.length >= 2) header.push('tau vs gap');
  const rows: string[][] = [
    ['train accuracy', ...result.models.map((m) => formatValue(m.trainAccuracy))],
    ['test accuracy', ...result.models.map((m) => formatValue(m.testAccuracy))],
    ['gap', ...result.models.map((m) => formatValue(m.gap))],
    ...measures.map((name) => [name, ...result.models.map((m) => formatValue(m.measures[name])), ...(result.models.length >= 2 ? [formatValue(result.ranking[name])] : [])]),
  ];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  const byReason = new Map<string, Set<string>>();
  for (const m of result.models) for (const [name, why] of Object.entries(m.skipped)) byReason.set(why, (byReason.get(why) ?? new Set()).add(name));
  const skipped = [...byReason].map(([why, names]) => `skipped (${why}): ${[...names].join(', ')}\n`).join('');
  const negative = measures.filter((n) => CAN_BE_NEGATIVE.includes(n));
  const logs = negative.filter((n) => n.startsWith('log-'));
  const others = negative.filter((n) => !n.startsWith('log-'));
  const signs =
    (logs.length > 0 ? `can be negative (logs): ${logs.join(', ')}\n` : '') +
    others.map((n) => `can be negative: ${n}: ${MEASURE_CAPTIONS[n]}\n`).join('');
  return `${formatLegend(result)}${line(header)}\n${rows.map(line).join('\n')}\n${skipped}${signs}note: ${result.caveat}\n`;
}
