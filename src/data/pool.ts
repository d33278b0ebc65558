/**
 * A labelled pool: every example a data set can draw its splits from. Images are kept as
 * bytes (0..255) so a pool of thousands stays small; splits convert to float32 in [0, 1].
 */
export interface LabelledPool {
  /** `count * exampleSize` bytes, row-major `[h, w, channels]` per example. */
  readonly pixels: Uint8Array;
  readonly labels: Int32Array;
  readonly count: number;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
}

/** Numbers per example of this shape (the product of its sides). */
export function exampleSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Fraction of each class in a label array (length `numClasses`). */
export function classFractions(labels: ArrayLike<number>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts.map((c) => (labels.length === 0 ? 0 : c / labels.length));
}

/** Majority-class accuracy: what a model that ignores its input scores. */
export function baseRate(labels: ArrayLike<number>, numClasses: number): number {
  return Math.max(0, ...classFractions(labels, numClasses));
}
