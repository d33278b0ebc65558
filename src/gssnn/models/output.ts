/**
 * The last layer of every model kind. A two-class task trained with the binary loss has ONE
 * logit l, the log-odds of class 1, as the original's one-dimensional targets did; the model
 * still returns two class logits, `[0, l]`, so that every consumer (accuracy, analysis,
 * softmax) sees `[batch, classes]`: softmax([0, l]) = [1 - sigmoid(l), sigmoid(l)], and the
 * softmax cross-entropy of `[0, l]` equals BCEWithLogits of `l`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LossKind } from '../train/losses.ts';

/** Whether a task of `numClasses` trained with `loss` gets one logit (the original's binary setting). */
export function usesSingleLogit(numClasses: number, loss: LossKind): boolean {
  return numClasses === 2 && loss === 'binary-cross-entropy';
}

/** Width of a model's last layer. */
export function outputWidth(spec: { readonly numClasses: number; readonly singleLogit?: boolean }): number {
  return spec.singleLogit ? 1 : spec.numClasses;
}

/** Class logits `[batch, numClasses]` from the last layer's output. */
export function classLogits(spec: { readonly singleLogit?: boolean }, out: tf.Tensor2D): tf.Tensor2D {
  return spec.singleLogit ? tf.concat([tf.zerosLike(out), out], 1) : out;
}
