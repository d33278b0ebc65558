/**
 * Gradients of Sum and Mean whose tensor of ones is filled by the backend. tfjs's own
 * (registered by tfjs-layers' bundle) multiply dy by `ones(x.shape)`, which fills the array
 * in JavaScript and uploads it, on every reduction of every step: 4% of a 16-member
 * population's training step went into filling those arrays. Here the same ones come from a
 * Fill kernel (one memset-like loop in wasm), and the same Multiply and RealDiv follow, so the
 * gradients are the same bits. (Broadcasting without the multiplication would be exact too,
 * but wasm's Tile kernel is many times slower than its Multiply.) Both stay differentiable
 * for Hessian products.
 */
import * as tf from '@tensorflow/tfjs-core';

/** dy reshaped to x's rank with the reduced axes kept as 1, times ones of x's shape. */
function broadcastDy(dy: tf.Tensor, x: tf.Tensor, axes: number[]): tf.Tensor {
  const shape = x.shape.slice();
  for (const a of axes) shape[a] = 1;
  return tf.mul(tf.reshape(dy, shape), tf.fill(x.shape, 1, 'float32'));
}

const axesOf = (attrs: unknown, x: tf.Tensor) => tf.util.parseAxisParam((attrs as { axis: number | number[] }).axis, x.shape);

let registered = false;

/** Registers the two gradients in place of tfjs's (idempotent; `initBackend` calls it). */
export function registerReductionGradients(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({ x: () => broadcastDy(dy as tf.Tensor, x, axesOf(attrs, x)) }),
  });
  tf.registerGradient({
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const axes = axesOf(attrs, x);
      const reduceSize = tf.util.sizeFromShape(axes.map((a) => x.shape[a]));
      return { x: () => tf.div(broadcastDy(dy as tf.Tensor, x, axes), reduceSize) };
    },
  });
}
