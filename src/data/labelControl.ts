/**
 * Label controls for memorisation and robustness experiments: fully random labels or
 * label noise at a rate. Each example's draw is keyed by its pool index (not its position
 * in the split), so nested training subsets keep the same corrupted labels.
 */
import type { LabelControl } from './dataset.ts';
import { Random, deriveSeed } from '../util/random.ts';
import { DataError } from './errors.ts';

export function validateLabelControl(control: LabelControl): void {
  if (control.kind !== 'real' && control.kind !== 'noisy' && control.kind !== 'random') {
    throw new DataError(`unknown label control "${String(control.kind)}"`, 'use one of: real, noisy, random');
  }
  if (control.kind === 'noisy') {
    const rate = control.rate;
    if (rate === undefined || !(rate >= 0 && rate <= 1)) {
      throw new DataError(`label noise rate must be in [0, 1], got ${rate}`, 'pass e.g. --label-noise 0.2');
    }
  }
  if (control.seed !== undefined && (!Number.isInteger(control.seed) || control.seed < 0)) {
    throw new DataError(`label seed must be a non-negative integer, got ${control.seed}`);
  }
}

/** The label control with its seed filled in (from the data set seed when not stated). */
export function resolveLabelControl(control: LabelControl | undefined, datasetSeed: number): LabelControl {
  const base = control ?? { kind: 'real' as const };
  validateLabelControl(base);
  if (base.kind === 'real') return { kind: 'real' };
  const seed = base.seed ?? deriveSeed(datasetSeed, 'labels');
  return base.kind === 'noisy' ? { kind: 'noisy', rate: base.rate, seed } : { kind: 'random', seed };
}

/**
 * The training labels under a control. `poolIndices[i]` names example i in the pool.
 * Noisy labels move to a different class chosen uniformly, so `rate` is the true flip rate.
 */
export function applyLabelControl(
  labels: Int32Array,
  poolIndices: readonly number[],
  numClasses: number,
  control: LabelControl,
): Int32Array {
  if (control.kind === 'real') return labels;
  const seed = control.seed ?? 0;
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const random = new Random(deriveSeed(seed, control.kind, poolIndices[i]));
    if (control.kind === 'random') {
      out[i] = random.int(numClasses);
    } else {
      const flip = random.next() < (control.rate ?? 0);
      const other = (labels[i] + 1 + random.int(numClasses - 1)) % numClasses;
      out[i] = flip ? other : labels[i];
    }
  }
  return out;
}
