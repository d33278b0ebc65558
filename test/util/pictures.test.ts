/**
 * Every kind of picture the toolkit writes, rendered from real or representative data and
 * checked to show something besides a title: graph pictures, data previews, the analysis
 * report charts (robustness, geometry, ensemble, difficulty, structure), the leaderboard's
 * charts and the data-efficiency benchmark's chart. A too-small run must leave a chart out
 * (and say why) rather than write a title-only image.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { dataEfficiencyChart, type CurvePoint } from '../../benchmarks/charts.ts';
import { writeModelReport, writeStructureReport, type ModelReportInput } from '../../src/analysis/report.ts';
import type { StructureReport } from '../../src/analysis/structure.ts';
import { graphPictureSpec } from '../../src/cli/graphPicture.ts';
import { renderPreview } from '../../src/data/preview.ts';
import { fromOriginalJson } from '../../src/dsl/graphFormats.ts';
import { leaderboardCharts } from '../../src/leaderboard/plots.ts';
import { readLeaderboard } from '../../src/leaderboard/run.ts';
import { renderChart, type VegaLiteSpec } from '../../src/util/plot.ts';
import { repoRoot } from '../helpers/cli.ts';

/** What a PNG shows: its size and the pixels of clearly coloured ink (marks, not black text). */
function ink(png: Uint8Array): { width: number; height: number; coloured: number; colouredLowerHalf: number } {
  const image = PNG.sync.read(Buffer.from(png));
  let coloured = 0;
  let colouredLowerHalf = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const at = (y * image.width + x) * 4;
      const [r, g, b] = [image.data[at], image.data[at + 1], image.data[at + 2]];
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) {
        coloured++;
        if (y >= image.height / 2) colouredLowerHalf++;
      }
    }
  }
  return { width: image.width, height: image.height, coloured, colouredLowerHalf };
}

function expectDrawn(png: Uint8Array, name: string): void {
  const seen = ink(png);
  expect(seen.height, `${name}: a title-only image is a strip`).toBeGreaterThan(150);
  expect(seen.coloured, `${name}: no coloured marks`).toBeGreaterThan(300);
  expect(seen.colouredLowerHalf, `${name}: nothing drawn below the title`).toBeGreaterThan(50);
}

const readJson = <T,>(path: string): T => JSON.parse(readFileSync(join(repoRoot, path), 'utf8')) as T;

describe('pictures show their data, not just a title', () => {
  it('the check itself rejects a title-only chart', async () => {
    const titleOnly = { title: 'Spearman rho with 95% bootstrap intervals', data: { values: [] }, facet: { field: 'score', type: 'nominal' }, spec: { mark: 'point', encoding: { x: { field: 'rho', type: 'quantitative' } } } } as unknown as VegaLiteSpec;
    const { png } = await renderChart(titleOnly);
    expect(ink(png).coloured).toBeLessThan(300);
  });

  it('graph pictures: a 16-node program and a one-node one', async () => {
    const record = readJson<{ program: string; output: unknown }>('reference/gssnn-original/programs/discards-50531ed60aca58ab684db014aa54850b.json');
    const graph = fromOriginalJson(record.output as never);
    expect(graph.ok).toBe(true);
    const text = { title: '#1 abc', lines: ['base rate (majority class): validation 58.0%, test 57.5%'], program: record.program };
    expectDrawn((await renderChart(graphPictureSpec(graph.ok ? graph.value : (null as never), text))).png, 'graph');
    const single = { nodes: [0], edges: [], nextId: 1, maxConn: 10 };
    expectDrawn((await renderChart(graphPictureSpec(single, { ...text, program: '(lam $0)' }))).png, 'one-node graph');
  });

  it('data previews: labelled examples with their legend, flipped labels marked', () => {
    const [h, w] = [12, 12];
    const count = 6;
    const x = Float32Array.from({ length: count * h * w }, (_, i) => ((i * 7) % 11) / 10);
    const y = Int32Array.from({ length: count }, (_, i) => i % 2);
    const trueLabels = Int32Array.from(y, (label, i) => (i === 3 ? 1 - label : label));
    const png = renderPreview({
      split: { x, y, count },
      inputShape: [h, w, 1],
      classNames: ['no', 'yes'],
      indices: [0, 1, 2, 3, 4, 5],
      legend: ['toy: a test set', 'train split: 6 of 6 examples; base rate 50.0%'],
      classFractions: [0.5, 0.5],
      trueLabels,
    });
    expectDrawn(png, 'preview');
    // The legend sits above the tiles: the first rows hold black legend text.
    const image = PNG.sync.read(png);
    const firstRow = Array.from({ length: image.width }, (_, i) => image.data[(8 * image.width + i) * 4]);
    expect(firstRow.some((v) => v === 0)).toBe(true);
  });

  it('analysis reports: every chart of the committed reports, redrawn from their JSON', { timeout: 120_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'pictures-'));
    const model = readJson<ModelReportInput>('reports/analysis/mnist-mlp/report.json');
    const structure = readJson<StructureReport>('reports/analysis/search-mnist-0v1/report.json');
    const files = [
      ...(await writeModelReport(join(out, 'model'), model)),
      ...(await writeStructureReport(join(out, 'structure'), structure, { runDir: 'run', command: 'synth analyze run --report', validationBaseRate: 0.53 })),
    ].filter((f) => f.endsWith('.png'));
    expect(files.map((f) => f.split('/').pop()).sort()).toEqual(['difficulty.png', 'ensemble.png', 'geometry.png', 'robustness.png', 'structure-correlations.png', 'structure-scatter.png']);
    for (const file of files) expectDrawn(readFileSync(file), file);
  });

  it('a structure report of too few candidates leaves the correlation chart out and says why', { timeout: 60_000 }, async () => {
    const structure = readJson<StructureReport>('reports/analysis/search-mnist-0v1/report.json');
    const small: StructureReport = { ...structure, candidates: structure.candidates.slice(0, 2), correlations: structure.correlations.map((c) => ({ ...c, validation: { ...c.validation, rho: Number.NaN }, test: { ...c.test, rho: Number.NaN } })) };
    const out = mkdtempSync(join(tmpdir(), 'pictures-small-'));
    await writeStructureReport(out, small, { runDir: 'run', command: 'synth analyze run --report' });
    expect(existsSync(join(out, 'structure-correlations.png'))).toBe(false);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/No rank correlation could be computed from 2 candidate\(s\)/);
    for (const file of readdirSync(out).filter((f) => f.endsWith('.png'))) expectDrawn(readFileSync(join(out, file)), file);
  });

  it("the leaderboard's charts and the data-efficiency benchmark's chart", { timeout: 120_000 }, async () => {
    const board = readLeaderboard(join(repoRoot, 'leaderboard'));
    const firstTask = board.tasks[0].name;
    for (const chart of leaderboardCharts(board).filter((c) => c.name.endsWith(firstTask))) expectDrawn((await renderChart(chart.spec)).png, chart.name);
    const bench = readJson<{ summary: Record<string, { curve: CurvePoint[] }>; setup: { seeds: number[] } }>('benchmarks/results/analysis-data-efficiency.json');
    const curves = Object.fromEntries(Object.entries(bench.summary).map(([m, s]) => [m, s.curve]));
    expectDrawn((await renderChart(dataEfficiencyChart(curves, bench.setup.seeds.length))).png, 'data efficiency');
  });
});
