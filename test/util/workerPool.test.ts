import { describe, expect, it } from 'vitest';
import { runInWorkers, TaskThreadPool } from '../../src/util/workerPool.ts';

const moduleUrl = new URL('./poolTask.ts', import.meta.url).href;

describe('runInWorkers', () => {
  it('runs every task on worker threads and keeps results by index', async () => {
    const inputs = Array.from({ length: 9 }, (_, n) => ({ n, fail: n === 4, crash: n === 6 }));
    const seen: number[] = [];
    const outcomes = await runInWorkers<(typeof inputs)[number], { n2: number; thread: number }>({
      moduleUrl,
      exportName: 'square',
      inputs,
      workers: 2,
      onOutcome: (o) => void seen.push(o.index),
    });
    expect(seen.sort((a, b) => a - b)).toEqual(inputs.map((_, i) => i));
    outcomes.forEach((o, i) => {
      if (i === 4) expect(o).toMatchObject({ ok: false, error: 'cannot square 4' });
      else if (i === 6) expect(o).toMatchObject({ ok: false, error: expect.stringMatching(/worker exited/) });
      else expect(o).toMatchObject({ ok: true, value: { n2: i * i } });
    });
    const threads = new Set(outcomes.filter((o) => o.ok).map((o) => (o.ok ? o.value.thread : 0)));
    expect(threads.has(0)).toBe(false);
  });
});

describe('TaskThreadPool', () => {
  it('keeps its threads between runs, replaces a crashed one, and refuses to run once closed', async () => {
    const pool = new TaskThreadPool<{ n: number; crash?: boolean }, { n2: number; thread: number }>(moduleUrl, 'square', 2);
    const threadsOf = (outcomes: Awaited<ReturnType<typeof pool.run>>) => new Set(outcomes.map((o) => (o.ok ? o.value.thread : -1)));
    const first = await pool.run([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
    expect(first.map((o) => (o.ok ? o.value.n2 : null))).toEqual([1, 4, 9, 16]);
    const second = await pool.run([{ n: 5 }, { n: 6 }]);
    // Both threads of the second run are threads of the first: none was started again.
    for (const t of threadsOf(second)) expect(threadsOf(first).has(t)).toBe(true);
    const crashed = await pool.run([{ n: 7, crash: true }, { n: 8 }, { n: 9 }]);
    expect(crashed[0]).toMatchObject({ ok: false, error: expect.stringMatching(/worker exited/) });
    expect(crashed.slice(1).map((o) => (o.ok ? o.value.n2 : null))).toEqual([64, 81]);
    await pool.close();
    await expect(pool.run([{ n: 1 }])).rejects.toThrow(/closed/);
  });
});
