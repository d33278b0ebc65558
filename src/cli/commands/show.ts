/**
 * `synth show RUN`: what a search found. Prints the best programs with their graphs'
 * sizes, validation and test scores against the baselines and the base rate, and draws the
 * top graphs (SVG and PNG) into RUN/pictures/.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { fromOriginalJson } from '../../dsl/graphFormats.ts';
import type { ProgramGraph } from '../../dsl/graph.ts';
import { readRecordFile } from '../../synth/runRecords.ts';
import { RunStore, RunStoreError } from '../../synth/runStore.ts';
import { runPaths, type BaselineRecord, type CandidateRecord, type SearchReport } from '../../synth/search.ts';
import { forceLayout } from '../../util/graphLayout.ts';
import { writeChart, type VegaLiteSpec } from '../../util/plot.ts';
import { UserError } from '../errors.ts';
import { parseInteger } from '../options.ts';
import { formatReport } from './search.ts';

export function register(program: Command): void {
  program
    .command('show')
    .description('Summarize a search run: best programs, their graphs, scores vs baselines and the base rate; draw the top graphs')
    .argument('<run>', 'run directory written by `synth search`')
    .option('--top <n>', 'graphs to draw', '3')
    .option('--no-pictures', 'print the summary only')
    .option('--json', 'print the report as JSON')
    .action(async (run: string, flags: { top: string; pictures: boolean; json?: boolean }) => {
      let store: RunStore;
      try {
        store = RunStore.open(run);
      } catch (err) {
        if (err instanceof RunStoreError) throw new UserError(err.message, err.hint);
        throw err;
      }
      let report: SearchReport | undefined;
      try {
        report = readRecordFile<SearchReport>(store, runPaths.report);
      } catch (err) {
        if (err instanceof RunStoreError) throw new UserError(err.message, err.hint);
        throw err;
      }
      if (!report) throw new UserError(`${run} has no report yet: the search has not finished`, `resume it with: synth search --resume --out ${run}`);
      const base = store.readJson<{ baseRate: number | null }>('base-rate.json')?.baseRate ?? null;
      const top = parseInteger('--top', flags.top, 0);
      const drawn: string[] = [];
      if (flags.pictures) {
        for (const [rank, best] of report.best.slice(0, top).entries()) {
          const record = store.readJson<CandidateRecord>(runPaths.candidate(best.id));
          const graph = record && fromOriginalJson(record.graph);
          if (!graph || !graph.ok) continue;
          const title = `#${rank + 1} ${best.id}: validation ${(100 * best.validation).toFixed(1)}%, test ${(100 * best.test).toFixed(1)}%`;
          const files = await writeChart(join(store.dir, 'pictures', `rank-${rank + 1}-${best.id}`), graphSpec(graph.value, title));
          drawn.push(files.png);
        }
      }
      if (flags.json) {
        const baselines = report.baselines.map((b) => ({ ...b, record: store.readJson<BaselineRecord>(runPaths.baseline(b.kind)) ?? null }));
        process.stdout.write(`${JSON.stringify({ ...report, baselines, baseRate: base, pictures: drawn })}\n`);
        return;
      }
      process.stdout.write(formatReport(report, base, store.dir));
      if (drawn.length > 0) process.stdout.write(`Pictures: ${drawn.join(', ')}\n`);
    });
}

/** A node-link drawing of a program's graph as a Vega-Lite layer chart. */
export function graphSpec(graph: ProgramGraph, title: string): VegaLiteSpec {
  const index = new Map(graph.nodes.map((id, i) => [id, i]));
  const pairs = graph.edges.map((e) => [index.get(e.source)!, index.get(e.target)!] as const);
  const points = forceLayout(graph.nodes.length, pairs);
  const nodes = graph.nodes.map((id, i) => ({ id: String(id), x: points[i].x, y: points[i].y }));
  const edges = graph.edges.map((e, i) => ({
    x: points[pairs[i][0]].x,
    y: points[pairs[i][0]].y,
    x2: points[pairs[i][1]].x,
    y2: points[pairs[i][1]].y,
  }));
  const axis = { axis: null, scale: { domain: [-0.1, 1.1] } };
  return {
    title: { text: title, fontSize: 11 },
    width: 320,
    height: 320,
    view: { stroke: null },
    layer: [
      {
        data: { values: edges },
        mark: { type: 'rule', strokeWidth: 2, color: '#888' },
        encoding: { x: { field: 'x', type: 'quantitative', ...axis }, y: { field: 'y', type: 'quantitative', ...axis }, x2: { field: 'x2' }, y2: { field: 'y2' } },
      },
      {
        data: { values: nodes },
        mark: { type: 'circle', size: 500, color: '#4c78a8', opacity: 1 },
        encoding: { x: { field: 'x', type: 'quantitative', ...axis }, y: { field: 'y', type: 'quantitative', ...axis } },
      },
      {
        data: { values: nodes },
        mark: { type: 'text', color: 'white', fontSize: 10 },
        encoding: { x: { field: 'x', type: 'quantitative', ...axis }, y: { field: 'y', type: 'quantitative', ...axis }, text: { field: 'id' } },
      },
    ],
  } as VegaLiteSpec;
}
