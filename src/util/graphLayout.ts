/**
 * A deterministic force-directed layout (Fruchterman-Reingold) for drawing small graphs:
 * nodes start on a circle (no randomness), repel each other and are pulled along edges;
 * the result is scaled into the unit square.
 */
export interface Point {
  readonly x: number;
  readonly y: number;
}

export function forceLayout(nodeCount: number, edges: readonly (readonly [number, number])[], iterations = 300): Point[] {
  if (nodeCount === 0) return [];
  if (nodeCount === 1) return [{ x: 0.5, y: 0.5 }];
  const x = Float64Array.from({ length: nodeCount }, (_, i) => Math.cos((2 * Math.PI * i) / nodeCount));
  const y = Float64Array.from({ length: nodeCount }, (_, i) => Math.sin((2 * Math.PI * i) / nodeCount));
  const k = Math.sqrt(4 / nodeCount);
  let temperature = 0.2;
  const dx = new Float64Array(nodeCount);
  const dy = new Float64Array(nodeCount);
  for (let it = 0; it < iterations; it++) {
    dx.fill(0);
    dy.fill(0);
    for (let i = 0; i < nodeCount; i++) {
      for (let j = i + 1; j < nodeCount; j++) {
        const ex = x[i] - x[j];
        const ey = y[i] - y[j];
        const d2 = Math.max(ex * ex + ey * ey, 1e-9);
        const f = (k * k) / d2;
        dx[i] += ex * f;
        dy[i] += ey * f;
        dx[j] -= ex * f;
        dy[j] -= ey * f;
      }
    }
    for (const [a, b] of edges) {
      if (a === b) continue;
      const ex = x[a] - x[b];
      const ey = y[a] - y[b];
      const d = Math.max(Math.sqrt(ex * ex + ey * ey), 1e-9);
      const f = d / k;
      dx[a] -= ex * f;
      dy[a] -= ey * f;
      dx[b] += ex * f;
      dy[b] += ey * f;
    }
    for (let i = 0; i < nodeCount; i++) {
      const len = Math.max(Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]), 1e-9);
      const step = Math.min(len, temperature);
      x[i] += (dx[i] / len) * step;
      y[i] += (dy[i] / len) * step;
    }
    temperature = Math.max(0.002, temperature * 0.98);
  }
  const [minX, maxX] = [Math.min(...x), Math.max(...x)];
  const [minY, maxY] = [Math.min(...y), Math.max(...y)];
  const span = Math.max(maxX - minX, maxY - minY, 1e-9);
  // Centred in the unit square, aspect ratio kept.
  const offX = (1 - (maxX - minX) / span) / 2;
  const offY = (1 - (maxY - minY) / span) / 2;
  return Array.from({ length: nodeCount }, (_, i) => ({ x: offX + (x[i] - minX) / span, y: offY + (y[i] - minY) / span }));
}
