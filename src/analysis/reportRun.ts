/**
 * What `synth analyze DIR --report` does: for a search run (a directory with
 * candidates/), the structure-vs-performance report; for one saved model, the pruning and
 * robustness, SGLD ensemble and example-difficulty studies, and on request dead neurons,
 * the AP pruning step and node-mask search vs random search on a ReLU MLP of its data. Either is written into a
 * folder (default `DIR/analysis-report`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSpec } from '../gssnn/models/index.ts';
import { loadModel } from '../gssnn/persist.ts';
import { getPreset } from '../gssnn/presets.ts';
import { AnalysisInputError, datasetFor, metadataWithSpec, presetFor } from './savedModels.ts';
import { bayesStudy, type BayesStudyOptions, difficultyStudy, pruningStudy } from './modelStudies.ts';
import { writeModelReport, writeStructureReport } from './report.ts';
import { SPARSITY_DEFAULTS, sparsityStudy } from './sparsityStudy.ts';
import { analyzeStructure } from './structure.ts';

export const STUDIES = ['pruning', 'bayes', 'difficulty', 'sparsity'] as const;
export type StudyName = (typeof STUDIES)[number];
/** Studies run when none are named (`sparsity` trains an MLP of its own: ask for it). */
export const DEFAULT_STUDIES: readonly StudyName[] = ['pruning', 'bayes', 'difficulty'];

export interface ReportOptions {
  readonly outDir?: string;
  readonly studies: readonly StudyName[];
  readonly sparsities: readonly number[];
  readonly severities: readonly number[];
  readonly maxExamples: number;
  readonly seed: number;
  readonly retrainEpochs?: number;
  readonly sgld: Omit<BayesStudyOptions, 'maxExamples' | 'seed'>;
  readonly difficultyEpochs: number;
  readonly noiseRate: number;
  /** The sparsity study: AP step's extra pruning per round, hidden-unit sparsities of the mask search. */
  readonly apRate?: number;
  readonly maskSparsities?: readonly number[];
  readonly backend: string;
  readonly command: string;
  readonly onProgress?: (message: string) => void;
}

export function isPopulationSearchRun(dir: string): boolean {
  return existsSync(join(dir, 'candidates')) && existsSync(join(dir, 'manifest.json'));
}

/** Test examples behind a run's accuracies: the preset's test size unless the run overrode it. */
function runTestExamples(dir: string): number {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { config?: { training?: { preset?: string; testSize?: number } } };
  const training = manifest.config?.training ?? {};
  return training.testSize ?? getPreset(training.preset ?? 'small').data.testSize;
}

/** Where a report goes when no folder is given. */
export function defaultReportDir(dir: string): string {
  return join(dir, 'analysis-report');
}

/** The validation base rate `synth search` recorded in the run (base-rate.json), if any. */
function validationBaseRate(dir: string): number | null {
  const path = join(dir, 'base-rate.json');
  if (!existsSync(path)) return null;
  const file = JSON.parse(readFileSync(path, 'utf8')) as { splits?: { validation?: { baseRate?: number } | null } };
  return file.splits?.validation?.baseRate ?? null;
}

export async function writeReport(dir: string, options: ReportOptions): Promise<{ outDir: string; files: string[] }> {
  const outDir = options.outDir ?? defaultReportDir(dir);
  if (isPopulationSearchRun(dir)) {
    options.onProgress?.('structure vs performance');
    const report = analyzeStructure(dir, { testExamples: runTestExamples(dir), seed: options.seed });
    return { outDir, files: await writeStructureReport(outDir, report, { runDir: dir, command: options.command, validationBaseRate: validationBaseRate(dir) }) };
  }
  if (!existsSync(join(dir, 'model.json'))) {
    throw new AnalysisInputError(`${dir}: neither a search run (candidates/ + manifest.json) nor a saved model (model.json)`, 'pass `synth search --out DIR` or `synth train --out DIR`');
  }
  const { model, manifest } = loadModel(dir);
  try {
    const preset = getPreset(presetFor(manifest.metadata));
    const data = await datasetFor(dir, metadataWithSpec(manifest));
    const want = new Set(options.studies);
    // Retrain each pruning round as long as the model itself was trained.
    const trainedEpochs = ((manifest.metadata.result ?? {}) as { epochs?: number }).epochs;
    const retrainEpochs = options.retrainEpochs ?? trainedEpochs;
    const pruning = want.has('pruning')
      ? (options.onProgress?.('pruning and robustness'),
        pruningStudy(model, data, preset, { sparsities: options.sparsities, severities: options.severities, maxExamples: options.maxExamples, seed: options.seed, retrainEpochs }))
      : undefined;
    const bayes = want.has('bayes') ? (options.onProgress?.('SGLD ensemble and hypothesis weight'), bayesStudy(model, data, { ...options.sgld, maxExamples: options.maxExamples, seed: options.seed })) : undefined;
    const difficulty = want.has('difficulty')
      ? (options.onProgress?.('example difficulty (real, noisy, random labels)'),
        await difficultyStudy(model.config as ModelSpec, preset, (labels) => datasetFor(dir, metadataWithSpec(manifest), labels), { epochs: options.difficultyEpochs, noiseRate: options.noiseRate, seed: options.seed }))
      : undefined;
    const sparsity = want.has('sparsity')
      ? sparsityStudy(data, {
          ...SPARSITY_DEFAULTS,
          apRate: options.apRate ?? SPARSITY_DEFAULTS.apRate,
          maskSparsities: options.maskSparsities ?? SPARSITY_DEFAULTS.maskSparsities,
          seed: options.seed,
          onProgress: (m) => options.onProgress?.(`sparsity: ${m}`),
        })
      : undefined;
    const files = await writeModelReport(outDir, { modelDir: dir, kind: model.kind, data: data.name, backend: options.backend, command: options.command, pruning, bayes, difficulty, sparsity });
    return { outDir, files };
  } finally {
    model.dispose();
  }
}
