/**
 * Training one model on one data set: seeded data order (the model's own seed fixes its
 * initialization and dropout), an optimizer stepped per batch at the rate of a step schedule
 * (an optional linear warm-up, and an optional plateau scheduler stepped per batch with the
 * batch loss, as the original), metrics on the three splits, and
 * callbacks per step and per epoch for the analysis layer. A NaN or infinite loss ends the
 * run with status `diverged`; it never throws. Every step runs inside `tf.tidy`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset, Split } from '../../data/dataset.ts';
import { Random, deriveSeed } from '../../util/random.ts';
import type { Model } from '../models/model.ts';
import { epochBatches, makeBatch, type TrainingBatch } from './batches.ts';
import { classificationLoss, correctCount, type LossKind } from './losses.ts';
import { createGradientRule, type GradientRule, type GradientRuleConfig } from './gradientRules.ts';
import { createOptimizer, type OptimizerConfig } from './optimizers.ts';
import { StepSchedule, type PlateauConfig } from './scheduler.ts';

export interface TrainConfig {
  readonly epochs: number;
  /**
   * Train at least this many optimizer steps: a small training set runs more whole epochs
   * (`ceil(minSteps / batches per epoch)`), so that runs on 32 and on 512 examples get the
   * same optimization budget and a learning curve measures data, not steps.
   */
  readonly minSteps?: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerConfig;
  /** What each step follows instead of the batch gradient (SAM, SAF, ...); the optimizer applies it. */
  readonly rule?: GradientRuleConfig;
  /** Stepped every batch with that batch's loss; null for a constant rate. */
  readonly scheduler: PlateauConfig | null;
  /** Raise the rate linearly over this many first steps (default 0: none; see `StepSchedule`). */
  readonly warmupSteps?: number;
  readonly loss: LossKind;
  /** Fixes the order of training examples. */
  readonly seed: number;
  /** Batch size for evaluation (no effect on results). */
  readonly evalBatchSize?: number;
  /** Evaluate the validation split after every epoch (for the history). */
  readonly validateEachEpoch?: boolean;
}

export interface SplitMetrics {
  readonly loss: number;
  readonly accuracy: number;
  readonly count: number;
}

export interface StepInfo {
  readonly model: Model;
  /** 1-based count of optimizer steps so far (this one included). */
  readonly step: number;
  /** 0-based epoch. */
  readonly epoch: number;
  /** The batch just trained on; its tensors live until the callback returns. */
  readonly batch: TrainingBatch;
  readonly loss: number;
  /** The learning rate this step was taken at. */
  readonly lr: number;
  /** The loss function the trainer uses (for gradient-based analyses). */
  readonly lossOf: (logits: tf.Tensor2D, labels: tf.Tensor1D) => tf.Scalar;
}

export interface EpochRecord {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly lr: number;
  readonly validation?: SplitMetrics;
}

export interface EpochInfo extends EpochRecord {
  readonly model: Model;
  readonly step: number;
}

export interface TrainCallbacks {
  /** Return `'stop'` to end training early (status `stopped`). */
  onStep?(info: StepInfo): void | 'stop';
  onEpoch?(info: EpochInfo): void | 'stop';
}

export type TrainStatus = 'completed' | 'diverged' | 'stopped';

export interface TrainResult {
  readonly status: TrainStatus;
  readonly steps: number;
  readonly epochs: number;
  readonly history: readonly EpochRecord[];
  readonly train: SplitMetrics;
  readonly validation: SplitMetrics;
  readonly test: SplitMetrics;
  readonly divergedAt?: { readonly step: number; readonly epoch: number; readonly loss: number };
  readonly parameterCount: number;
  readonly seed: number;
  readonly finalLr: number;
  readonly trainSeconds: number;
  readonly examplesPerSecond: number;
}

export function validateTrainConfig(config: TrainConfig): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(config.epochs) || config.epochs < 0) problems.push(`epochs must be a non-negative integer, got ${config.epochs}`);
  if (!Number.isInteger(config.batchSize) || config.batchSize < 1) problems.push(`batch size must be a positive integer, got ${config.batchSize}`);
  if (config.minSteps !== undefined && (!Number.isInteger(config.minSteps) || config.minSteps < 0)) {
    problems.push(`minimum steps must be a non-negative integer, got ${config.minSteps}`);
  }
  if (config.warmupSteps !== undefined && (!Number.isInteger(config.warmupSteps) || config.warmupSteps < 0)) {
    problems.push(`warm-up steps must be a non-negative integer, got ${config.warmupSteps}`);
  }
  return problems;
}

/** The learning rate of each step of a run of `config`. */
export function stepScheduleFor(config: Pick<TrainConfig, 'optimizer' | 'scheduler' | 'warmupSteps'>): StepSchedule {
  return new StepSchedule(config.optimizer.lr, config.warmupSteps ?? 0, config.scheduler);
}

/** The stream that orders a run's training examples: each epoch draws one shuffle from it (`epochBatches`). */
export function exampleOrder(seed: number): Random {
  return new Random(deriveSeed(seed, 'order'));
}

/** Epochs a run of `config` takes on `trainCount` examples (see `minSteps`). */
export function epochsFor(config: Pick<TrainConfig, 'epochs' | 'batchSize' | 'minSteps'>, trainCount: number): number {
  const batchesPerEpoch = Math.ceil(trainCount / config.batchSize);
  return Math.max(config.epochs, batchesPerEpoch > 0 ? Math.ceil((config.minSteps ?? 0) / batchesPerEpoch) : 0);
}

export function train(model: Model, data: Dataset, config: TrainConfig, callbacks: TrainCallbacks = {}): TrainResult {
  const problems = validateTrainConfig(config);
  if (problems.length) throw new RangeError(`train: ${problems.join('; ')}`);
  if (data.train.count === 0) throw new RangeError(`train: data set ${data.name} has no training examples`);
  const optimizer = createOptimizer(config.optimizer);
  const rule = config.rule ? createGradientRule(config.rule, { lossOf: (logits, labels) => classificationLoss(config.loss, logits, labels), training: true }) : null;
  const schedule = stepScheduleFor(config);
  const order = exampleOrder(config.seed);
  const lossOf = (logits: tf.Tensor2D, labels: tf.Tensor1D) => classificationLoss(config.loss, logits, labels);
  const history: EpochRecord[] = [];
  let status: TrainStatus = 'completed';
  let divergedAt: TrainResult['divergedAt'];
  let step = 0;
  let seen = 0;
  const epochCount = epochsFor(config, data.train.count);
  const started = performance.now();
  try {
    epochs: for (let epoch = 0; epoch < epochCount; epoch++) {
      let lossSum = 0;
      let lossCount = 0;
      for (const indices of epochBatches(data.train.count, config.batchSize, order)) {
        const batch = makeBatch(data.train, data.inputShape, indices);
        try {
          optimizer.lr = schedule.rateAt(step + 1);
          const loss = rule ? ruleStep(model, batch, epoch, rule, optimizer) : trainStep(model, batch, lossOf, optimizer);
          step += 1;
          if (!Number.isFinite(loss)) {
            status = 'diverged';
            divergedAt = { step, epoch, loss };
            break epochs;
          }
          seen += indices.length;
          lossSum += loss * indices.length;
          lossCount += indices.length;
          schedule.observe(loss);
          if (callbacks.onStep?.({ model, step, epoch, batch, loss, lr: optimizer.lr, lossOf }) === 'stop') {
            status = 'stopped';
            break epochs;
          }
        } finally {
          batch.x.dispose();
          batch.y.dispose();
        }
      }
      const record: EpochRecord = {
        epoch,
        trainLoss: lossSum / Math.max(1, lossCount),
        lr: schedule.rate,
        ...(config.validateEachEpoch ? { validation: evaluateModel(model, data.validation, data.inputShape, config) } : {}),
      };
      history.push(record);
      if (callbacks.onEpoch?.({ ...record, model, step }) === 'stop') {
        status = 'stopped';
        break;
      }
    }
  } finally {
    optimizer.dispose();
    rule?.dispose();
  }
  const trainSeconds = (performance.now() - started) / 1000;
  return {
    status,
    steps: step,
    epochs: history.length,
    history,
    train: evaluateModel(model, data.train, data.inputShape, config),
    validation: evaluateModel(model, data.validation, data.inputShape, config),
    test: evaluateModel(model, data.test, data.inputShape, config),
    ...(divergedAt ? { divergedAt } : {}),
    parameterCount: model.parameterCount(),
    seed: config.seed,
    finalLr: schedule.rate,
    trainSeconds,
    examplesPerSecond: trainSeconds > 0 ? seen / trainSeconds : 0,
  };
}

/** One optimizer step; returns the batch loss (the update is skipped when it is not finite). */
export function trainStep(
  model: Model,
  batch: TrainingBatch,
  lossOf: (logits: tf.Tensor2D, labels: tf.Tensor1D) => tf.Scalar,
  optimizer: ReturnType<typeof createOptimizer>,
): number {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => lossOf(model.logits(batch.x, true), batch.y), model.variables as tf.Variable[]);
    const loss = value.dataSync()[0];
    if (Number.isFinite(loss)) optimizer.apply(model.variables, model.variables.map((v) => grads[v.name]));
    return loss;
  });
}

/** One optimizer step along a gradient rule; returns the batch loss (no update when it is not finite). */
function ruleStep(model: Model, batch: TrainingBatch, epoch: number, rule: GradientRule, optimizer: ReturnType<typeof createOptimizer>): number {
  const { loss, grads } = rule.gradient(model, batch, epoch);
  try {
    if (Number.isFinite(loss)) optimizer.apply(model.variables, grads);
  } finally {
    tf.dispose(grads);
  }
  return loss;
}

/** Loss and accuracy of `model` on a split, in eval mode (no dropout). */
export function evaluateModel(
  model: Model,
  split: Split,
  inputShape: readonly number[],
  config: Pick<TrainConfig, 'loss' | 'batchSize' | 'evalBatchSize'>,
): SplitMetrics {
  if (split.count === 0) return { loss: NaN, accuracy: NaN, count: 0 };
  let lossSum = 0;
  let correct = 0;
  for (const indices of epochBatches(split.count, config.evalBatchSize ?? Math.max(config.batchSize, 64))) {
    const batch = makeBatch(split, inputShape, indices);
    try {
      tf.tidy(() => {
        const logits = model.logits(batch.x, false);
        lossSum += classificationLoss(config.loss, logits, batch.y).dataSync()[0] * indices.length;
        correct += correctCount(logits, batch.y);
      });
    } finally {
      batch.x.dispose();
      batch.y.dispose();
    }
  }
  return { loss: lossSum / split.count, accuracy: correct / split.count, count: split.count };
}
