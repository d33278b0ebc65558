/**
 * Hessian-vector products that stay correct on tfjs 4.22.
 *
 * Double backprop (tf.grad of tf.grad) is silently wrong there for every op whose gradient
 * reuses the op's output (exp, tanh, sigmoid, softmax, logSoftmax, elu: tfjs issue #3252),
 * so we never differentiate twice. Instead, H v is a central difference of first gradients
 * along v, with Richardson extrapolation:
 *
 *   D(h) = (g(w + h v) - g(w - h v)) / 2h,     H v ~ (4 D(h/2) - D(h)) / 3   (error O(h^4))
 *
 * with the step h scaled so that ||h v|| = relativeStep * max(1, ||w||). Four gradient
 * evaluations per product (two without extrapolation).
 *
 * Contract: `loss` must be deterministic (no dropout draws) and must read the current values
 * of `variables`; `v[k]` has the shape of `variables[k]`. Returns one tensor per variable,
 * owned by the caller. The variables hold their original values again on return (also when
 * `loss` throws).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface HvpOptions {
  /** ||h v|| relative to max(1, ||w||); default 1e-2 with extrapolation, 2e-3 without. */
  relativeStep?: number;
  /** Richardson extrapolation (default true). */
  extrapolate?: boolean;
}

export function hessianVectorProduct(
  loss: () => tf.Scalar,
  variables: tf.Variable[],
  v: tf.Tensor[],
  options: HvpOptions = {},
): tf.Tensor[] {
  if (variables.length !== v.length) {
    throw new RangeError(`hessianVectorProduct: ${variables.length} variables but ${v.length} direction tensors`);
  }
  variables.forEach((variable, k) => {
    if (!tf.util.arraysEqual(variable.shape, v[k].shape)) {
      throw new RangeError(`hessianVectorProduct: direction ${k} has shape [${v[k].shape}], variable has [${variable.shape}]`);
    }
  });
  const extrapolate = options.extrapolate ?? true;
  const relativeStep = options.relativeStep ?? (extrapolate ? 1e-2 : 2e-3);
  const vNorm = euclideanNorm(v);
  if (vNorm === 0) return variables.map((variable) => tf.zerosLike(variable));
  const wNorm = euclideanNorm(variables);
  const h = (relativeStep * Math.max(1, wNorm)) / vNorm;

  const original = variables.map((variable) => tf.keep(tf.clone(variable)));
  try {
    const difference = (step: number): tf.Tensor[] => {
      const plus = gradientAt(loss, variables, original, v, step);
      const minus = gradientAt(loss, variables, original, v, -step);
      const out = plus.map((g, k) => tf.tidy(() => tf.div(tf.sub(g, minus[k]), 2 * step)));
      tf.dispose([...plus, ...minus]);
      return out;
    };
    const coarse = difference(h);
    if (!extrapolate) return coarse;
    const fine = difference(h / 2);
    const out = fine.map((f, k) => tf.tidy(() => tf.div(tf.sub(tf.mul(f, 4), coarse[k]), 3)));
    tf.dispose([...coarse, ...fine]);
    return out;
  } finally {
    variables.forEach((variable, k) => variable.assign(original[k]));
    tf.dispose(original);
  }
}

/** Gradient of `loss` with respect to `variables` at w = original + step * v. */
function gradientAt(
  loss: () => tf.Scalar,
  variables: tf.Variable[],
  original: tf.Tensor[],
  v: tf.Tensor[],
  step: number,
): tf.Tensor[] {
  variables.forEach((variable, k) => {
    const moved = tf.tidy(() => tf.add(original[k], tf.mul(v[k], step)));
    variable.assign(moved);
    moved.dispose(); // the variable now shares its data
  });
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(loss, variables);
    value.dispose();
    return variables.map((variable) => {
      const g = grads[variable.name];
      if (!g) throw new Error(`hessianVectorProduct: loss does not depend on variable ${variable.name}`);
      return g;
    });
  });
}

/** sqrt(sum of squares) over a list of tensors, as a JS number. */
export function euclideanNorm(tensors: readonly tf.Tensor[]): number {
  return tf.tidy(() => {
    let total = 0;
    for (const t of tensors) total += tf.sum(tf.square(t)).dataSync()[0];
    return Math.sqrt(total);
  });
}
