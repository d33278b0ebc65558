/**
 * Common corruptions of image data sets (after Hendrycks & Dietterich's CIFAR-C), at
 * severities 1..5: Gaussian noise, Gaussian blur, contrast reduction, occlusion by a square
 * patch. Images are flat row-major `[h, w, channels]` in [0, 1]; outputs stay in [0, 1].
 * Every random choice (noise, patch position) flows from the seed.
 */
import type { Split } from '../data/dataset.ts';
import { Random } from '../util/random.ts';
import { UserFacingError } from '../util/errors.ts';

export const CORRUPTIONS = ['gaussian-noise', 'blur', 'contrast', 'occlusion'] as const;
export type CorruptionName = (typeof CORRUPTIONS)[number];
export const SEVERITIES = [1, 2, 3, 4, 5] as const;

/** Per severity 1..5. Noise std and contrast factor follow CIFAR-C; blur sigma in pixels. */
const NOISE_STD = [0.08, 0.12, 0.18, 0.26, 0.38];
const BLUR_SIGMA = [0.5, 0.75, 1, 1.5, 2];
const CONTRAST_FACTOR = [0.4, 0.3, 0.2, 0.1, 0.05];
/** Side of the occluding square as a fraction of the image side. */
const OCCLUSION_SIDE = [0.15, 0.25, 0.35, 0.45, 0.55];

export class CorruptionError extends UserFacingError {
  constructor(message: string, hint: string) {
    super(message, { kind: 'usage', hint });
  }
}

export function parseCorruption(name: string): CorruptionName {
  if ((CORRUPTIONS as readonly string[]).includes(name)) return name as CorruptionName;
  throw new CorruptionError(`unknown corruption "${name}"`, `use one of: ${CORRUPTIONS.join(', ')}`);
}

function imageGeometry(inputShape: readonly number[]): { height: number; width: number; channels: number } {
  if (inputShape.length !== 3) throw new CorruptionError(`corruptions need image inputs [h, w, channels], got shape [${inputShape.join(', ')}]`, 'use an image data set (mnist, mnist-0v1, raven, ...)');
  const [height, width, channels] = inputShape;
  return { height, width, channels };
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const k = Float64Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const total = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / total);
}

/** Separable blur of one image in place; borders are clamped (replicated edge pixels). */
function blurImage(image: Float32Array, height: number, width: number, channels: number, kernel: Float64Array): void {
  const radius = (kernel.length - 1) / 2;
  const tmp = new Float32Array(image.length);
  const at = (y: number, x: number, c: number) => (y * width + x) * channels + c;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let k = -radius; k <= radius; k++) s += kernel[k + radius] * image[at(y, Math.min(width - 1, Math.max(0, x + k)), c)];
        tmp[at(y, x, c)] = s;
      }
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) {
        let s = 0;
        for (let k = -radius; k <= radius; k++) s += kernel[k + radius] * tmp[at(Math.min(height - 1, Math.max(0, y + k)), x, c)];
        image[at(y, x, c)] = s;
      }
}

/** One image corrupted in place. */
function corruptImage(image: Float32Array, geometry: ReturnType<typeof imageGeometry>, name: CorruptionName, severity: number, rng: Random): void {
  const { height, width, channels } = geometry;
  const s = severity - 1;
  switch (name) {
    case 'gaussian-noise':
      for (let i = 0; i < image.length; i++) image[i] = clamp01(image[i] + rng.normal(0, NOISE_STD[s]));
      return;
    case 'blur':
      blurImage(image, height, width, channels, gaussianKernel(BLUR_SIGMA[s]));
      return;
    case 'contrast': {
      const mean = image.reduce((a, b) => a + b, 0) / image.length;
      for (let i = 0; i < image.length; i++) image[i] = clamp01((image[i] - mean) * CONTRAST_FACTOR[s] + mean);
      return;
    }
    case 'occlusion': {
      const side = Math.max(1, Math.round(OCCLUSION_SIDE[s] * Math.min(height, width)));
      const top = rng.int(height - side + 1);
      const left = rng.int(width - side + 1);
      for (let y = top; y < top + side; y++) for (let x = left; x < left + side; x++) for (let c = 0; c < channels; c++) image[(y * width + x) * channels + c] = 0;
      return;
    }
  }
}

/** A corrupted copy of a split (labels unchanged). */
export function corruptSplit(split: Split, inputShape: readonly number[], name: CorruptionName, severity: number, seed: number): Split {
  if (!Number.isInteger(severity) || severity < 1 || severity > 5) throw new CorruptionError(`severity must be an integer 1..5, got ${severity}`, 'use --severities 1,3,5 or similar');
  const geometry = imageGeometry(inputShape);
  const size = geometry.height * geometry.width * geometry.channels;
  const x = Float32Array.from(split.x);
  const rng = new Random(seed);
  for (let i = 0; i < split.count; i++) corruptImage(x.subarray(i * size, (i + 1) * size), geometry, name, severity, rng);
  return { x, y: split.y, count: split.count };
}
