import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderMarkdown } from '../../src/leaderboard/markdown.ts';
import { leaderboardCharts } from '../../src/leaderboard/plots.ts';
import { LEADERBOARD_FILES, readLeaderboard, renderLeaderboard } from '../../src/leaderboard/run.ts';
import { fixtureBoard, fixtureSuite } from './fixtures.ts';

const repo = resolve(import.meta.dirname, '../..');
const committed = join(repo, 'leaderboard');

/** Every rendered file under `dir` (Markdown, schema, plots) with its bytes. */
function renderedFiles(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of [LEADERBOARD_FILES.markdown, LEADERBOARD_FILES.schema]) files.set(name, readFileSync(join(dir, name)));
  for (const name of readdirSync(join(dir, LEADERBOARD_FILES.plots)).sort()) files.set(`plots/${name}`, readFileSync(join(dir, LEADERBOARD_FILES.plots, name)));
  return files;
}

describe('rendering from leaderboard.json', () => {
  it('gives byte-identical Markdown and plots from the same JSON, before and after a disk round trip', async () => {
    // One task keeps the rendering cheap; every chart kind is still drawn.
    const suite = fixtureSuite();
    const board = fixtureBoard(7, { ...suite, tasks: suite.tasks.slice(0, 1) });
    const first = mkdtempSync(join(tmpdir(), 'lb-render-a-'));
    const second = mkdtempSync(join(tmpdir(), 'lb-render-b-'));
    writeFileSync(join(first, LEADERBOARD_FILES.json), JSON.stringify(board, null, 2));
    await renderLeaderboard(board, first);
    await renderLeaderboard(readLeaderboard(first), second);
    const a = renderedFiles(first);
    const b = renderedFiles(second);
    expect([...b.keys()]).toEqual([...a.keys()]);
    // Learning curve, coherence and measures plot per task, each as SVG and PNG.
    expect([...a.keys()].filter((k) => k.startsWith('plots/'))).toHaveLength(3 * 2);
    for (const [name, bytes] of a) expect(b.get(name)!.equals(bytes), name).toBe(true);
  });

  it('puts the base rate on every task table and every plot', () => {
    const board = fixtureBoard();
    const charts = leaderboardCharts(board);
    const markdown = renderMarkdown(board, charts);
    expect(markdown.split('\n').slice(2, 6)).toEqual(['Produced by:', '', '```sh', board.command]);
    for (const task of board.tasks) {
      const section = markdown.slice(markdown.indexOf(`## ${task.name}`));
      expect(section).toMatch(/Base rate \(majority class of the test split\): \*\*55\.0%\*\*/);
      expect(section).toMatch(/\| base rate \| 0\.550 \| 0\.550 \| 0\.550 \| - \|/);
    }
    for (const chart of charts) expect(JSON.stringify(chart.spec), chart.name).toMatch(/base rate 55\.0%/);
    const curve = charts.find((c) => c.name === 'learning-curve-mnist-even-odd')!;
    const layers = (curve.spec as unknown as { layer: { mark: { type: string; strokeDash?: number[] }; data: { values: { baseRate?: number }[] } }[] }).layer;
    expect(layers.find((l) => l.mark.type === 'rule' && l.mark.strokeDash)!.data.values[0].baseRate).toBe(0.55);
  });

  it('shows intervals of accuracy inside [0, 1] even for two seeds (Wilson, not Student t)', () => {
    const board = fixtureBoard();
    const twoSeeds = { ...board, rows: board.rows.map((r) => ({ ...r, seeds: 2, scores: r.scores.slice(0, 2), ci95: [-0.691, 1.691] as [number, number] })) };
    const markdown = renderMarkdown(twoSeeds, leaderboardCharts(twoSeeds));
    const intervals = [...markdown.matchAll(/\| \[(-?[\d.]+), (-?[\d.]+)\] \|/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(intervals.length).toBe(board.rows.length);
    for (const [low, high] of intervals) {
      expect(low).toBeGreaterThanOrEqual(0);
      expect(high).toBeLessThanOrEqual(1);
      expect(high - low).toBeLessThan(0.5);
    }
    expect(markdown).toMatch(/95% interval: Wilson score interval/);
  });

  it('lists the performance benchmarks with their machine and backend', () => {
    const board = fixtureBoard();
    const markdown = renderMarkdown(board, leaderboardCharts(board));
    expect(markdown).toMatch(/\| train \| examples per second \| runs = 3 \| test cpu, 2 cores \| wasm \| v20 \| 2026-01-01 \| under load \|/);
  });

  it.runIf(existsSync(join(committed, LEADERBOARD_FILES.json)))('the committed LEADERBOARD.md and plots are what the committed JSON renders to', async () => {
    const board = readLeaderboard(committed);
    const charts = leaderboardCharts(board);
    expect(readFileSync(join(committed, LEADERBOARD_FILES.markdown), 'utf8')).toBe(renderMarkdown(board, charts));
    expect(readdirSync(join(committed, LEADERBOARD_FILES.plots)).sort()).toEqual(charts.flatMap((c) => [`${c.name}.png`, `${c.name}.svg`]).sort());
    // Rasterising every chart takes long on two cores; the first task's charts stand for the rest.
    const out = mkdtempSync(join(tmpdir(), 'lb-committed-'));
    const firstTask = { ...board, tasks: board.tasks.slice(0, 1) };
    await renderLeaderboard(firstTask, out);
    for (const name of readdirSync(join(out, LEADERBOARD_FILES.plots))) {
      expect(readFileSync(join(out, LEADERBOARD_FILES.plots, name)).equals(readFileSync(join(committed, LEADERBOARD_FILES.plots, name))), name).toBe(true);
    }
  });
});
