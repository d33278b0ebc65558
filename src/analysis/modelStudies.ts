/**
 * The studies of one trained model that `synth analyze --report` runs, each a plain JSON
 * result built from the library modules: pruning x corruption robustness with last-layer
 * geometry, an SGLD ensemble and the hypothesis-weight proxy, and example difficulty
 * under real, noisy and random labels. The model's own training recipe (its preset) is
 * reused wherever the study retrains.
 */
import type { Dataset, LabelControl, Split } from '../data/dataset.ts';
import type { Model } from '../gssnn/models/model.ts';
import { buildModel, type ModelSpec } from '../gssnn/models/index.ts';
import { scheduleFor, type Preset } from '../gssnn/presets.ts';
import { train } from '../gssnn/train/trainer.ts';
import { deriveSeed } from '../util/random.ts';
import { CORRUPTIONS, type CorruptionName, corruptSplit } from './corruptions.ts';
import { difficultyGroups, type DifficultyGroup, learnedByEpoch, learnedEpochs, TrainingLogRecorder } from './difficulty.ts';
import { indexedBatch } from './fit.ts';
import { type GeometrySummary, lastLayerGeometry, type PruningFate, pruningFates, type SampleGeometry, summarizeGeometry } from './geometry.ts';
import { keptFraction, largestPriorScale } from './hypothesisWeight.ts';
import { accuracy, type LabelledBatch, disposeBatch } from './loss.ts';
import { applyMasks, iterativePruning, magnitudeMasks, maskSparsity, type PruningScope, restoreWeights, weightSnapshot } from './pruning.ts';
import { ensembleCurve, modelPredictive, type PredictiveScore, scorePredictive, sgldEnsemble } from './sgld.ts';

function splitBatch(split: Split, inputShape: readonly number[], limit: number): LabelledBatch {
  return indexedBatch(split, inputShape, Array.from({ length: Math.min(split.count, limit) }, (_, i) => i));
}

function limitSplit(split: Split, inputShape: readonly number[], limit: number): Split {
  const count = Math.min(split.count, limit);
  const width = inputShape.reduce((a, b) => a * b, 1);
  return { x: split.x.subarray(0, count * width), y: split.y.subarray(0, count), count };
}

function trainConfigFor(preset: Preset, seed: number, epochs?: number) {
  return { ...scheduleFor(preset, epochs), seed };
}

// ---------------------------------------------------------------------------------------
// Pruning and robustness

export interface PruningStudyOptions {
  readonly sparsities: readonly number[];
  readonly severities: readonly number[];
  readonly corruptions?: readonly CorruptionName[];
  readonly maxExamples: number;
  readonly seed: number;
  /** Retraining epochs per round of iterative pruning (default: the preset's). */
  readonly retrainEpochs?: number;
}

export interface RobustnessRow {
  readonly method: string;
  readonly scope: PruningScope | 'dense';
  readonly sparsity: number;
  readonly clean: number;
  /** Accuracy per `corruption@severity`. */
  readonly corrupted: Record<string, number>;
}

export interface GeometryRow {
  readonly model: 'dense' | 'pruned';
  readonly input: string;
  readonly summary: GeometrySummary;
}

export interface PruningStudy {
  readonly testExamples: number;
  readonly rows: RobustnessRow[];
  /** Iterative pruning with rewinding to initialization, global scope. */
  readonly iterative: { round: number; sparsity: number; clean: number }[];
  readonly geometry: GeometryRow[];
  /** Dense vs the most pruned iterative model on clean inputs. */
  readonly fates: { readonly counts: Record<PruningFate, number>; readonly byFate: Partial<Record<PruningFate, GeometrySummary>>; readonly fragileExamples: number[] };
  readonly reconstructionError: number;
}

function robustnessRow(model: Model, method: string, scope: RobustnessRow['scope'], sparsity: number, clean: LabelledBatch, corrupted: Map<string, LabelledBatch>): RobustnessRow {
  return { method, scope, sparsity, clean: accuracy(model, clean), corrupted: Object.fromEntries([...corrupted].map(([k, b]) => [k, accuracy(model, b)])) };
}

export function pruningStudy(model: Model, data: Dataset, preset: Preset, options: PruningStudyOptions): PruningStudy {
  const test = limitSplit(data.test, data.inputShape, options.maxExamples);
  const clean = splitBatch(test, data.inputShape, test.count);
  const corrupted = new Map<string, LabelledBatch>();
  for (const name of options.corruptions ?? CORRUPTIONS) {
    for (const severity of options.severities) {
      const split = corruptSplit(test, data.inputShape, name, severity, deriveSeed(options.seed, name, severity));
      corrupted.set(`${name}@${severity}`, splitBatch(split, data.inputShape, split.count));
    }
  }
  const trained = weightSnapshot(model);
  const sparsities = [...options.sparsities].sort((a, b) => a - b);
  try {
    const rows: RobustnessRow[] = [robustnessRow(model, 'dense', 'dense', 0, clean, corrupted)];
    for (const scope of ['global', 'layer'] as const) {
      for (const s of sparsities) {
        restoreWeights(model, trained);
        applyMasks(model, magnitudeMasks(model, s, scope));
        rows.push(robustnessRow(model, 'one-shot', scope, s, clean, corrupted));
      }
    }
    // Iterative magnitude pruning, rewinding the survivors to their initial values.
    const fresh = buildModel(model.config as ModelSpec);
    const init = weightSnapshot(fresh);
    fresh.dispose();
    restoreWeights(model, trained);
    const seed = (model.config as { seed?: number }).seed ?? options.seed;
    const iterative: PruningStudy['iterative'] = [];
    iterativePruning(model, {
      schedule: sparsities,
      scope: 'global',
      rewindTo: init,
      retrain: (m, ms) => {
        train(m, data, trainConfigFor(preset, seed, options.retrainEpochs), { onStep: ({ model: stepped }) => applyMasks(stepped, ms) });
      },
      evaluate: (m) => accuracy(m, clean),
      onRound: (round, ms) => {
        rows.push(robustnessRow(model, 'iterative+rewind', 'global', maskSparsity(ms).sparsity, clean, corrupted));
        iterative.push({ round: round.round, sparsity: round.sparsity, clean: round.score });
      },
    });
    const pruned = weightSnapshot(model);
    // Geometry: dense vs the most pruned model, on clean inputs and every corruption at its middle severity.
    const middle = options.severities[Math.floor(options.severities.length / 2)];
    const inputs: [string, LabelledBatch][] = [['clean', clean], ...[...corrupted].filter(([k]) => k.endsWith(`@${middle}`))];
    const geometry: GeometryRow[] = [];
    const cleanSamples: { dense?: SampleGeometry[]; pruned?: SampleGeometry[] } = {};
    let reconstructionError = 0;
    for (const [which, weights] of [['dense', trained], ['pruned', pruned]] as const) {
      restoreWeights(model, weights);
      for (const [input, batch] of inputs) {
        const g = lastLayerGeometry(model, batch);
        reconstructionError = Math.max(reconstructionError, g.reconstructionError);
        if (input === 'clean') cleanSamples[which] = g.samples;
        geometry.push({ model: which, input, summary: summarizeGeometry(g.samples) });
      }
    }
    const denseSamples = cleanSamples.dense!;
    const fates = pruningFates(denseSamples, cleanSamples.pruned!);
    const counts: Record<PruningFate, number> = { robust: 0, fragile: 0, recovered: 0, hard: 0 };
    fates.forEach((f) => counts[f]++);
    const byFate: Partial<Record<PruningFate, GeometrySummary>> = {};
    for (const fate of Object.keys(counts) as PruningFate[]) {
      const members = denseSamples.filter((_, i) => fates[i] === fate);
      if (members.length > 0) byFate[fate] = summarizeGeometry(members);
    }
    const fragileExamples = fates.map((f, i) => (f === 'fragile' ? i : -1)).filter((i) => i >= 0);
    return { testExamples: test.count, rows, iterative, geometry, fates: { counts, byFate, fragileExamples }, reconstructionError };
  } finally {
    restoreWeights(model, trained);
    disposeBatch(clean);
    corrupted.forEach(disposeBatch);
  }
}

// ---------------------------------------------------------------------------------------
// Bayesian ensembles and the hypothesis weight

export interface BayesStudyOptions {
  readonly stepSize: number;
  readonly burnIn: number;
  readonly thin: number;
  readonly samples: number;
  readonly temperature: number;
  readonly priorScale: number;
  readonly batchSize: number;
  readonly epsilon: number;
  readonly maxExamples: number;
  readonly seed: number;
}

export interface BayesStudy {
  readonly options: BayesStudyOptions;
  readonly testExamples: number;
  /** The trained model alone. */
  readonly single: PredictiveScore;
  /** The first kept SGLD sample alone (one posterior draw). */
  readonly oneSample: PredictiveScore;
  readonly ensemble: (PredictiveScore & { members: number })[];
  readonly lossTrace: number[];
  readonly hypothesisWeight: { readonly largestScale: number; readonly meanKlAtScale: number; readonly keptFraction: { scale: number; fraction: number; meanKl: number }[]; readonly epsilon: number };
}

export function bayesStudy(model: Model, data: Dataset, options: BayesStudyOptions): BayesStudy {
  const test = splitBatch(data.test, data.inputShape, options.maxExamples);
  try {
    const labels = test.y.dataSync();
    const single = scorePredictive(modelPredictive(model, test), labels, data.numClasses);
    const record = sgldEnsemble(model, data.train, data.inputShape, test, { ...options, seed: deriveSeed(options.seed, 'sgld') });
    const ensemble = ensembleCurve(record, labels, data.numClasses);
    const hw = { epsilon: options.epsilon, draws: 8, seed: deriveSeed(options.seed, 'hypothesis-weight'), steps: 12 };
    const largest = largestPriorScale(model, test, hw);
    const scales = [0.25, 0.5, 1, 2, 4].map((f) => f * (largest.scale > 0 ? largest.scale : 1e-3));
    return {
      options,
      testExamples: labels.length,
      single,
      oneSample: scorePredictive(record.probabilities[0], labels, data.numClasses),
      ensemble,
      lossTrace: record.trace,
      hypothesisWeight: { largestScale: largest.scale, meanKlAtScale: largest.meanKl, keptFraction: keptFraction(model, test, scales, { ...hw, draws: 20 }), epsilon: options.epsilon },
    };
  } finally {
    disposeBatch(test);
  }
}

// ---------------------------------------------------------------------------------------
// Example difficulty

export interface DifficultyRun {
  readonly labels: LabelControl;
  readonly epochs: number;
  readonly finalTrainAccuracy: number;
  readonly testAccuracy: number;
  readonly groups: DifficultyGroup[];
  /** Fraction of the training examples finally learned by each epoch, per group. */
  readonly learnedByEpoch: Record<string, number[]>;
}

export interface DifficultyStudyOptions {
  readonly epochs: number;
  readonly noiseRate: number;
  readonly seed: number;
}

/**
 * Trains a fresh copy of the model (same spec and seed) under real, noisy and random
 * labels and records when each training example is learned. `load` builds the data set
 * with a label control; examples whose label differs from the real one are "flipped".
 */
export async function difficultyStudy(spec: ModelSpec, preset: Preset, load: (labels: LabelControl) => Promise<Dataset>, options: DifficultyStudyOptions): Promise<DifficultyRun[]> {
  const real = await load({ kind: 'real' });
  const runs: DifficultyRun[] = [];
  const controls: LabelControl[] = [{ kind: 'real' }, { kind: 'noisy', rate: options.noiseRate, seed: options.seed }, { kind: 'random', seed: options.seed }];
  for (const labels of controls) {
    const data = labels.kind === 'real' ? real : await load(labels);
    const model = buildModel(spec);
    try {
      const recorder = new TrainingLogRecorder(data.train, data.inputShape);
      const result = train(model, data, trainConfigFor(preset, spec.seed, options.epochs), { onEpoch: ({ model: m }) => recorder.record(m) });
      const epochs = learnedEpochs(recorder.log());
      const all = Array.from({ length: data.train.count }, (_, i) => i);
      const flipped = all.filter((i) => data.train.y[i] !== real.train.y[i]);
      const kept = all.filter((i) => data.train.y[i] === real.train.y[i]);
      const groups: Record<string, number[]> = labels.kind === 'real' ? { all } : { 'label kept': kept, 'label changed': flipped };
      runs.push({
        labels,
        epochs: recorder.correct.length,
        finalTrainAccuracy: recorder.correct.length ? recorder.correct[recorder.correct.length - 1].filter(Boolean).length / data.train.count : Number.NaN,
        testAccuracy: result.test.accuracy,
        groups: difficultyGroups(epochs, recorder.correct.length, groups),
        learnedByEpoch: Object.fromEntries(Object.entries(groups).map(([name, rows]) => [name, learnedByEpoch(epochs, recorder.correct.length, rows)])),
      });
    } finally {
      model.dispose();
    }
  }
  return runs;
}
