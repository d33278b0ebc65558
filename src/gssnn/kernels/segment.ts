/**
 * Segment reductions on plain typed arrays: the arithmetic behind our registered kernels,
 * shared by every backend and usable as a reference in tests.
 *
 * Layout: `x` is row-major `[rows, width]` (width = product of the trailing dims);
 * `segmentIds[r]` names the output row that input row r goes to. Ids outside
 * `[0, numSegments)` are dropped, as in TensorFlow. Every function runs in
 * O(rows x width + numSegments x width).
 */

/** out[s, :] = sum of x[r, :] over rows r with segmentIds[r] = s. */
export function segmentSumInto(
  x: ArrayLike<number>,
  segmentIds: ArrayLike<number>,
  width: number,
  numSegments: number,
  out: Float32Array,
): Float32Array {
  out.fill(0);
  const rows = segmentIds.length;
  for (let r = 0; r < rows; r++) {
    const s = segmentIds[r];
    if (s < 0 || s >= numSegments) continue;
    const from = r * width;
    const to = s * width;
    for (let k = 0; k < width; k++) out[to + k] += x[from + k];
  }
  return out;
}

/**
 * out[s, k] = max of x[r, k] over rows r in segment s (0 for an empty segment), and
 * argmax[s, k] = the first row attaining it (-1 for an empty segment).
 */
export function segmentMaxInto(
  x: ArrayLike<number>,
  segmentIds: ArrayLike<number>,
  width: number,
  numSegments: number,
  out: Float32Array,
  argmax: Int32Array,
): void {
  argmax.fill(-1);
  out.fill(0);
  const rows = segmentIds.length;
  for (let r = 0; r < rows; r++) {
    const s = segmentIds[r];
    if (s < 0 || s >= numSegments) continue;
    const from = r * width;
    const to = s * width;
    for (let k = 0; k < width; k++) {
      const value = x[from + k];
      if (argmax[to + k] < 0 || value > out[to + k]) {
        out[to + k] = value;
        argmax[to + k] = r;
      }
    }
  }
}

/** dx[r, k] = dy[s, k] where argmax[s, k] = r: the gradient of a segment max. */
export function segmentMaxGradInto(
  dy: ArrayLike<number>,
  argmax: ArrayLike<number>,
  width: number,
  out: Float32Array,
): Float32Array {
  out.fill(0);
  const cells = argmax.length;
  for (let c = 0; c < cells; c++) {
    const r = argmax[c];
    if (r < 0) continue;
    out[r * width + (c % width)] += dy[c];
  }
  return out;
}

/** Number of rows in each segment (ids out of range are ignored). */
export function segmentCounts(segmentIds: ArrayLike<number>, numSegments: number): Float32Array {
  const counts = new Float32Array(numSegments);
  for (let r = 0; r < segmentIds.length; r++) {
    const s = segmentIds[r];
    if (s >= 0 && s < numSegments) counts[s] += 1;
  }
  return counts;
}

/**
 * Row gather along one axis: x is `[outer, rows, inner]`, out is `[outer, ids.length, inner]`
 * with out[o, m, :] = x[o, ids[m], :]. One contiguous copy per output row.
 */
export function gatherRowsInto(
  x: Float32Array,
  ids: ArrayLike<number>,
  outer: number,
  rows: number,
  inner: number,
  out: Float32Array,
): Float32Array {
  const m = ids.length;
  let to = 0;
  for (let o = 0; o < outer; o++) {
    const base = o * rows * inner;
    for (let k = 0; k < m; k++) {
      const from = base + ids[k] * inner;
      // A plain loop beats subarray().set() for the short rows of message passing.
      for (let c = 0; c < inner; c++) out[to++] = x[from + c];
    }
  }
  return out;
}

/** The adjoint of `gatherRowsInto`: out[o, ids[m], :] += dy[o, m, :]; out is `[outer, rows, inner]`. */
export function scatterRowsInto(
  dy: ArrayLike<number>,
  ids: ArrayLike<number>,
  outer: number,
  rows: number,
  inner: number,
  out: Float32Array,
): Float32Array {
  out.fill(0);
  const m = ids.length;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < m; k++) {
      const to = (o * rows + ids[k]) * inner;
      const from = (o * m + k) * inner;
      for (let c = 0; c < inner; c++) out[to + c] += dy[from + c];
    }
  }
  return out;
}
