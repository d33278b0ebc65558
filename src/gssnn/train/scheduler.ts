/**
 * ReduceLROnPlateau with PyTorch's semantics (mode `min`, relative threshold): a value counts
 * as better when it is below `best * (1 - threshold)`; after more than `patience` steps
 * without improvement the rate is multiplied by `factor` (not below `minLr`), then
 * `cooldown` steps pass before bad steps are counted again. The original stepped it with
 * every batch's loss.
 */
export interface PlateauConfig {
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly cooldown: number;
  readonly minLr?: number;
}

export class ReduceLrOnPlateau {
  private best = Infinity;
  private badSteps = 0;
  private cooldownLeft = 0;

  constructor(readonly config: PlateauConfig) {
    if (!(config.factor > 0 && config.factor < 1)) throw new RangeError(`plateau factor must be in (0, 1), got ${config.factor}`);
  }

  /** Records one value and returns the learning rate to use next. */
  step(value: number, lr: number): number {
    if (value < this.best * (1 - this.config.threshold)) {
      this.best = value;
      this.badSteps = 0;
    } else {
      this.badSteps += 1;
    }
    if (this.cooldownLeft > 0) {
      this.cooldownLeft -= 1;
      this.badSteps = 0;
    }
    if (this.badSteps > this.config.patience) {
      const reduced = Math.max(lr * this.config.factor, this.config.minLr ?? 0);
      this.cooldownLeft = this.config.cooldown;
      this.badSteps = 0;
      // PyTorch ignores reductions smaller than 1e-8.
      if (lr - reduced > 1e-8) return reduced;
    }
    return lr;
  }
}
