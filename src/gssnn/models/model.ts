/**
 * The contract every trainable model honours (G-SSNN and all baselines), so that the
 * trainer and the analysis layer work on any of them.
 */
import type * as tf from '@tensorflow/tfjs-core';

export interface Model {
  /** A short, stable name: `gssnn`, `linear`, `mlp`, `gssnn-random`, ... */
  readonly kind: string;
  /** Every trainable weight, in a fixed order (analysis relies on it). */
  readonly variables: readonly tf.Variable[];
  /**
   * Logits `[batch, numClasses]` for inputs `[batch, ...inputShape]`. With `training`,
   * dropout is active and draws from the model's own seeded stream.
   */
  logits(x: tf.Tensor, training: boolean): tf.Tensor2D;
  /** Number of trainable scalars. */
  parameterCount(): number;
  /** The configuration that rebuilds this model (saved next to its weights). */
  readonly config: Readonly<Record<string, unknown>>;
  dispose(): void;
}
