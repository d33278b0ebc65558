/**
 * Dropout multipliers of a population, drawn exactly as each member's own model draws them:
 * `nn/ops.ts`'s `dropout` asks the member's stream for one seed per call and fills a
 * `tf.randomUniform(shape, 0, 1, 'float32', seed)` (seedrandom's alea, one value per cell in
 * row-major order); a cell is kept when its value is below `keep`, and kept cells are
 * multiplied by `1 / keep` in float32. Here the same values land in the member's block of a
 * padded population buffer, so no tensor is made per member.
 */
import seedrandom from 'seedrandom';
import type { Random } from '../../util/random.ts';

/** The float32 factor a kept cell is multiplied by (tfjs computes mask / keep in float32). */
export function keptScale(rate: number): number {
  return Math.fround(1 / Math.fround(1 - rate));
}

/**
 * Fills member `k`'s block of `out` (`[K, batch, rowsMax, width]`, row-major) with the
 * multipliers of one dropout call of shape `[batch, rows, width]`; padding rows are left as they are.
 */
export function fillDropoutBlock(
  out: Float32Array,
  k: number,
  shape: { readonly batch: number; readonly rows: number; readonly rowsMax: number; readonly width: number },
  rate: number,
  rng: Random,
): void {
  const { batch, rows, rowsMax, width } = shape;
  const keep = Math.fround(1 - rate);
  const scale = keptScale(rate);
  const uniform = seedrandom.alea(String(rng.nextUint32()));
  for (let b = 0; b < batch; b++) {
    let at = ((k * batch + b) * rowsMax) * width;
    for (let cell = 0; cell < rows * width; cell++) out[at++] = Math.fround(uniform()) < keep ? scale : 0;
  }
}
