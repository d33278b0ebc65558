/**
 * Classification losses on logits `[batch, classes]` and integer labels `[batch]`, both
 * averaged over the batch:
 * - `cross-entropy`: softmax over classes (multi-class);
 * - `binary-cross-entropy`: the original's BCEWithLogitsLoss. With two classes, on the one
 *   logit l = logit_1 - logit_0 (the log-odds; a single-logit model returns [0, l], see
 *   models/output.ts) against the label, as the original's one-dimensional targets; with
 *   more classes, an independent sigmoid per class against the one-hot target, averaged
 *   over batch and classes.
 */
import * as tf from '@tensorflow/tfjs-core';

export type LossKind = 'cross-entropy' | 'binary-cross-entropy';
export const LOSS_KINDS: readonly LossKind[] = ['cross-entropy', 'binary-cross-entropy'];

export function classificationLoss(kind: LossKind, logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const classes = logits.shape[1];
    const target = tf.cast(tf.oneHot(tf.cast(labels, 'int32'), classes), 'float32');
    if (kind === 'cross-entropy') {
      return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1))) as tf.Scalar;
    }
    const [x, t] =
      classes === 2
        ? [tf.sub(tf.slice(logits, [0, 1], [-1, 1]), tf.slice(logits, [0, 0], [-1, 1])), tf.slice(target, [0, 1], [-1, 1])]
        : [logits, target];
    // Stable form: max(x, 0) - x * t + log(1 + exp(-|x|)).
    return tf.mean(tf.add(tf.sub(tf.relu(x), tf.mul(x, t)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))))) as tf.Scalar;
  });
}

/** Number of examples whose largest logit is the label. */
export function correctCount(logits: tf.Tensor2D, labels: tf.Tensor1D): number {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(labels, 'int32')), 'int32')).arraySync() as number);
}
