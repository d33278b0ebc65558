import { describe, expect, it } from 'vitest';
import { ThreadSlots } from '../../src/queue/threads.ts';

type Square = { n: number; fail?: boolean; crash?: boolean };
const task = new URL('../util/poolTask.ts', import.meta.url).href;

describe('ThreadSlots', () => {
  it('runs tasks on at most `size` long-lived threads, passes errors on and replaces a crashed thread', { timeout: 60_000 }, async () => {
    const slots = new ThreadSlots<Square, { n2: number; thread: number }>(task, 'square', 2);
    try {
      const results = await Promise.all([1, 2, 3, 4, 5].map((n) => slots.run({ n })));
      expect(results.map((r) => r.n2)).toEqual([1, 4, 9, 16, 25]);
      expect(new Set(results.map((r) => r.thread)).size).toBeLessThanOrEqual(2);
      await expect(slots.run({ n: 6, fail: true })).rejects.toThrow(/cannot square 6/);
      await expect(slots.run({ n: 7, crash: true })).rejects.toThrow(/training thread exited with code 3/);
      const after = await Promise.all([8, 9].map((n) => slots.run({ n })));
      expect(after.map((r) => r.n2)).toEqual([64, 81]);
    } finally {
      await slots.close();
    }
    await expect(slots.run({ n: 1 })).rejects.toThrow(/closed/);
  });
});
