/**
 * Gradient definitions that can themselves be differentiated, so that double backprop
 * (the gradient of g(w) . v) gives an exact Hessian-vector product on tfjs 4.22.
 *
 * Why tfjs's own second derivatives are wrong (tfjs issue #3252): a kernel's saved tensors
 * are clones made while the kernel runs, and a clone of an OUTPUT is put on the tape before
 * the kernel's own tape node. The backward pass of a first gradient then reads that clone,
 * and the second backward pass finds no path from the weights to it: every term that goes
 * through the saved output is dropped. Saved inputs are fine (their producers come first).
 * So, for as long as `withDifferentiableGradients` runs, we register for each kernel whose
 * gradient reads its output a gradient that recomputes the output from the saved inputs:
 *   Exp, Tanh, Sigmoid, Softmax, Elu, Pow (exponent side).
 * Max and Min also read their output, but only to build a 0/1 mask whose derivative is 0.
 * Comparisons (Equal, Greater, ...) inside gradient code are piecewise constant: they get
 * a zero gradient so that the second backward pass can walk through them.
 * tfjs's custom-gradient ops (`tf.logSoftmax`, `tf.logSigmoid`,
 * `tf.losses.softmaxCrossEntropy`) save their output too and cannot be re-registered (their
 * gradient closes over the forward pass); inside this scope they throw with a hint instead
 * of returning a silently wrong number. Use `tf.logSumExp` or `tf.softmax` instead.
 * The registrations are restored on exit (re-entrant), so training gradients are untouched.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SEGMENT_MAX_GRAD } from './kernels/register.ts';

type GradConfig = Parameters<typeof tf.registerGradient>[0];

/** Sums `dx` over the axes along which `shape` was broadcast to dx's shape. */
function unbroadcast(dx: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape as number[], dx.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(dx, axes) : dx, shape as number[]);
}

const zeroGradient = (names: string[]) => (_dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
  Object.fromEntries(names.map((name, k) => [name, () => tf.zeros(saved[k].shape)]));

const COMPARISONS = ['Equal', 'NotEqual', 'Greater', 'Less', 'LessEqual', 'LogicalAnd', 'LogicalOr'];

/** Custom-gradient ops whose saved output breaks second derivatives, by their tape name. */
const UNSUPPORTED_CUSTOM_GRADIENTS: Record<string, string> = {
  logSoftmax__op: 'tf.logSoftmax: use tf.sub(x, tf.logSumExp(x, -1, true))',
  logSigmoid__op: 'tf.logSigmoid: use tf.neg(tf.softplus(tf.neg(x)))',
  softmaxCrossEntropy__op: 'tf.losses.softmaxCrossEntropy: use logSumExp(logits) - logits[label]',
};

function differentiableGradients(): GradConfig[] {
  const configs: GradConfig[] = [
    { kernelName: 'Exp', inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.exp(x)) }) },
    {
      kernelName: 'Tanh',
      inputsToSave: ['x'],
      gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.sub(1, tf.square(tf.tanh(x)))) }),
    },
    {
      kernelName: 'Sigmoid',
      inputsToSave: ['x'],
      gradFunc: (dy, [x]) => ({
        x: () => {
          const s = tf.sigmoid(x);
          return tf.mul(dy as tf.Tensor, tf.mul(s, tf.sub(1, s)));
        },
      }),
    },
    {
      kernelName: 'Softmax',
      inputsToSave: ['logits'],
      gradFunc: (dy, [logits], attrs) => ({
        logits: () => {
          const { dim } = attrs as unknown as { dim: number };
          const y = tf.softmax(logits, dim);
          const dyTimesY = tf.mul(dy as tf.Tensor, y);
          return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [dim], true), y));
        },
      }),
    },
    {
      kernelName: 'Elu',
      inputsToSave: ['x'],
      gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.where(tf.greater(x, 0), tf.onesLike(x), tf.exp(x))) }),
    },
    {
      kernelName: 'Pow',
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, [a, b]) => {
        const exponent = tf.cast(b, 'float32');
        const outShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
        const grad = dy as tf.Tensor;
        return {
          a: () => unbroadcast(tf.mul(grad, tf.mul(exponent, tf.pow(a, tf.sub(exponent, 1)))), a.shape),
          b: () => {
            const logBase = tf.where(tf.greater(a, 0), tf.log(a), tf.zerosLike(a));
            return unbroadcast(tf.mul(tf.broadcastTo(grad, outShape), tf.mul(tf.pow(a, b), logBase)), b.shape);
          },
        };
      },
    },
    // The row scatter that a segment max's gradient uses is linear in dy: its adjoint picks
    // each winning row's cell back out.
    {
      kernelName: SEGMENT_MAX_GRAD,
      inputsToSave: ['argmax'],
      gradFunc: (ddx, [argmax]) => ({
        dy: () => {
          const winners = argmax.dataSync();
          const width = argmax.size / argmax.shape[0];
          // Cell c of a segment picks its winning row's cell; empty segments (-1) pick nothing.
          const index = Int32Array.from(winners, (row, c) => Math.max(row, 0) * width + (c % width));
          const valid = Float32Array.from(winners, (row) => (row >= 0 ? 1 : 0));
          const picked = tf.gather(tf.reshape(ddx as tf.Tensor, [-1]), tf.tensor1d(index, 'int32'));
          return tf.reshape(tf.mul(picked, tf.tensor1d(valid)), argmax.shape);
        },
        argmax: () => tf.zeros(argmax.shape),
      }),
    },
  ];
  for (const kernelName of COMPARISONS) configs.push({ kernelName, inputsToSave: ['a', 'b'], gradFunc: zeroGradient(['a', 'b']) });
  configs.push({ kernelName: 'LogicalNot', inputsToSave: ['x'], gradFunc: zeroGradient(['x']) });
  for (const [kernelName, hint] of Object.entries(UNSUPPORTED_CUSTOM_GRADIENTS)) {
    configs.push({
      kernelName,
      gradFunc: () => {
        throw new Error(`second derivatives through ${hint.split(':')[0]} are wrong in tfjs 4.22 (it saves its output); ${hint.split(': ')[1]}`);
      },
    });
  }
  return configs;
}

let depth = 0;
let displaced: { kernelName: string; previous: GradConfig | undefined }[] = [];

/**
 * Runs `body` with differentiable gradient definitions registered (see the file header);
 * nested calls share one registration. Everything that must be differentiated twice (the
 * forward pass included: tfjs decides what to save when an op runs) belongs inside.
 */
export function withDifferentiableGradients<T>(body: () => T): T {
  if (depth === 0) {
    displaced = differentiableGradients().map((config) => {
      const previous = tf.getGradient(config.kernelName) as GradConfig | undefined;
      tf.registerGradient(config);
      return { kernelName: config.kernelName, previous };
    });
  }
  depth++;
  try {
    return body();
  } finally {
    depth--;
    if (depth === 0) {
      for (const { kernelName, previous } of displaced) {
        if (previous) tf.registerGradient(previous);
        else tf.unregisterGradient(kernelName);
      }
      displaced = [];
    }
  }
}

/** Kernels whose gradients the scope replaces (for docs and tests). */
export const REREGISTERED_KERNELS = ['Exp', 'Tanh', 'Sigmoid', 'Softmax', 'Elu', 'Pow', SEGMENT_MAX_GRAD, ...COMPARISONS, 'LogicalNot'];
