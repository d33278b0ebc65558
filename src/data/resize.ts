/** Grayscale image resampling (bilinear, pixel centres aligned), for --image-size on fixed-size sources. */
export function resizeGray(src: Uint8Array, srcSize: number, dstSize: number): Uint8Array {
  if (srcSize === dstSize) return src.slice();
  const dst = new Uint8Array(dstSize * dstSize);
  const scale = srcSize / dstSize;
  // Shrinking by more than 2x averages a box first so thin strokes do not vanish.
  const radius = Math.max(0, Math.floor(scale / 2));
  const sample = (r: number, c: number): number => {
    if (radius === 0) return src[r * srcSize + c];
    let sum = 0;
    let n = 0;
    for (let dr = -radius; dr <= radius; dr++) {
      for (let dc = -radius; dc <= radius; dc++) {
        const rr = r + dr;
        const cc = c + dc;
        if (rr < 0 || cc < 0 || rr >= srcSize || cc >= srcSize) continue;
        sum += src[rr * srcSize + cc];
        n++;
      }
    }
    return sum / n;
  };
  for (let y = 0; y < dstSize; y++) {
    const sy = Math.min(srcSize - 1, Math.max(0, (y + 0.5) * scale - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(srcSize - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < dstSize; x++) {
      const sx = Math.min(srcSize - 1, Math.max(0, (x + 0.5) * scale - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(srcSize - 1, x0 + 1);
      const fx = sx - x0;
      const top = sample(y0, x0) * (1 - fx) + sample(y0, x1) * fx;
      const bottom = sample(y1, x0) * (1 - fx) + sample(y1, x1) * fx;
      dst[y * dstSize + x] = Math.round(top * (1 - fy) + bottom * fy);
    }
  }
  return dst;
}
