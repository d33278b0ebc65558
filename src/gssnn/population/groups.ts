/**
 * Cutting a list of jobs into population groups: jobs with equal keys (models that can
 * train together) are grouped in list order, each group holds at most `size` jobs, and with
 * several worker threads no group holds more than an even share of all the jobs, so that no
 * thread trains a large population while the others idle. A key's jobs are cut into chunks
 * of equal size (differing by at most one), and the groups come largest first (costliest
 * first, given each job's estimated cost), so that a pool handing them out in order starts
 * the longest work first. When there are still fewer groups than threads the largest are
 * halved. Deterministic: the same jobs always give the same groups.
 */
export function populationGroups<T>(items: readonly T[], keyOf: (item: T) => string, size: number, workers = 1, costOf?: (item: T) => number): number[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`population batch must be a positive integer, got ${size}`);
  const byKey = new Map<string, number[]>();
  items.forEach((item, i) => {
    const key = size === 1 ? String(i) : keyOf(item);
    byKey.set(key, [...(byKey.get(key) ?? []), i]);
  });
  const cap = workers > 1 ? Math.min(size, Math.ceil(items.length / workers)) : size;
  const groups: number[][] = [];
  for (const indices of byKey.values()) groups.push(...evenChunks(indices, Math.ceil(indices.length / cap)));
  while (groups.length > 0 && groups.length < workers) {
    let largest = 0;
    groups.forEach((g, i) => (g.length > groups[largest].length ? (largest = i) : undefined));
    const group = groups[largest];
    if (group.length < 2) break;
    groups.splice(largest, 1, ...evenChunks(group, 2));
  }
  // Array.prototype.sort is stable: equal sizes (costs) keep list order.
  if (!costOf) return groups.sort((a, b) => b.length - a.length);
  const cost = new Map(groups.map((g) => [g, g.reduce((sum, i) => sum + costOf(items[i]), 0)]));
  return groups.sort((a, b) => cost.get(b)! - cost.get(a)!);
}

/** `items` cut in order into `count` chunks whose lengths differ by at most one (longer first). */
function evenChunks(items: readonly number[], count: number): number[][] {
  const out: number[][] = [];
  let start = 0;
  for (let c = 0; c < count; c++) {
    const length = Math.ceil((items.length - start) / (count - c));
    out.push(items.slice(start, start + length));
    start += length;
  }
  return out;
}
