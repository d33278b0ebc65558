/**
 * Measures for models saved by `synth train` (a directory with model.json + weights.bin),
 * one model or every model found under a run directory. The data are rebuilt from the
 * metadata the trainer saved (data set name, split seed, preset sizes), so the training
 * examples are the ones the model was trained on. With several models, each measure is
 * also ranked against the generalization gap (Kendall tau). Diagnostics, not guarantees.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Dataset, LabelControl } from '../data/dataset.ts';
import { loadDataset } from '../data/index.ts';
import { loadModel } from '../gssnn/persist.ts';
import { getPreset, type PresetName } from '../gssnn/presets.ts';
import { indexedBatch } from './fit.ts';
import { accuracy, disposeBatch } from './loss.ts';
import { computeMeasures, type MeasureName, type MeasureValues } from './measures.ts';
import { kendallTau } from './ranking.ts';

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

export class AnalysisInputError extends Error {
  constructor(message: string, readonly hint: string) {
    super(message);
    this.name = 'AnalysisInputError';
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
  readonly kind: string;
  readonly data: string;
  readonly trainExamples: number;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  /** Train accuracy minus test accuracy on the examples used here. */
  readonly gap: number;
  readonly measures: MeasureValues;
  /** Requested measures that could not be computed, with the reason. */
  readonly skipped: Record<string, string>;
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
  return loadDataset(summary.data, {
    seed: summary.splitSeed ?? 0,
    imageSize: preset.image.inputSize,
    trainSize: result.train?.count ?? preset.data.trainSize,
    validationSize: preset.data.validationSize,
    testSize: preset.data.testSize,
    labels,
  });
}

/** The preset a saved model was trained with (its training recipe and split sizes). */
export function presetFor(metadata: Readonly<Record<string, unknown>>): PresetName {
  return (savedSummary(metadata).preset ?? 'small') as PresetName;
}

function firstRows(count: number, limit: number): number[] {
  return Array.from({ length: Math.min(count, limit) }, (_, i) => i);
}

export async function analyzeModelDir(dir: string, measures: readonly MeasureName[], options: { maxExamples?: number; seed?: number } = {}): Promise<ModelAnalysis> {
  const { model, manifest } = loadModel(dir);
  try {
    const data = await datasetFor(dir, manifest.metadata);
    const limit = options.maxExamples ?? 1000;
    const train = indexedBatch(data.train, data.inputShape, firstRows(data.train.count, limit));
    const test = indexedBatch(data.test, data.inputShape, firstRows(data.test.count, limit));
    try {
      const trainAccuracy = accuracy(model, train);
      const testAccuracy = accuracy(model, test);
      const skipped: Record<string, string> = {};
      for (const name of measures) {
        if (['l2-dist', 'fro-dist', 'dist-spec-init', 'log-spec-init-main', 'pacbayes-init', 'pacbayes-mag-init'].includes(name)) {
          skipped[name] = 'needs the weights at initialization, which saved models do not keep';
        }
      }
      const values = computeMeasures(model, measures, { data: train, inputShape: data.inputShape, seed: options.seed ?? 0 });
      return { dir, kind: model.kind, data: data.name, trainExamples: train.y.shape[0], trainAccuracy, testAccuracy, gap: trainAccuracy - testAccuracy, measures: values, skipped };
    } finally {
      disposeBatch(train);
      disposeBatch(test);
    }
  } finally {
    model.dispose();
  }
}

export interface RunAnalysis {
  readonly root: string;
  readonly caveat: string;
  readonly models: ModelAnalysis[];
  /** Kendall tau of each measure against the gap over the models (with >= 2 models). */
  readonly ranking: Record<string, number>;
}

export async function analyzeRun(root: string, measures: readonly MeasureName[], options: { maxExamples?: number; seed?: number; onModel?: (dir: string, i: number, total: number) => void } = {}): Promise<RunAnalysis> {
  const dirs = findModelDirs(root);
  const models: ModelAnalysis[] = [];
  for (const [i, dir] of dirs.entries()) {
    options.onModel?.(relative(root, dir) || '.', i, dirs.length);
    models.push(await analyzeModelDir(dir, measures, options));
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
