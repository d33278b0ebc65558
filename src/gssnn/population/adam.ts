/**
 * Adam for a population: every weight is `[K, ...]` (member k's copy in block k), each member
 * has its own step count, learning rate (its plateau schedule) and whether it still trains
 * (a diverged member's weights stay as they were). One kernel per weight replaces the ten of
 * the single-model optimizer, and it computes each value in float32 in the same order as
 * `train/optimizers.ts` (m, then v, then the bias-corrected step), so a member's update is
 * the one its own optimizer makes. Where the native addon is built the loop runs there, with
 * the same float32 operations (kernels/openblas.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { nativeKernels } from '../kernels/openblas.ts';
import { install, runOnArrays, type KernelBackendLike } from '../kernels/register.ts';

export const POPULATION_ADAM = 'PopulationAdam';

interface AdamAttrs {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly members: number;
}

/**
 * param, grad, m, v: `[K, ...]`; factors: `[K, 3]` = (lr / (1 - beta1^t), sqrt(1 - beta2^t),
 * 1 if the member updates this step else 0). Outputs the new param, m and v.
 */
const adamKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { param, grad, m, v, factors } = inputs as Record<'param' | 'grad' | 'm' | 'v' | 'factors', tf.TensorInfo>;
  const { beta1, beta2, eps, members } = attrs as unknown as AdamAttrs;
  const shape = param.shape.slice();
  const out = { shape, dtype: 'float32' as const };
  const fr = Math.fround;
  const constants = Float32Array.of(fr(beta1), fr(1 - beta1), fr(beta2), fr(1 - beta2), fr(eps));
  return runOnArrays(backend as KernelBackendLike, [param, grad, m, v, factors], [out, out, out], (ins, outs) => {
    const [p, g, m0, v0, f] = ins as Float32Array[];
    const [p1, m1, v1] = outs as Float32Array[];
    (nativeKernels()?.adamUpdate ?? adamUpdate)(p, g, m0, v0, f, p1, m1, v1, members, constants);
  });
};

/**
 * The update of every member: arrays are `[members, per]`, `factors` as for the kernel,
 * `constants` = (beta1, 1 - beta1, beta2, 1 - beta2, eps) rounded to float32. Every
 * operation is rounded to float32, as the single-model optimizer computes it.
 */
export function adamUpdate(
  p: Float32Array,
  g: Float32Array,
  m0: Float32Array,
  v0: Float32Array,
  f: Float32Array,
  p1: Float32Array,
  m1: Float32Array,
  v1: Float32Array,
  members: number,
  constants: Float32Array,
): void {
  const fr = Math.fround;
  const [b1, oneMinusB1, b2, oneMinusB2, epsilon] = constants;
  const per = p.length / members;
  for (let k = 0; k < members; k++) {
    const from = k * per;
    const to = from + per;
    if (f[3 * k + 2] === 0) {
      p1.set(p.subarray(from, to), from);
      m1.set(m0.subarray(from, to), from);
      v1.set(v0.subarray(from, to), from);
      continue;
    }
    const stepSize = f[3 * k];
    const sqrtCorrection2 = f[3 * k + 1];
    for (let i = from; i < to; i++) {
      const gi = g[i];
      const mi = fr(fr(m0[i] * b1) + fr(gi * oneMinusB1));
      const vi = fr(fr(v0[i] * b2) + fr(fr(gi * gi) * oneMinusB2));
      const denominator = fr(fr(fr(Math.sqrt(vi)) / sqrtCorrection2) + epsilon);
      m1[i] = mi;
      v1[i] = vi;
      p1[i] = fr(p[i] - fr(fr(mi / denominator) * stepSize));
    }
  }
}

export function registerPopulationKernels(backends: readonly string[] = ['cpu', 'wasm', 'tensorflow']): void {
  for (const backendName of backends) install(POPULATION_ADAM, backendName, adamKernel);
}

export interface AdamSettings {
  readonly lr: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
}

/** Per-member Adam state over a population's weights; `dispose()` frees the moments. */
export class PopulationAdam {
  readonly lr: number[];
  private readonly steps: number[];
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private moments: { m: tf.Variable; v: tf.Variable }[] | null = null;

  constructor(settings: AdamSettings, readonly members: number) {
    registerPopulationKernels();
    this.lr = Array.from({ length: members }, () => settings.lr);
    this.steps = new Array<number>(members).fill(0);
    this.beta1 = settings.beta1 ?? 0.9;
    this.beta2 = settings.beta2 ?? 0.999;
    this.eps = settings.eps ?? 1e-8;
  }

  /** One update of the members flagged in `updates`; the others keep weights and state. */
  apply(variables: readonly tf.Variable[], grads: readonly tf.Tensor[], updates: readonly boolean[]): void {
    this.moments ??= variables.map((w) => ({ m: tf.variable(tf.zerosLike(w), false), v: tf.variable(tf.zerosLike(w), false) }));
    const factors = new Float32Array(3 * this.members);
    for (let k = 0; k < this.members; k++) {
      if (!updates[k]) continue;
      this.steps[k] += 1;
      factors[3 * k] = this.lr[k] / (1 - this.beta1 ** this.steps[k]);
      factors[3 * k + 1] = Math.sqrt(1 - this.beta2 ** this.steps[k]);
      factors[3 * k + 2] = 1;
    }
    const attrs = { beta1: this.beta1, beta2: this.beta2, eps: this.eps, members: this.members };
    tf.tidy(() => {
      const factorTensor = tf.tensor2d(factors, [this.members, 3]);
      variables.forEach((param, i) => {
        const { m, v } = this.moments![i];
        const [p1, m1, v1] = tf.engine().runKernel(POPULATION_ADAM, { param, grad: grads[i], m, v, factors: factorTensor }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        param.assign(p1);
        m.assign(m1);
        v.assign(v1);
      });
    });
  }

  dispose(): void {
    for (const { m, v } of this.moments ?? []) {
      m.dispose();
      v.dispose();
    }
    this.moments = null;
  }
}
