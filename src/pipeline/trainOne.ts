/**
 * One model trained as a library call, the work behind `synth train`: select the tensor
 * backend, load the data set, build and train the model (a G-SSNN from a program's graph, or a
 * baseline), compare each held-out accuracy with its split's base rate, and save the model
 * when asked. Returns the summary that `synth train --json` prints (also saved beside the model).
 */
import { compareWithBaseRate, type BaseRateComparison } from '../analysis/baseRate.ts';
import { loadDataset } from '../data/datasets.ts';
import { baseRate } from '../data/pool.ts';
import type { ProgramGraph } from '../dsl/graph.ts';
import { initBackend, type BackendName } from '../gssnn/backend.ts';
import type { ModelKindName } from '../gssnn/models/index.ts';
import { saveModel } from '../gssnn/persist.ts';
import type { Preset } from '../gssnn/presets.ts';
import type { EpochInfo, TrainResult } from '../gssnn/train/trainer.ts';
import { trainModel, type TrainModelRequest } from '../gssnn/train/trainModel.ts';

export interface TrainOneRequest {
  readonly kind: ModelKindName;
  /** The program text of a G-SSNN (recorded in the summary). */
  readonly program?: string;
  /** The program's graph (`gssnn`), or the graph whose size control wirings match. */
  readonly graph?: ProgramGraph;
  /** Element count of control wirings when no graph is given. */
  readonly elements?: number;
  /** Data set name (`listDatasets()`). */
  readonly data: string;
  /** Seeds the split and label controls. */
  readonly splitSeed: number;
  /** Split sizes (default: the preset's). */
  readonly sizes?: { readonly trainSize?: number; readonly validationSize?: number; readonly testSize?: number };
  readonly preset: Preset;
  /** Seeds initialization, dropout and data order. */
  readonly seed: number;
  readonly reproduceOriginal?: boolean;
  /** Overrides of the preset's schedule (epochs, optimizer, gradient rule). */
  readonly train?: TrainModelRequest['train'];
  /** A name recorded for the optimizer in the summary (default: the optimizer's kind). */
  readonly optimizerName?: string;
  readonly backend?: BackendName;
  /** Saves the trained model here (model.json + weights.bin). */
  readonly out?: string;
  /** With `out`: also save the weights at initialization (default true). */
  readonly saveInitialWeights?: boolean;
  readonly onEpoch?: (info: EpochInfo) => void;
}

type SplitName = 'train' | 'validation' | 'test';

export interface TrainOneSummary {
  readonly kind: ModelKindName;
  readonly program: string | null;
  readonly data: string;
  readonly preset: string;
  readonly seed: number;
  readonly splitSeed: number;
  readonly backend: string;
  readonly optimizer: Readonly<Record<string, unknown>>;
  readonly status: TrainResult['status'];
  readonly parameterCount: number;
  readonly graph: { readonly nodes: number; readonly edges: number } | null;
  readonly train: { readonly accuracy: number; readonly loss: number };
  readonly validation: { readonly accuracy: number; readonly loss: number };
  readonly test: { readonly accuracy: number; readonly loss: number };
  /** Majority-class rate of each split (null for an empty split). */
  readonly baseRate: Readonly<Record<SplitName, number | null>>;
  readonly vsBaseRate: { readonly validation: BaseRateComparison | null; readonly test: BaseRateComparison | null };
  /** Sentences for a reader: a test accuracy not above the base rate. */
  readonly warnings: readonly string[];
  readonly steps: number;
  readonly epochs: number;
  readonly divergedAt?: TrainResult['divergedAt'];
  readonly trainSeconds: number;
  readonly examplesPerSecond: number;
  readonly out: string | null;
  readonly initialWeightsSaved: boolean;
}

export interface TrainOneResult {
  readonly summary: TrainOneSummary;
  /** Examples in each split. */
  readonly examples: Readonly<Record<SplitName, number>>;
}

export async function trainOne(request: TrainOneRequest): Promise<TrainOneResult> {
  const { preset } = request;
  const backend = (await initBackend(request.backend)).name;
  const data = await loadDataset(request.data, {
    seed: request.splitSeed,
    imageSize: preset.image.inputSize,
    trainSize: request.sizes?.trainSize ?? preset.data.trainSize,
    validationSize: request.sizes?.validationSize ?? preset.data.validationSize,
    testSize: request.sizes?.testSize ?? preset.data.testSize,
  });
  const { model, result, spec, initialWeights, config } = trainModel({
    kind: request.kind,
    preset,
    data,
    graph: request.graph,
    elements: request.elements,
    seed: request.seed,
    reproduceOriginal: request.reproduceOriginal,
    train: request.train,
    callbacks: request.onEpoch ? { onEpoch: request.onEpoch } : undefined,
  });
  const splits = { train: data.train, validation: data.validation, test: data.test };
  const baseRates = {
    train: splits.train.count > 0 ? baseRate(splits.train.y, data.numClasses) : null,
    validation: splits.validation.count > 0 ? baseRate(splits.validation.y, data.numClasses) : null,
    test: splits.test.count > 0 ? baseRate(splits.test.y, data.numClasses) : null,
  };
  const against = (name: 'validation' | 'test') => (baseRates[name] === null ? null : compareWithBaseRate(result[name].accuracy, splits[name].count, baseRates[name]!));
  const vsBaseRate = { validation: against('validation'), test: against('test') };
  const saveInitial = request.saveInitialWeights ?? true;
  const summary: TrainOneSummary = {
    kind: request.kind,
    program: request.program ?? null,
    data: data.name,
    preset: preset.name,
    seed: request.seed,
    splitSeed: request.splitSeed,
    backend,
    optimizer: { name: request.optimizerName ?? config.optimizer.kind, ...config.optimizer, ...(config.rule ? { rule: config.rule } : {}) },
    status: result.status,
    parameterCount: result.parameterCount,
    graph: spec.graph ? { nodes: spec.graph.nodes.length, edges: spec.graph.edges.length } : null,
    train: { accuracy: result.train.accuracy, loss: result.train.loss },
    validation: { accuracy: result.validation.accuracy, loss: result.validation.loss },
    test: { accuracy: result.test.accuracy, loss: result.test.loss },
    baseRate: baseRates,
    vsBaseRate,
    warnings: vsBaseRate.test && vsBaseRate.test.verdict !== 'above' ? [baseRateWarning('test', vsBaseRate.test)] : [],
    steps: result.steps,
    epochs: result.epochs,
    ...(result.divergedAt ? { divergedAt: result.divergedAt } : {}),
    trainSeconds: result.trainSeconds,
    examplesPerSecond: result.examplesPerSecond,
    out: request.out ?? null,
    initialWeightsSaved: request.out !== undefined && saveInitial,
  };
  try {
    if (request.out) saveModel(model, request.out, { result, summary, dataProvenance: data.provenance }, saveInitial ? { initialWeights } : {});
  } finally {
    model.dispose();
  }
  return { summary, examples: { train: splits.train.count, validation: splits.validation.count, test: splits.test.count } };
}

export const percent = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');
export const pValueText = (p: number) => (p < 0.001 ? '< 0.001' : `= ${p.toFixed(3)}`);

function baseRateWarning(split: string, c: BaseRateComparison): string {
  return (
    `${split} accuracy ${percent(c.accuracy)} is ${c.verdict === 'below' ? 'below' : 'indistinguishable from'} the base rate ${percent(c.baseRate)} ` +
    `(exact binomial test on ${c.examples} examples, p ${pValueText(c.pAbove)} for doing better; 95% interval ${percent(c.interval95[0])} to ${percent(c.interval95[1])}): the model has learned nothing measurable on this split.`
  );
}
