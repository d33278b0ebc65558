/**
 * Dropout multipliers of a population, drawn exactly as each member's own model draws them:
 * `nn/ops.ts`'s `dropout` asks the member's stream for one seed per call and fills a
 * `tf.randomUniform(shape, 0, 1, 'float32', seed)` (seedrandom's alea, one value per cell in
 * row-major order); a cell is kept when its value is below `keep`, and kept cells are
 * multiplied by `1 / keep` in float32. Here the same values land in the member's block of a
 * padded population buffer, so no tensor is made per member. Where the native addon is built,
 * it runs the generators, several side by side (native/openblas/dropout.c: the same bits).
 */
import seedrandom from 'seedrandom';
import type { Random } from '../../util/random.ts';
import { nativeKernels } from '../kernels/openblas.ts';

/** seedrandom's alea generator state (its typings leave it opaque). */
interface AleaState {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

/** The float32 factor a kept cell is multiplied by (tfjs computes mask / keep in float32). */
export function keptScale(rate: number): number {
  return Math.fround(1 / Math.fround(1 - rate));
}

/**
 * One dropout call's place in a buffer: for b < batch, `cells` multipliers from
 * `start + b * rowStride` on, drawn from a generator seeded with `seed`.
 */
export interface DropoutBlock {
  readonly start: number;
  readonly batch: number;
  readonly rowStride: number;
  readonly cells: number;
  readonly seed: string;
}

/**
 * The block of one dropout call of shape `[batch, rows, width]` for member `k` of a padded
 * buffer `[K, batch, rowsMax, width]` (row-major; padding rows are not part of it), seeded
 * from the member's stream `rng` as its own model would seed it.
 */
export function dropoutBlock(
  k: number,
  shape: { readonly batch: number; readonly rows: number; readonly rowsMax: number; readonly width: number },
  rng: Random,
  offset = 0,
): DropoutBlock {
  const { batch, rows, rowsMax, width } = shape;
  return { start: offset + k * batch * rowsMax * width, batch, rowStride: rowsMax * width, cells: rows * width, seed: String(rng.nextUint32()) };
}

/** Fills every block of `out` with the multipliers of dropout at `rate`; other cells are left as they are. */
export function fillDropoutBlocks(out: Float32Array, blocks: readonly DropoutBlock[], rate: number): void {
  const keep = Math.fround(1 - rate);
  const scale = keptScale(rate);
  const native = nativeKernels();
  if (native) {
    const states = new Float64Array(4 * blocks.length);
    const layout = new Float64Array(4 * blocks.length);
    blocks.forEach((block, i) => {
      const { c, s0, s1, s2 } = seedrandom.alea(block.seed, { state: true }).state() as AleaState;
      states.set([c, s0, s1, s2], 4 * i);
      layout.set([block.start, block.batch, block.rowStride, block.cells], 4 * i);
    });
    native.aleaDropout(out, states, layout, keep, scale);
    return;
  }
  for (const { start, batch, rowStride, cells, seed } of blocks) {
    const uniform = seedrandom.alea(seed);
    for (let b = 0; b < batch; b++) {
      let at = start + b * rowStride;
      for (let cell = 0; cell < cells; cell++) out[at++] = Math.fround(uniform()) < keep ? scale : 0;
    }
  }
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
  fillDropoutBlocks(out, [dropoutBlock(k, shape, rng)], rate);
}
