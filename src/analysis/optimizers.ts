/**
 * Update rules for the analysis experiments: plain SGD steps w <- w - lr * g along the
 * gradient of a rule of gssnn/train/gradientRules.ts (the trainer uses the same rules with
 * SGD or Adam), on the mean cross-entropy:
 * - winsorized GD (c = 0 clips nothing and is plain SGD), with the batched per-example
 *   gradients of a `DenseStack`;
 * - M3 and RM3 (medians of group / recent gradients);
 * - SAM(lr, rho) and SAF({lr, coefficient, temperature, lag}).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../gssnn/models/model.ts';
import { createGradientRule, type GradientRule, type GradientRuleConfig, plainGradient, type RuleBatch } from '../gssnn/train/gradientRules.ts';
import { type LabelledBatch, meanCrossEntropy } from './loss.ts';
import { stackedExampleGradients } from './perExample.ts';

export { medianOfThree, softenedKl, winsorizedMean } from '../gssnn/train/gradientRules.ts';

/** A batch with the training-set index of each example (SAF keys its memory on it). */
export interface IndexedBatch extends LabelledBatch {
  readonly indices: Int32Array;
}

export interface UpdateRule {
  readonly name: string;
  /** One optimizer step on `batch`; returns the batch loss before the step. */
  step(model: Model, batch: IndexedBatch, epoch: number): number;
}

function applyUpdate(model: Model, update: readonly tf.Tensor[], lr: number): void {
  tf.tidy(() => model.variables.forEach((v, k) => v.assign(tf.sub(v, tf.mul(update[k], lr)))));
}

const lossOf = (logits: tf.Tensor2D, labels: tf.Tensor1D) => meanCrossEntropy(logits, labels);

export class Sgd implements UpdateRule {
  readonly name = 'sgd';
  constructor(readonly lr: number) {}
  step(model: Model, batch: IndexedBatch, _epoch?: number): number {
    const { loss, grads } = plainGradient(model, batch.x, batch.y, { lossOf, training: true });
    applyUpdate(model, grads, this.lr);
    tf.dispose(grads);
    return loss;
  }
}

/** SGD along a gradient rule. */
class RuleStep implements UpdateRule {
  readonly name: string;
  private readonly rule: GradientRule;
  constructor(readonly lr: number, config: GradientRuleConfig, training: boolean) {
    this.rule = createGradientRule(config, { lossOf, training, perExample: (model, batch: RuleBatch) => stackedExampleGradients(model, batch) });
    this.name = this.rule.name;
  }
  step(model: Model, batch: IndexedBatch, epoch: number): number {
    const { loss, grads } = this.rule.gradient(model, batch, epoch);
    applyUpdate(model, grads, this.lr);
    tf.dispose(grads);
    return loss;
  }
  dispose(): void {
    this.rule.dispose();
  }
}

export class WinsorizedGd extends RuleStep {
  constructor(lr: number, readonly c: number) {
    super(lr, { kind: 'winsorized', c }, false);
  }
}

export class M3 extends RuleStep {
  constructor(lr: number) {
    super(lr, { kind: 'm3' }, true);
  }
}

export class Rm3 extends RuleStep {
  constructor(lr: number) {
    super(lr, { kind: 'rm3' }, true);
  }
}

export class Sam extends RuleStep {
  constructor(lr: number, readonly rho: number) {
    super(lr, { kind: 'sam', rho }, true);
  }
}

export interface SafOptions {
  readonly lr: number;
  /** Coefficient lambda of the trajectory loss. */
  readonly coefficient: number;
  /** Softmax temperature tau. */
  readonly temperature: number;
  /** E: compare with the outputs recorded this many epochs earlier. */
  readonly lag: number;
}

export class Saf extends RuleStep {
  constructor(readonly options: SafOptions) {
    super(options.lr, { kind: 'saf', coefficient: options.coefficient, temperature: options.temperature, lag: options.lag }, true);
  }
}
