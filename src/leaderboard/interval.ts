/**
 * The interval the leaderboard shows around a mean accuracy: a 95% Wilson score interval over
 * all of a row's test predictions (seeds x test examples). It stays inside [0, 1], unlike a
 * Student-t interval over two or three seeds (t = 12.7 for two), which can span [-0.7, 1.7].
 * It measures the test sets' sampling error only; the seed-to-seed spread is the row's std.
 */
import { wilsonInterval } from '../analysis/stats.ts';

export const INTERVAL_NOTE =
  '95% interval: Wilson score interval of the accuracy over all test predictions of the row (seeds x test examples), the sampling error of the test sets; the spread between seeds is the std.';

export function accuracyInterval(row: { readonly mean: number; readonly seeds: number }, testSize: number): [number, number] {
  const n = row.seeds * testSize;
  return wilsonInterval(Math.round(row.mean * n), n);
}
