import { describe, expect, it } from 'vitest';
import { runInWorkers } from '../../src/util/workerPool.ts';

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
