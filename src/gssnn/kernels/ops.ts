/**
 * Segment operations over the first axis, differentiable, on any backend our kernels are
 * registered for (see register.ts). Shapes: `x` is `[rows, ...rest]`, `segmentIds` an int32
 * `[rows]` with values in `[0, numSegments)`; results are `[numSegments, ...rest]` except
 * `segmentSoftmax`, which keeps `x`'s shape.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GATHER_ROWS, SEGMENT_MAX_ARG } from './register.ts';

/** Sum of the rows of each segment (empty segments give 0). */
export function segmentSum(x: tf.Tensor, segmentIds: tf.Tensor1D, numSegments: number): tf.Tensor {
  return tf.unsortedSegmentSum(x, segmentIds, numSegments);
}

/**
 * Mean of the rows of each segment (empty segments give 0). `counts` (`[numSegments]`,
 * float32) can be passed when the caller already knows them (a fixed graph).
 */
export function segmentMean(x: tf.Tensor, segmentIds: tf.Tensor1D, numSegments: number, counts?: tf.Tensor1D): tf.Tensor {
  return tf.tidy(() => {
    const sums = tf.unsortedSegmentSum(x, segmentIds, numSegments);
    const n = counts ?? tf.unsortedSegmentSum(tf.onesLike(tf.cast(segmentIds, "float32")), segmentIds, numSegments);
    const divisor = tf.reshape(tf.maximum(n, 1), [numSegments, ...x.shape.slice(1).map(() => 1)]);
    return tf.div(sums, divisor);
  });
}

/** Element-wise max of the rows of each segment (empty segments give 0). */
export function segmentMax(x: tf.Tensor, segmentIds: tf.Tensor1D, numSegments: number): tf.Tensor {
  const outputs = tf.engine().runKernel(SEGMENT_MAX_ARG, { x, segmentIds }, { numSegments }) as tf.Tensor[];
  // The argmax output only feeds the gradient, which the engine saved on its own.
  outputs[1].dispose();
  return outputs[0];
}

/**
 * Softmax of `scores` (`[rows, ...rest]`) within each segment, per trailing cell: the
 * attention weights of the edges entering one node sum to 1.
 */
export function segmentSoftmax(scores: tf.Tensor, segmentIds: tf.Tensor1D, numSegments: number): tf.Tensor {
  return tf.tidy(() => {
    // Shifting by the segment max keeps exp in range; the shift cancels in value and gradient.
    const shift = tf.gather(segmentMax(scores, segmentIds, numSegments), segmentIds);
    const weights = tf.exp(tf.sub(scores, shift));
    const totals = tf.gather(tf.unsortedSegmentSum(weights, segmentIds, numSegments), segmentIds);
    return tf.div(weights, totals);
  });
}

/**
 * Rows of `x` along `axis` picked by int32 `indices` (`tf.gather` semantics, float32 only),
 * as one contiguous copy per row; its gradient sums rows back (linear in the output size).
 */
export function gatherRows(x: tf.Tensor, indices: tf.Tensor1D, axis = 0): tf.Tensor {
  if (x.dtype !== 'float32') throw new TypeError(`gatherRows: x must be float32, got ${x.dtype}`);
  return tf.engine().runKernel(GATHER_ROWS, { x, indices }, { axis }) as tf.Tensor;
}
