/** "Did you mean" suggestions for misspelled names, by edit distance. */

/** Levenshtein distance: insertions, deletions and substitutions each cost 1. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The `limit` known names closest to `name`, best first (ties by name), leaving out names so
 * far away that they would not help (more than half the longer name's length changed).
 */
export function closestNames(name: string, known: Iterable<string>, limit = 3): string[] {
  const scored: { candidate: string; distance: number }[] = [];
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= Math.max(2, Math.ceil(Math.max(name.length, candidate.length) / 2))) {
      scored.push({ candidate, distance });
    }
  }
  scored.sort((x, y) => x.distance - y.distance || (x.candidate < y.candidate ? -1 : x.candidate > y.candidate ? 1 : 0));
  return scored.slice(0, limit).map((s) => s.candidate);
}
