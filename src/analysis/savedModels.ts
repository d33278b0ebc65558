/**
 * Measures for models saved by `synth train` (a directory with model.json + weights.bin),
 * one model or every model found under a run directory. The data are rebuilt from the
 * metadata the trainer saved (data set name, split seed, preset sizes), so the training
 * examples are the ones the model was trained on. With several models, each measure is
 * also ranked against the generalization gap (Kendall tau). Diagnostics, not guarantees.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Dataset, LabelControl } from '../data/dataset.ts';
import { loadDataset } from '../data/datasets.ts';
import type { ModelSpec } from '../gssnn/models/index.ts';
import { loadInitialWeights, loadModel, type SavedModelManifest } from '../gssnn/persist.ts';
import { getPreset, type PresetName } from '../gssnn/presets.ts';
import { indexedBatch } from './fit.ts';
import { accuracy, disposeBatch } from './loss.ts';
import { computeMeasures, MEASURE_CAPTIONS, type MeasureName, type MeasureValues, missingMeasureInputs, NEEDS_INITIAL_WEIGHTS } from './measures.ts';
import { coherenceReport, type CoherenceReport, deadNeuronReport, type HessianOptions, hessianReport, type HessianReport } from './modelDiagnostics.ts';
import { kendallTau } from './ranking.ts';
import type { ReluReport } from './reluSites.ts';
import { UserFacingError } from '../util/errors.ts';

export const CAVEAT = 'Generalization measures are correlational diagnostics: they may rank models by their gap, they guarantee nothing about any one model.';

/** Measures cheap enough to compute by default (no perturbation searches). */
export const DEFAULT_MEASURES: readonly MeasureName[] = [
  'params',
  'margin',
  'inverse-margin',
  'l2',
  'param-norm',
  'log-prod-of-fro',
  'log-prod-of-spec',
  'log-prod-of-spec-over-margin',
  'fro-over-spec',
  'path-norm',
  'path-norm-over-margin',
];

export class AnalysisInputError extends UserFacingError {
  constructor(message: string, hint: string) {
    super(message, { kind: 'file', hint });
  }
}

/** Model directories at or below `root` (a directory holding model.json), sorted. */
export function findModelDirs(root: string, maxDepth = 4): string[] {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new AnalysisInputError(`${root}: no such directory`, 'pass a directory written by `synth train --out DIR` or a run directory of `synth search`');
  }
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (existsSync(join(dir, 'model.json'))) {
      found.push(dir);
      return;
    }
    if (depth === maxDepth) return;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory() && !entry.name.startsWith('.')) walk(join(dir, entry.name), depth + 1);
    }
  };
  walk(root, 0);
  if (found.length === 0) throw new AnalysisInputError(`${root}: no saved model (model.json) in it or below it`, 'train one with `synth train ... --out DIR` first');
  return found;
}

export interface ModelAnalysis {
  readonly dir: string;
  /** How `synth show` names the model: `#rank id` in a search run's final population, else its id or path. */
  readonly name: string;
  readonly kind: string;
  readonly data: string;
  readonly trainExamples: number;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  /** Train accuracy minus test accuracy on the examples used here. */
  readonly gap: number;
  readonly measures: MeasureValues;
  /** Requested measures that could not be computed (or came out undefined), with the reason. */
  readonly skipped: Record<string, string>;
  readonly hessian?: HessianReport;
  readonly coherence?: CoherenceReport;
  readonly deadNeurons?: ReluReport;
}

/** Diagnostics to run besides the measures (see modelDiagnostics.ts). */
export interface DiagnosticOptions {
  readonly hessian?: HessianOptions;
  readonly coherence?: { readonly examples: number };
  readonly deadNeurons?: { readonly examples: number };
}

interface SavedSummary {
  data?: string;
  preset?: string;
  splitSeed?: number;
}

/** Models saved by `synth search` record their training job instead of a CLI summary. */
interface SavedJob {
  data?: { name?: string; seed?: number; labels?: LabelControl };
  preset?: string;
}

function savedSummary(metadata: Readonly<Record<string, unknown>>): SavedSummary {
  const summary = (metadata.summary ?? {}) as SavedSummary;
  if (typeof summary.data === 'string') return summary;
  const job = (metadata.job ?? {}) as SavedJob;
  return { data: job.data?.name, preset: job.preset, splitSeed: job.data?.seed };
}

export async function datasetFor(dir: string, metadata: Readonly<Record<string, unknown>>, labels?: LabelControl): Promise<Dataset> {
  const summary = savedSummary(metadata);
  const result = (metadata.result ?? {}) as { train?: { count?: number } };
  if (typeof summary.data !== 'string') throw new AnalysisInputError(`${dir}/model.json: metadata names no data set`, 'save the model with `synth train --out DIR`, which records it');
  const preset = getPreset((summary.preset ?? 'small') as PresetName);
  // Images at the size the model reads (its spec), which is the preset's unless it was built otherwise.
  const spec = metadataSpec(metadata);
  const imageSize = spec && spec.inputShape.length === 3 ? spec.inputShape[0] : preset.image.inputSize;
  return loadDataset(summary.data, {
    seed: summary.splitSeed ?? 0,
    imageSize,
    trainSize: result.train?.count ?? preset.data.trainSize,
    validationSize: preset.data.validationSize,
    testSize: preset.data.testSize,
    labels,
  });
}

function metadataSpec(metadata: Readonly<Record<string, unknown>>): ModelSpec | undefined {
  return (metadata as { spec?: ModelSpec }).spec;
}

/** The preset a saved model was trained with (its training recipe and split sizes). */
export function presetFor(metadata: Readonly<Record<string, unknown>>): PresetName {
  return (savedSummary(metadata).preset ?? 'small') as PresetName;
}

function firstRows(count: number, limit: number): number[] {
  return Array.from({ length: Math.min(count, limit) }, (_, i) => i);
}

/** The saved model's metadata with its spec, so that the data are rebuilt at the model's input size. */
export function metadataWithSpec(manifest: SavedModelManifest): Readonly<Record<string, unknown>> {
  return { ...manifest.metadata, spec: manifest.spec };
}

/** The initial weights of a saved model, or why there are none. */
export function savedInitialWeights(dir: string, manifest: SavedModelManifest): { initial?: Float32Array[]; initialMissing?: string } {
  const initial = loadInitialWeights(dir, manifest);
  if (initial) return { initial };
  return { initialMissing: 'needs the weights at initialization; this model was saved without them (train it again without --no-initial-weights)' };
}

export interface AnalyzeOptions {
  readonly maxExamples?: number;
  readonly seed?: number;
  readonly name?: string;
  readonly diagnostics?: DiagnosticOptions;
}

export async function analyzeModelDir(dir: string, measures: readonly MeasureName[], options: AnalyzeOptions = {}): Promise<ModelAnalysis> {
  const { model, manifest } = loadModel(dir);
  try {
    const data = await datasetFor(dir, metadataWithSpec(manifest));
    const limit = options.maxExamples ?? 1000;
    const train = indexedBatch(data.train, data.inputShape, firstRows(data.train.count, limit));
    const test = indexedBatch(data.test, data.inputShape, firstRows(data.test.count, limit));
    try {
      const trainAccuracy = accuracy(model, train);
      const testAccuracy = accuracy(model, test);
      const initial = measures.some((n) => NEEDS_INITIAL_WEIGHTS.has(n)) ? savedInitialWeights(dir, manifest) : {};
      const skipped = missingMeasureInputs(measures, initial);
      const computed = computeMeasures(model, measures, { data: train, inputShape: data.inputShape, seed: options.seed ?? 0, initial: initial.initial });
      const values: MeasureValues = {};
      for (const [name, value] of Object.entries(computed) as [MeasureName, number][]) {
        if (Number.isFinite(value)) values[name] = value;
        else skipped[name] = `came out ${value} (${MEASURE_CAPTIONS[name]}): a zero margin or a degenerate model`;
      }
      const wanted = options.diagnostics ?? {};
      const seed = options.seed ?? 0;
      return {
        dir,
        name: options.name ?? dir,
        kind: model.kind,
        data: data.name,
        trainExamples: train.y.shape[0],
        trainAccuracy,
        testAccuracy,
        gap: trainAccuracy - testAccuracy,
        measures: values,
        skipped,
        ...(wanted.hessian ? { hessian: hessianReport(model, data, { seed, ...wanted.hessian }) } : {}),
        ...(wanted.coherence ? { coherence: coherenceReport(model, data, { examples: wanted.coherence.examples, seed, weightNames: model.weightNames }) } : {}),
        ...(wanted.deadNeurons ? { deadNeurons: deadNeuronReport(model, data, wanted.deadNeurons) } : {}),
      };
    } finally {
      disposeBatch(train);
      disposeBatch(test);
    }
  } finally {
    model.dispose();
  }
}

interface RunReportNames {
  readonly best?: readonly { readonly id: string }[];
}

/**
 * Names of the models under `root` as `synth show` gives them: in a search run
 * (`models/<id>`), `#rank id` for the final population (ranked as in its report), the bare
 * id for other candidates, `baseline <kind>` for baselines; elsewhere the path under root.
 */
export function modelNames(root: string, dirs: readonly string[]): string[] {
  const runRoot = (dir: string) => (basename(dirname(resolve(dir))) === 'models' ? dirname(dirname(resolve(dir))) : null);
  return dirs.map((dir) => {
    const run = runRoot(dir);
    const reportPath = run ? join(run, 'report.json') : null;
    if (!run || !existsSync(join(run, 'candidates'))) return relative(root, dir) || basename(resolve(dir));
    const id = basename(resolve(dir));
    if (id.startsWith('baseline-')) return `baseline ${id.slice('baseline-'.length)}`;
    const report = reportPath && existsSync(reportPath) ? (JSON.parse(readFileSync(reportPath, 'utf8')) as RunReportNames) : {};
    const rank = (report.best ?? []).findIndex((b) => b.id === id);
    return rank >= 0 ? `#${rank + 1} ${id}` : id;
  });
}

export interface RunAnalysis {
  readonly root: string;
  readonly caveat: string;
  readonly models: ModelAnalysis[];
  /** Kendall tau of each measure against the gap over the models (with >= 2 models). */
  readonly ranking: Record<string, number>;
}

export async function analyzeRun(root: string, measures: readonly MeasureName[], options: AnalyzeOptions & { onModel?: (name: string, i: number, total: number) => void } = {}): Promise<RunAnalysis> {
  const dirs = findModelDirs(root);
  const names = modelNames(root, dirs);
  const models: ModelAnalysis[] = [];
  for (const [i, dir] of dirs.entries()) {
    options.onModel?.(names[i], i, dirs.length);
    models.push(await analyzeModelDir(dir, measures, { ...options, name: names[i] }));
  }
  const ranking: Record<string, number> = {};
  if (models.length >= 2) {
    for (const name of measures) {
      const pairs = models.filter((m) => Number.isFinite(m.measures[name]));
      if (pairs.length >= 2) ranking[name] = kendallTau(pairs.map((m) => m.measures[name]!), pairs.map((m) => m.gap));
    }
  }
  return { root, caveat: CAVEAT, models, ranking };
}
