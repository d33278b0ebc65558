/**
 * Exact Hessian-vector products by double backprop: H v = d/dw (grad L(w) . v), with the
 * gradient definitions of secondOrder.ts, which tfjs 4.22 needs for second derivatives of
 * exp, tanh, sigmoid, softmax and elu (issue #3252).
 *
 * Why double backprop and not a forward-mode R-operator over our own layers: it works on
 * any `loss` built from tfjs ops and our registered kernels (whatever a model's layers
 * are), so a model needs no second implementation that could drift from its forward pass;
 * the price is one re-registered gradient per kernel that saves its output, each checked
 * against a float64 reference (test/gssnn/hvp.test.ts). Finite differences of float32
 * gradients are not an option on ReLU networks: any usable step crosses ReLU kinks (they
 * were measured ~100% wrong on random directions); they survive only as a test oracle.
 *
 * Contract: `loss` must be deterministic (no dropout draws) and read the current values of
 * `variables`; `v[k]` has the shape of `variables[k]`. Returns one tensor per variable,
 * owned by the caller; the variables are not modified.
 */
import * as tf from '@tensorflow/tfjs-core';
import { withDifferentiableGradients } from './secondOrder.ts';

export function hessianVectorProduct(loss: () => tf.Scalar, variables: readonly tf.Variable[], v: readonly tf.Tensor[]): tf.Tensor[] {
  if (variables.length !== v.length) {
    throw new RangeError(`hessianVectorProduct: ${variables.length} variables but ${v.length} direction tensors`);
  }
  variables.forEach((variable, k) => {
    if (!tf.util.arraysEqual(variable.shape, v[k].shape)) {
      throw new RangeError(`hessianVectorProduct: direction ${k} has shape [${v[k].shape}], variable has [${variable.shape}]`);
    }
  });
  const list = variables as tf.Variable[];
  return withDifferentiableGradients(() =>
    tf.tidy(() => {
      const directional = () =>
        tf.tidy(() => {
          const { value, grads } = tf.variableGrads(loss, list);
          value.dispose();
          const terms = list.map((variable, k) => {
            const g = grads[variable.name];
            if (!g) throw new Error(`hessianVectorProduct: loss does not depend on variable ${variable.name}`);
            return tf.sum(tf.mul(g, v[k]));
          });
          return tf.addN(terms) as tf.Scalar;
        });
      const { value, grads } = tf.variableGrads(directional, list);
      value.dispose();
      // A variable that enters the loss only linearly has a zero Hessian row.
      return list.map((variable) => grads[variable.name] ?? tf.zerosLike(variable));
    }),
  );
}

/** sqrt(sum of squares) over a list of tensors, as a JS number. */
export function euclideanNorm(tensors: readonly tf.Tensor[]): number {
  return tf.tidy(() => {
    let total = 0;
    for (const t of tensors) total += tf.sum(tf.square(t)).dataSync()[0];
    return Math.sqrt(total);
  });
}
