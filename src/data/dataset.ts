/**
 * The data contract between `src/data` (which makes data sets) and the trainer and
 * analysis layers (which consume them). Examples are stored flat, row-major, as
 * float32 in [0, 1] for images; labels are class indices.
 */
export interface LabelControl {
  /** `real` labels, `noisy` (each label replaced with probability `rate`), or fully `random`. */
  readonly kind: 'real' | 'noisy' | 'random';
  readonly rate?: number;
  readonly seed?: number;
}

export interface Split {
  /** `count * prod(inputShape)` values. */
  readonly x: Float32Array;
  /** `count` class indices in `[0, numClasses)`. */
  readonly y: Int32Array;
  readonly count: number;
}

export interface Dataset {
  /** The name used on the CLI (`--data raven`, `--data mnist`, ...). */
  readonly name: string;
  readonly description: string;
  /** Shape of one example: `[h, w, channels]` for images, `[features]` for vectors. */
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly classNames: readonly string[];
  readonly train: Split;
  readonly validation: Split;
  readonly test: Split;
  /** What the training labels are: real, noisy or random (recorded with every result). */
  readonly labels: LabelControl;
  /** The training labels before a noisy or random label control (absent for real labels). */
  readonly trueTrainLabels?: Int32Array;
  /** Everything needed to make this exact data set again. */
  readonly provenance: Readonly<Record<string, unknown>>;
}
