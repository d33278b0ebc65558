/** How much of a reference set of graphs (up to isomorphism) a search reached. */
import { GraphCatalog, type SimpleGraph } from './isomorphism.ts';

export interface Coverage {
  readonly covered: number;
  readonly total: number;
  readonly fraction: number;
  /** Per vertex count: [covered, total]. */
  readonly byOrder: Readonly<Record<number, readonly [number, number]>>;
}

export function coverageOf(found: Iterable<SimpleGraph>, reference: readonly SimpleGraph[]): Coverage {
  const catalog = new GraphCatalog<{ hit: boolean; order: number }>();
  for (const g of reference) catalog.add(g, { hit: false, order: g.order });
  for (const g of found) {
    const entry = catalog.find(g);
    if (entry) entry.payload.hit = true;
  }
  const byOrder: Record<number, [number, number]> = {};
  let covered = 0;
  for (const e of catalog.entries()) {
    const row = (byOrder[e.payload.order] ??= [0, 0]);
    row[1]++;
    if (e.payload.hit) {
      row[0]++;
      covered++;
    }
  }
  return { covered, total: catalog.size, fraction: catalog.size ? covered / catalog.size : 0, byOrder };
}
