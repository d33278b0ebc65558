/**
 * Data staged for a population: each split is turned once, before training, into the rows
 * its encoder reads (images: pixels to [-1, 1] and pixel-unshuffled into tokens, exactly as
 * the ViT encoder's first ops do; vectors: as they are), so that a training step only copies
 * rows into one buffer and uploads it as one tensor.
 */
import type { Split } from '../../data/dataset.ts';
import type { EncoderConfig } from '../encoders/index.ts';

export interface StagedSplit {
  /** `count * rowSize` values in the encoder's input layout. */
  readonly values: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
  readonly rowSize: number;
}

/** The split in the layout the encoder reads (one copy for the whole training run). */
export function stageSplit(split: Split, encoder: EncoderConfig): StagedSplit {
  if (encoder.kind === 'mlp') return { values: split.x, labels: split.y, count: split.count, rowSize: encoder.inputDim };
  const { inputSize, downsampledSize: s, channels } = encoder;
  const r = inputSize / s;
  const rowSize = inputSize * inputSize * channels;
  const values = new Float32Array(split.count * rowSize);
  for (let e = 0; e < split.count; e++) {
    const image = e * rowSize;
    let at = image;
    // Token (i, j) holds the r x r patch at rows i*r.., columns j*r.., as (dy, dx, channel).
    for (let i = 0; i < s; i++) {
      for (let j = 0; j < s; j++) {
        for (let dy = 0; dy < r; dy++) {
          const row = image + ((i * r + dy) * inputSize + j * r) * channels;
          for (let c = 0; c < r * channels; c++) values[at++] = Math.fround(Math.fround(split.x[row + c] * 2) - 1);
        }
      }
    }
  }
  return { values, labels: split.y, count: split.count, rowSize };
}

/** Copies the rows `indices[k]` of member k's staged split into block k of `out` (`[K, batch, rowSize]`). */
export function gatherRowsOfMembers(splits: readonly StagedSplit[], indices: readonly Int32Array[], out: Float32Array): void {
  splits.forEach((split, k) => {
    const batch = indices[k].length;
    const size = split.rowSize;
    indices[k].forEach((row, b) => out.set(split.values.subarray(row * size, (row + 1) * size), (k * batch + b) * size));
  });
}

/** One-hot targets `[K, batch, classes]` of the same rows. */
export function oneHotOfMembers(splits: readonly StagedSplit[], indices: readonly Int32Array[], classes: number): Float32Array {
  const batch = indices[0].length;
  const out = new Float32Array(splits.length * batch * classes);
  splits.forEach((split, k) => indices[k].forEach((row, b) => (out[(k * batch + b) * classes + split.labels[row]] = 1)));
  return out;
}
