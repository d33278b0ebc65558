/**
 * Fixed 2D sin-cos codes (as vit-pytorch's `posemb_sincos_2d`): for row r, column c and
 * frequencies omega_k = temperature^(-k/(dim/4 - 1)), the code is
 * [sin(c omega), cos(c omega), sin(r omega), cos(r omega)], each block dim/4 wide.
 */
export function sinCos2d(row: number, col: number, dim: number, temperature = 10000): Float32Array {
  if (dim % 4 !== 0) throw new RangeError(`sin-cos code width must be a multiple of 4, got ${dim}`);
  const quarter = dim / 4;
  const out = new Float32Array(dim);
  for (let k = 0; k < quarter; k++) {
    // With one frequency the original divides by zero; use omega 1 instead of NaN.
    const omega = quarter > 1 ? 1 / temperature ** (k / (quarter - 1)) : 1;
    out[k] = Math.sin(col * omega);
    out[quarter + k] = Math.cos(col * omega);
    out[2 * quarter + k] = Math.sin(row * omega);
    out[3 * quarter + k] = Math.cos(row * omega);
  }
  return out;
}

/** Codes for an `h x w` grid, row-major: `[h * w * dim]`. */
export function sinCos2dGrid(h: number, w: number, dim: number): Float32Array {
  const out = new Float32Array(h * w * dim);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) out.set(sinCos2d(r, c, dim), (r * w + c) * dim);
  return out;
}
