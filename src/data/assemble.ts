/** Turns a labelled pool into the `Dataset` contract: splits, label controls, provenance. */
import type { Dataset, LabelControl, Split } from './dataset.ts';
import { exampleSize, baseRate, classFractions, type LabelledPool } from './pool.ts';
import { splitPool } from './splits.ts';
import { applyLabelControl, resolveLabelControl } from './labelControl.ts';

export interface AssembleRequest {
  readonly name: string;
  readonly description: string;
  readonly classNames: readonly string[];
  readonly pool: LabelledPool;
  readonly seed: number;
  readonly trainSize?: number;
  readonly validationSize: number;
  readonly testSize: number;
  readonly labels?: LabelControl;
  readonly provenance: Record<string, unknown>;
}

function gather(pool: LabelledPool, indices: readonly number[]): Split {
  const size = exampleSize(pool.inputShape);
  const x = new Float32Array(indices.length * size);
  const y = new Int32Array(indices.length);
  indices.forEach((src, i) => {
    const from = src * size;
    for (let k = 0; k < size; k++) x[i * size + k] = pool.pixels[from + k] / 255;
    y[i] = pool.labels[src];
  });
  return { x, y, count: indices.length };
}

/** A short fingerprint of an index list, so provenance pins the split without listing it. */
function fingerprint(indices: readonly number[]): string {
  let h = 0x811c9dc5;
  for (const i of indices) {
    h = Math.imul(h ^ (i & 0xffff), 0x01000193);
    h = Math.imul(h ^ (i >>> 16), 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function assembleDataset(request: AssembleRequest): Dataset {
  const { pool, seed } = request;
  const split = splitPool(pool.labels, pool.numClasses, request, seed);
  const labels = resolveLabelControl(request.labels, seed);
  const train = gather(pool, split.train);
  const trainLabels = applyLabelControl(train.y, split.train, pool.numClasses, labels);
  const test = gather(pool, split.test);
  return {
    name: request.name,
    description: request.description,
    inputShape: pool.inputShape,
    numClasses: pool.numClasses,
    classNames: request.classNames,
    train: { ...train, y: trainLabels },
    validation: gather(pool, split.validation),
    test,
    labels,
    ...(labels.kind === 'real' ? {} : { trueTrainLabels: train.y }),
    provenance: {
      ...request.provenance,
      dataset: request.name,
      seed,
      poolSize: pool.count,
      trainSize: split.train.length,
      trainPoolSize: split.trainPool,
      validationSize: split.validation.length,
      testSize: split.test.length,
      labels,
      split: { train: fingerprint(split.train), validation: fingerprint(split.validation), test: fingerprint(split.test) },
      poolClassFractions: classFractions(pool.labels, pool.numClasses),
      testBaseRate: baseRate(test.y, pool.numClasses),
      trainBaseRate: baseRate(trainLabels, pool.numClasses),
    },
  };
}
