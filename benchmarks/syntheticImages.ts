/** Uniform-noise images with cycling labels: training throughput does not depend on pixel values. */
import type { Dataset, Split } from '../src/data/dataset.ts';
import { Random } from '../src/util/random.ts';

export function syntheticImages(size: number, trainCount: number, classes: number, generator: string): Dataset {
  const rng = new Random(7);
  const split = (n: number): Split => ({
    x: Float32Array.from({ length: n * size * size }, () => rng.next()),
    y: Int32Array.from({ length: n }, (_, i) => i % classes),
    count: n,
  });
  const empty: Split = { x: new Float32Array(0), y: new Int32Array(0), count: 0 };
  return {
    name: 'synthetic-images',
    description: 'uniform noise images (throughput only)',
    inputShape: [size, size, 1],
    numClasses: classes,
    classNames: Array.from({ length: classes }, (_, i) => String(i)),
    train: split(trainCount),
    validation: empty,
    test: empty,
    labels: { kind: 'real' },
    provenance: { generator, seed: 7 },
  };
}
