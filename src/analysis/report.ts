/**
 * `synth analyze --report`: the studies written as a folder a person can read — one
 * Markdown page of tables (report.md), the full results as JSON (report.json), and plots
 * as SVG + PNG. The data are computed elsewhere; this module only lays them out.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomicFile.ts';
import { type VegaLiteSpec, writeChart } from '../util/plot.ts';
import type { BayesStudy, DifficultyRun, PruningStudy } from './modelStudies.ts';
import type { SparsityStudy } from './sparsityStudy.ts';
import type { StructureReport } from './structure.ts';
import { markdownTable } from '../util/markdown.ts';

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '-');
const num = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '-');

const table = (header: readonly string[], rows: readonly (readonly (string | number)[])[]): string => markdownTable(header, rows).join('\n');

export interface ModelReportInput {
  readonly modelDir: string;
  readonly kind: string;
  readonly data: string;
  readonly backend: string;
  readonly command: string;
  readonly pruning?: PruningStudy;
  readonly bayes?: BayesStudy;
  readonly difficulty?: DifficultyRun[];
  readonly sparsity?: SparsityStudy;
}

function pruningSection(p: PruningStudy): { text: string; charts: [string, VegaLiteSpec][] } {
  const inputs = Object.keys(p.rows[0].corrupted);
  const rows = p.rows.map((r) => [r.method, r.scope, pct(r.sparsity), pct(r.clean), ...inputs.map((k) => pct(r.corrupted[k]))]);
  const geometry = p.geometry.map((g) => [g.model, g.input, pct(g.summary.accuracy), num(g.summary.meanFeatureNorm), num(g.summary.meanLabelAngle, 1), num(g.summary.meanRunnerUpAngle, 1), num(g.summary.meanMargin)]);
  const fates = Object.entries(p.fates.counts).map(([fate, count]) => {
    const g = p.fates.byFate[fate as keyof typeof p.fates.counts];
    return [fate, count, g ? num(g.meanFeatureNorm) : '-', g ? num(g.meanLabelAngle, 1) : '-', g ? num(g.meanMargin) : '-'];
  });
  const text = [
    '## Pruning and robustness',
    '',
    `Test examples: ${p.testExamples}. One-shot magnitude pruning of the trained weights (no retraining), global and per layer; iterative magnitude pruning with rewinding to initialization and retraining with the model's own recipe (global). Accuracy on clean and corrupted test inputs (corruption@severity).`,
    '',
    table(['method', 'scope', 'sparsity', 'clean', ...inputs], rows),
    '',
    '### Last-layer geometry (dense vs most-pruned iterative model)',
    '',
    'logit_c = |h| |w_c| cos(theta_c) + b_c; angles in degrees; margin = label logit minus the best other logit.',
    `Largest relative reconstruction error of the logits: ${p.reconstructionError.toExponential(2)}.`,
    '',
    table(['model', 'input', 'accuracy', 'mean |h|', 'angle to label', 'angle to runner-up', 'mean margin'], geometry),
    '',
    '### Which samples pruning breaks (clean test inputs; geometry under the dense model)',
    '',
    table(['fate', 'samples', 'mean |h|', 'angle to label', 'mean margin'], fates),
    '',
    `Fragile test examples (index in the test split): ${p.fates.fragileExamples.slice(0, 40).join(', ') || 'none'}${p.fates.fragileExamples.length > 40 ? ', ...' : ''}`,
    '',
  ].join('\n');
  // Colour names the corruption and the dash its severity: 13 inputs on one palette of 10
  // colours would give two corruptions the same colour.
  const describeInput = (input: string) => {
    const [corruption, severity] = input.split('@');
    return { corruption, severity: severity === undefined ? 'none' : `severity ${severity}` };
  };
  const values = p.rows.filter((r) => r.scope !== 'dense').flatMap((r) =>
    [['clean', r.clean] as const, ...Object.entries(r.corrupted)].map(([input, acc]) => ({ series: `${r.method} ${r.scope}`, sparsity: r.sparsity, input, ...describeInput(input), accuracy: acc })),
  );
  const dense = p.rows[0];
  for (const [input, acc] of [['clean', dense.clean] as const, ...Object.entries(dense.corrupted)]) {
    for (const series of new Set(values.map((v) => v.series))) values.push({ series, sparsity: 0, input, ...describeInput(input), accuracy: acc });
  }
  const severities = [...new Set(values.map((v) => v.severity))].sort();
  const dashes = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [1, 3]];
  const chart: VegaLiteSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Test accuracy vs sparsity, clean and corrupted inputs',
    data: { values },
    facet: { field: 'series', type: 'nominal', title: null },
    columns: 3,
    spec: {
      width: 220,
      height: 170,
      encoding: {
        x: { field: 'sparsity', type: 'quantitative', title: 'sparsity' },
        y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1] } },
        color: { field: 'corruption', type: 'nominal', title: 'input' },
      },
      layer: [
        {
          mark: { type: 'line', strokeWidth: 1.8 },
          encoding: {
            strokeDash: { field: 'severity', type: 'nominal', title: 'corruption severity', scale: { domain: severities, range: dashes.slice(0, severities.length) }, legend: { symbolType: 'stroke', symbolStrokeColor: '#333', symbolSize: 500 } },
            detail: { field: 'input' },
          },
        },
        { mark: { type: 'point', filled: true, size: 20, opacity: 1 }, encoding: { detail: { field: 'input' } } },
      ],
    },
  } as VegaLiteSpec;
  const geometryChart: VegaLiteSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Last-layer geometry: dense vs pruned, clean vs corrupted',
    data: { values: p.geometry.flatMap((g) => [
      { model: g.model, input: g.input, quantity: 'mean |h|', value: g.summary.meanFeatureNorm },
      { model: g.model, input: g.input, quantity: 'mean margin', value: g.summary.meanMargin },
      { model: g.model, input: g.input, quantity: 'angle to label (deg)', value: g.summary.meanLabelAngle },
    ]) },
    facet: { field: 'quantity', type: 'nominal', title: null },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 200,
      height: 160,
      mark: 'bar',
      encoding: {
        x: { field: 'input', type: 'nominal', title: null, axis: { labelAngle: -35 } },
        xOffset: { field: 'model' },
        y: { field: 'value', type: 'quantitative', title: null },
        color: { field: 'model', type: 'nominal' },
      },
    },
  } as VegaLiteSpec;
  return { text, charts: [['robustness', chart], ['geometry', geometryChart]] };
}

function bayesSection(b: BayesStudy): { text: string; charts: [string, VegaLiteSpec][] } {
  const last = b.ensemble[b.ensemble.length - 1];
  const o = b.options;
  const text = [
    '## Bayesian ensemble (SGLD)',
    '',
    `SGLD from the trained weights: step ${o.stepSize}, burn-in ${o.burnIn}, thinning ${o.thin}, ${o.samples} samples, temperature ${o.temperature}, Gaussian prior scale ${o.priorScale}, batch ${o.batchSize}. Test examples: ${b.testExamples}.`,
    '',
    table(['predictor', 'test log-loss', 'test accuracy'], [
      ['trained model', num(b.single.logLoss), pct(b.single.accuracy)],
      ['one SGLD sample', num(b.oneSample.logLoss), pct(b.oneSample.accuracy)],
      [`ensemble of ${last.members}`, num(last.logLoss), pct(last.accuracy)],
    ]),
    '',
    '### Hypothesis weight (proxy)',
    '',
    `Largest isotropic perturbation scale s keeping the mean output KL below ${b.hypothesisWeight.epsilon}: s = ${b.hypothesisWeight.largestScale.toExponential(3)} (mean KL there ${num(b.hypothesisWeight.meanKlAtScale, 4)}).`,
    '',
    table(['scale', 'fraction with KL < epsilon', 'mean KL'], b.hypothesisWeight.keptFraction.map((k) => [k.scale.toExponential(2), pct(k.fraction), num(k.meanKl, 4)])),
    '',
  ].join('\n');
  const values = b.ensemble.flatMap((e) => [
    { members: e.members, predictor: 'SGLD ensemble', metric: 'log-loss', value: e.logLoss },
    { members: e.members, predictor: 'trained model', metric: 'log-loss', value: b.single.logLoss },
    { members: e.members, predictor: 'SGLD ensemble', metric: 'accuracy', value: e.accuracy },
    { members: e.members, predictor: 'trained model', metric: 'accuracy', value: b.single.accuracy },
  ]);
  const chart: VegaLiteSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'SGLD ensemble vs the trained model (test)',
    data: { values },
    facet: { field: 'metric', type: 'nominal', title: null },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 260,
      height: 180,
      mark: { type: 'line' },
      encoding: {
        x: { field: 'members', type: 'quantitative', title: 'ensemble members' },
        y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false, padding: 10 } },
        color: { field: 'predictor', type: 'nominal' },
      },
    },
  } as VegaLiteSpec;
  return { text, charts: [['ensemble', chart]] };
}

function labelName(run: DifficultyRun): string {
  return run.labels.kind === 'noisy' ? `noisy ${run.labels.rate}` : run.labels.kind;
}

function difficultySection(runs: DifficultyRun[]): { text: string; charts: [string, VegaLiteSpec][] } {
  const rows = runs.flatMap((r) => r.groups.map((g) => [labelName(r), g.name, g.count, pct(g.learnedFraction), num(g.meanFirstEpoch, 1), num(g.meanFinalEpoch, 1), pct(g.earlyFraction), pct(g.lateFraction)]));
  const early = runs[0] ? Math.max(1, Math.floor(runs[0].epochs / 4)) : 1;
  const text = [
    '## Example difficulty',
    '',
    `A fresh copy of the model (same spec and seed) trained for ${runs[0]?.epochs ?? '?'} epochs under each label control; after every epoch each training example is checked against its (training) label. "First" is the first epoch it is right, "final" the epoch from which it stays right; early = finally learned by epoch ${early}.`,
    '',
    table(['labels', 'final train acc.', 'test acc.'], runs.map((r) => [labelName(r), pct(r.finalTrainAccuracy), pct(r.testAccuracy)])),
    '',
    table(['labels', 'group', 'examples', 'learned at the end', 'mean first epoch', 'mean final epoch', 'learned early', 'learned late or never'], rows),
    '',
  ].join('\n');
  const values = runs.flatMap((r) => Object.entries(r.learnedByEpoch).flatMap(([group, curve]) => curve.map((f, e) => ({ series: `${labelName(r)}: ${group}`, epoch: e + 1, learned: f }))));
  const chart: VegaLiteSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Training examples learned (for good) by each epoch',
    data: { values },
    width: 420,
    height: 240,
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative' },
      y: { field: 'learned', type: 'quantitative', title: 'fraction learned', scale: { domain: [0, 1] } },
      color: { field: 'series', type: 'nominal', title: 'labels: group', legend: { labelLimit: 0 } },
    },
  } as VegaLiteSpec;
  return { text, charts: [['difficulty', chart]] };
}

async function writeSections(outDir: string, title: string, preamble: string[], sections: { text: string; charts: [string, VegaLiteSpec][] }[], json: unknown): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  const parts = [`# ${title}`, '', ...preamble, ''];
  for (const section of sections) {
    parts.push(section.text);
    for (const [name, spec] of section.charts) {
      const written = await writeChart(join(outDir, name), spec);
      files.push(written.svg, written.png);
      parts.push(`![${name}](${name}.svg)`, '');
    }
  }
  writeFileAtomic(join(outDir, 'report.md'), parts.join('\n'));
  writeFileAtomic(join(outDir, 'report.json'), `${JSON.stringify(json, null, 2)}\n`);
  return [join(outDir, 'report.md'), join(outDir, 'report.json'), ...files];
}

function sparsitySection(study: SparsityStudy): { text: string; charts: [string, VegaLiteSpec][] } {
  const s = study.setup;
  const rounds = study.pruning.magnitude.map((r, i) => {
    const ap = study.pruning['magnitude+AP'][i];
    return [r.round, pct(r.sparsity), pct(r.score), num(r.dnrAfterTraining), pct(ap.sparsity), pct(ap.score), num(ap.dnrAfterTraining)];
  });
  const text = [
    '## Dead neurons, the AP step and sparse search (on a ReLU MLP of this data set)',
    '',
    `These methods act on dense ReLU layers, which the model's encoder does not expose, so they run on an MLP ${s.inputSize}-${s.hidden.join('-')}-classes trained on the same ${s.trainExamples} training examples (SGD, lr ${s.lr}, batch ${s.batchSize}, ${s.epochs} epochs; test: ${s.testExamples} examples).`,
    '',
    `Dynamic dead-neuron rate per hidden layer on ${s.probeExamples} training examples: ${study.dnrHistory.map((h) => `epoch ${h.epoch}: ${h.dnr.map((d) => num(d, 2)).join('/')}`).join('; ')}.`,
    '',
    `Iterative magnitude pruning with rewinding (${pct(s.rate)} of the remaining weights per round), without and with the AP step (${pct(s.apRate)} more per round, incoming weights of the most often dead units with the most negative mean contribution):`,
    '',
    table(['round', 'sparsity', 'test acc.', 'DNR', 'sparsity (AP)', 'test acc. (AP)', 'DNR (AP)'], rounds),
    '',
    `Node-mask search: the ${s.k} best of ${s.candidates} random masks by the init-time score (log-det of the activation-pattern kernel on ${s.scoreExamples} examples) against ${s.k} masks drawn at random, each trained the same way (mean test accuracy):`,
    '',
    table(['hidden-unit sparsity', 'searched', 'random'], study.search.map((r) => [pct(r.sparsity), pct(r.searchedMean), pct(r.randomMean)])),
    '',
  ].join('\n');
  return { text, charts: [] };
}

export async function writeModelReport(outDir: string, input: ModelReportInput): Promise<string[]> {
  const sections = [input.pruning && pruningSection(input.pruning), input.bayes && bayesSection(input.bayes), input.difficulty && difficultySection(input.difficulty), input.sparsity && sparsitySection(input.sparsity)].filter((s): s is { text: string; charts: [string, VegaLiteSpec][] } => !!s);
  return writeSections(outDir, `Robustness, ensembles and difficulty: ${input.kind} on ${input.data}`, [`Model: \`${input.modelDir}\`; backend ${input.backend}.`, `Made by: \`${input.command}\`.`, 'These are diagnostics of one model and one seed, not guarantees.'], sections, input);
}

export async function writeStructureReport(outDir: string, report: StructureReport, meta: { runDir: string; command: string; validationBaseRate?: number | null }): Promise<string[]> {
  const props = ['nodes', 'edges', 'cycleRank', 'meanDegree', 'maxDegree', 'degreeStd', 'diameter'] as const;
  const candidates = [...report.candidates].sort((a, b) => b.validation - a.validation);
  const candidateRows = candidates.map((c) => [c.id, `\`${c.program.length > 60 ? `${c.program.slice(0, 57)}...` : c.program}\``, ...props.map((p) => num(c.properties[p], Number.isInteger(c.properties[p]) ? 0 : 2)), pct(c.validation), pct(c.test), c.versusRandom ? `${c.versusRandom.difference >= 0 ? '+' : ''}${(100 * c.versusRandom.difference).toFixed(1)} (${c.versusRandom.verdict})` : '-']);
  const correlationRows = report.correlations.map((c) => [c.feature, num(c.validation.rho, 2), `[${num(c.validation.low, 2)}, ${num(c.validation.high, 2)}]`, num(c.test.rho, 2), `[${num(c.test.low, 2)}, ${num(c.test.high, 2)}]`]);
  const verdicts = { helps: 0, hurts: 0, 'no difference': 0 };
  report.candidates.forEach((c) => c.versusRandom && verdicts[c.versusRandom.verdict]++);
  const text = [
    '## Candidates',
    '',
    table(['id', 'program', ...props, 'validation', 'test', 'test vs random graph (points)'], candidateRows),
    '',
    '## Baselines',
    '',
    table(['kind', 'elements', 'validation', 'test'], report.baselines.map((b) => [b.kind, b.elements ?? '-', pct(b.validation), pct(b.test)])),
    '',
    `Against the random-graph baseline: ${verdicts.helps} help, ${verdicts.hurts} hurt, ${verdicts['no difference']} show no detectable difference.`,
    '',
    '## Rank correlations with the scores',
    '',
    table(['feature', 'rho (validation)', '95% interval', 'rho (test)', '95% interval'], correlationRows),
    '',
    `Note: ${report.note}`,
    '',
  ].join('\n');
  // Reference lines: the validation base rate, the random-graph control and the best baseline.
  const scored = report.baselines.filter((b) => Number.isFinite(b.validation));
  const bestBaseline = scored.length > 0 ? scored.reduce((x, b) => (b.validation > x.validation ? b : x)) : undefined;
  const random = scored.find((b) => b.kind === 'random');
  const references = [
    ...(meta.validationBaseRate != null ? [{ label: `base rate ${pct(meta.validationBaseRate)}`, accuracy: meta.validationBaseRate, colour: '#222' }] : []),
    ...(random && random !== bestBaseline ? [{ label: `random-graph baseline ${pct(random.validation)}`, accuracy: random.validation, colour: '#d62728' }] : []),
    ...(bestBaseline ? [{ label: `best baseline (${bestBaseline.kind}) ${pct(bestBaseline.validation)}`, accuracy: bestBaseline.validation, colour: '#2ca02c' }] : []),
  ];
  const points = report.candidates.flatMap((c) => props.map((p) => ({ property: p, value: c.properties[p], validation: c.validation, test: c.test })));
  const y = { field: 'validation', type: 'quantitative', title: 'validation accuracy', scale: { zero: false } };
  const scatter: VegaLiteSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: 'Graph properties vs validation accuracy (one point per candidate)',
      subtitle: references.length > 0 ? 'dashed: references on the validation split' : 'no base rate or baseline recorded for this run',
    },
    data: { values: points.map((p) => ({ ...p, kind: 'candidate' })).concat(props.flatMap((property) => references.map((r) => ({ property, value: Number.NaN, validation: r.accuracy, test: Number.NaN, kind: r.label })))) },
    facet: { field: 'property', type: 'nominal', title: null },
    columns: 4,
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: 160,
      height: 130,
      layer: [
        {
          transform: [{ filter: "datum.kind !== 'candidate'" }],
          mark: { type: 'rule', strokeDash: [5, 3], strokeWidth: 1.5 },
          encoding: { y, color: { field: 'kind', type: 'nominal', title: 'reference', legend: { labelLimit: 0 }, scale: { domain: references.map((r) => r.label), range: references.map((r) => r.colour) } } },
        },
        {
          transform: [{ filter: "datum.kind === 'candidate'" }],
          mark: { type: 'point', filled: true, size: 45 },
          encoding: { x: { field: 'value', type: 'quantitative', title: null, scale: { zero: false }, axis: { format: '~r' } }, y },
        },
      ],
    },
  } as VegaLiteSpec;
  const correlationValues = report.correlations
    .flatMap((c) => [
      { feature: c.feature, score: 'validation', rho: c.validation.rho, low: c.validation.low, high: c.validation.high },
      { feature: c.feature, score: 'test', rho: c.test.rho, low: c.test.low, high: c.test.high },
    ])
    .filter((v) => Number.isFinite(v.rho));
  const bars: VegaLiteSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: 'Spearman rho with 95% bootstrap intervals', subtitle: 'dashed: rho = 0 (no monotone relation); an interval crossing it shows no evidence of one' },
    data: { values: correlationValues },
    facet: { field: 'score', type: 'nominal', title: null },
    spec: {
      width: 260,
      height: { step: 14 },
      layer: [
        { mark: 'rule', encoding: { y: { field: 'feature', type: 'nominal', title: null }, x: { field: 'low', type: 'quantitative', title: 'rho', scale: { domain: [-1, 1] } }, x2: { field: 'high' } } },
        { mark: { type: 'point', filled: true }, encoding: { y: { field: 'feature', type: 'nominal' }, x: { field: 'rho', type: 'quantitative' } } },
        { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#c0392b' }, encoding: { x: { field: 'zero', type: 'quantitative' } } },
      ],
    },
  } as VegaLiteSpec;
  // Too few candidates (or none that differ) leave no correlation: no chart then, only the reason.
  const charts: [string, VegaLiteSpec][] = [['structure-scatter', scatter]];
  const noCorrelations = correlationValues.length === 0 ? `\nNo rank correlation could be computed from ${report.candidates.length} candidate(s) (too few, or their scores or properties do not vary), so no correlation chart is drawn.\n` : '';
  if (correlationValues.length > 0) charts.push(['structure-correlations', bars]);
  return writeSections(outDir, 'Structure vs performance', [`Search run: \`${meta.runDir}\`; ${report.candidates.length} trained candidates.`, `Made by: \`${meta.command}\`.`], [{ text: text + noCorrelations, charts }], report);
}
