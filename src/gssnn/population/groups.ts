/**
 * Cutting a list of jobs into population groups: jobs with equal keys (models that can
 * train together) are grouped in list order, each group holds at most `size` jobs, and when
 * there are fewer groups than worker threads the largest are halved so that every thread
 * gets work. Deterministic: the same jobs always give the same groups.
 */
export function populationGroups<T>(items: readonly T[], keyOf: (item: T) => string, size: number, workers = 1): number[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`population batch must be a positive integer, got ${size}`);
  const byKey = new Map<string, number[]>();
  items.forEach((item, i) => {
    const key = size === 1 ? String(i) : keyOf(item);
    byKey.set(key, [...(byKey.get(key) ?? []), i]);
  });
  const groups: number[][] = [];
  for (const indices of byKey.values()) for (let start = 0; start < indices.length; start += size) groups.push(indices.slice(start, start + size));
  while (groups.length > 0 && groups.length < workers) {
    let largest = 0;
    groups.forEach((g, i) => (g.length > groups[largest].length ? (largest = i) : undefined));
    const group = groups[largest];
    if (group.length < 2) break;
    const half = Math.ceil(group.length / 2);
    groups.splice(largest, 1, group.slice(0, half), group.slice(half));
  }
  return groups;
}
