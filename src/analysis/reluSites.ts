/**
 * Dead ReLU units of any `Model`, without knowing its layers: while the model runs a
 * forward pass, the ReLU kernel (and matmuls fused with a ReLU) of the active backend is
 * wrapped so that every output it produces is recorded. Each call is one "ReLU site" (a
 * layer's activation, a GINE layer's messages, ...), named by its order and shape. A unit
 * is one position of a site's output other than the batch axis. The dynamic dead-neuron
 * rate of a site is the fraction of zero (example, unit) outputs; a dead unit is zero on
 * every probe example. GELU units (the ViT encoder) are never exactly zero and are not
 * counted. Diagnostics, not guarantees.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../gssnn/models/model.ts';
import type { LabelledBatch } from './loss.ts';

export interface ReluSite {
  /** 1-based order of the ReLU call in one forward pass. */
  readonly site: number;
  /** Output shape with the batch axis first. */
  readonly shape: readonly number[];
  readonly units: number;
  /** Fraction of (example, unit) outputs that are exactly zero. */
  readonly dynamicRate: number;
  /** Fraction of units that are zero on every probe example. */
  readonly deadUnitRate: number;
}

export interface ReluReport {
  readonly examples: number;
  readonly sites: ReluSite[];
  /** Over all sites, weighted by their units; NaN when the model has no ReLU. */
  readonly dynamicRate: number;
}

type KernelConfig = NonNullable<ReturnType<typeof tf.getKernel>>;

/** Runs `forward` and returns the outputs of every ReLU it applied, in call order. */
export function recordReluOutputs(forward: () => void): { shape: number[]; values: Float32Array }[] {
  const backendName = tf.getBackend();
  const recorded: { shape: number[]; values: Float32Array }[] = [];
  const wrapped: KernelConfig[] = [];
  for (const kernelName of ['Relu', '_FusedMatMul']) {
    const original = tf.getKernel(kernelName, backendName);
    if (!original) continue;
    wrapped.push(original);
    tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => {
        const out = original.kernelFunc(args) as tf.TensorInfo;
        const isRelu = kernelName === 'Relu' || (args.attrs as { activation?: string }).activation === 'relu';
        if (isRelu) {
          const values = (args.backend as unknown as { readSync(id: unknown): ArrayLike<number> }).readSync(out.dataId);
          recorded.push({ shape: [...out.shape], values: Float32Array.from(values) });
        }
        return out;
      },
    });
  }
  try {
    forward();
  } finally {
    for (const original of wrapped) {
      tf.unregisterKernel(original.kernelName, backendName);
      tf.registerKernel(original);
    }
  }
  return recorded;
}

/** Dead-neuron rates of every ReLU site of `model` on a probe batch (inference mode). */
export function reluDeadRates(model: Model, probe: LabelledBatch): ReluReport {
  const n = probe.y.shape[0];
  if (n === 0) throw new RangeError('reluDeadRates: the probe set is empty');
  const outputs = recordReluOutputs(() => tf.tidy(() => void model.logits(probe.x, false)));
  const sites = outputs.map(({ shape, values }, k) => {
    const units = values.length / n;
    let zeros = 0;
    let dead = 0;
    for (let u = 0; u < units; u++) {
      let zeroHere = 0;
      for (let b = 0; b < n; b++) if (values[b * units + u] === 0) zeroHere++;
      zeros += zeroHere;
      if (zeroHere === n) dead++;
    }
    return { site: k + 1, shape, units, dynamicRate: zeros / (n * units), deadUnitRate: dead / units };
  });
  const total = sites.reduce((s, site) => s + site.units, 0);
  return { examples: n, sites, dynamicRate: total > 0 ? sites.reduce((s, site) => s + site.dynamicRate * site.units, 0) / total : Number.NaN };
}
