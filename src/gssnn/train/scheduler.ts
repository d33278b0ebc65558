/**
 * The learning rate of every step: a linear warm-up over the first `warmupSteps` steps
 * (step s of them runs at s / warmupSteps of the rate) times the rate the plateau schedule
 * keeps, which is stepped with every finished step's loss.
 *
 * Why a warm-up: Adam's first updates have full size on every weight (its bias correction
 * makes step 1 a sign step), and before the second-moment estimates settle they can push a
 * G-SSNN into a state whose output no longer depends on its input, where the loss stays at
 * the label entropy for the rest of the run (measured: docs/models.md, preset `small`).
 */
export class StepSchedule {
  private scheduled: number;
  private readonly plateau: ReduceLrOnPlateau | null;

  constructor(
    base: number,
    readonly warmupSteps: number,
    plateau: PlateauConfig | null,
  ) {
    if (!(Number.isInteger(warmupSteps) && warmupSteps >= 0)) throw new RangeError(`warm-up steps must be a non-negative integer, got ${warmupSteps}`);
    this.scheduled = base;
    this.plateau = plateau ? new ReduceLrOnPlateau(plateau) : null;
  }

  /** The rate for step `step` (1-based). */
  rateAt(step: number): number {
    return step < this.warmupSteps ? (this.scheduled * step) / this.warmupSteps : this.scheduled;
  }

  /** The rate after warm-up, as the plateau schedule has left it. */
  get rate(): number {
    return this.scheduled;
  }

  /** Records the loss of a finished step (the plateau schedule may lower the rate). */
  observe(loss: number): void {
    if (this.plateau) this.scheduled = this.plateau.step(loss, this.scheduled);
  }
}

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
