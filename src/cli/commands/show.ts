/**
 * `synth show RUN`: what a search found. Prints the best programs in Stitch form with their
 * graphs' sizes, validation and test scores beside the base rate and the baselines, the
 * learned inventions with their bodies, and draws the top graphs (SVG and PNG) into
 * RUN/pictures/ or --pictures-dir. A read-only run is shown without touching it.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { fromOriginalJson } from '../../dsl/graphFormats.ts';
import { readRecordFile } from '../../synth/runRecords.ts';
import { RunStore } from '../../synth/runStore.ts';
import { runPaths, type BaselineRecord, type CandidateRecord, type PopulationSearchReport } from '../../synth/search.ts';
import { writeChart } from '../../util/plot.ts';
import { UserError } from '../errors.ts';
import { graphPictureSpec } from '../graphPicture.ts';
import { parseInteger } from '../options.ts';
import { directoryWriteProblem, requireWritableDirectory } from '../outputs.ts';
import { formatSearchSummary, readSearchSummary, type SearchSummary } from '../searchSummary.ts';

interface ShowFlags {
  top: string;
  pictures: boolean;
  picturesDir?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('show')
    .description('Summarize a search run: best programs, their graphs, scores vs baselines and the base rate, learned inventions; draw the top graphs')
    .argument('<run>', 'run directory written by `synth search`')
    .option('--top <n>', 'graphs to draw', '3')
    .option('--no-pictures', 'print the summary only')
    .option('--pictures-dir <dir>', 'where to draw the graphs (default: RUN/pictures; a read-only run is shown without pictures unless this is given)')
    .option('--json', 'print the report as JSON')
    .action(async (run: string, flags: ShowFlags) => {
      const store = RunStore.open(run);
      const report = readRecordFile<PopulationSearchReport>(store, runPaths.report);
      if (!report) throw new UserError(`${run} has no report yet: the search has not finished`, `resume it with: synth search --resume --out ${run}`);
      const top = parseInteger('--top', flags.top, 0);
      const summary = readSearchSummary(store, report);
      let picturesDir: string | null = null;
      if (flags.pictures && top > 0) {
        if (flags.picturesDir !== undefined) {
          requireWritableDirectory(flags.picturesDir, '--pictures-dir');
          picturesDir = flags.picturesDir;
        } else if (directoryWriteProblem(store.dir) === null) {
          picturesDir = join(store.dir, 'pictures');
        } else {
          process.stderr.write(`note: ${run} is not writable, so no pictures were drawn; pass --pictures-dir DIR to draw them elsewhere\n`);
        }
      }
      const drawn = picturesDir === null ? [] : await drawTopGraphs(store, summary, top, picturesDir);
      if (flags.json) {
        const baselines = report.baselines.map((b) => ({ ...b, record: store.readJson<BaselineRecord>(runPaths.baseline(b.kind)) ?? null }));
        process.stdout.write(
          `${JSON.stringify({
            ...report,
            baselines,
            baseRate: summary.rates?.baseRate ?? null,
            baseRates: summary.rates?.splits ?? null,
            assessment: summary.assessment,
            stitchPrograms: Object.fromEntries(report.best.map((b) => [b.id, summary.stitch.get(b.id) ?? null])),
            inventionBodies: summary.inventions,
            pictures: drawn,
          })}\n`,
        );
        return;
      }
      process.stdout.write(formatSearchSummary(summary, run));
      if (drawn.length > 0) process.stdout.write(`Pictures: ${drawn.join(', ')}\n`);
    });
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');

/** The inventions a Stitch-form program names, so that the picture can define them. */
function inventionsUsed(program: string, summary: SearchSummary): SearchSummary['inventions'] {
  const tokens = new Set(program.split(/[\s()]+/));
  return summary.inventions.filter((inv) => tokens.has(inv.name));
}

async function drawTopGraphs(store: RunStore, summary: SearchSummary, top: number, dir: string): Promise<string[]> {
  const { report, rates } = summary;
  const test = rates?.splits?.test?.baseRate ?? rates?.baseRate ?? null;
  const validation = rates?.splits?.validation?.baseRate ?? null;
  const baselines = report.baselines.filter((b) => Number.isFinite(b.test));
  const bestBaseline = baselines.length > 0 ? baselines.reduce((a, b) => (b.validation > a.validation ? b : a)) : null;
  const context = [
    `base rate (majority class): validation ${validation === null ? 'n/a' : pct(validation)}, test ${test === null ? 'n/a' : pct(test)}`,
    bestBaseline ? `best baseline by validation: ${bestBaseline.kind}, validation ${pct(bestBaseline.validation)}, test ${pct(bestBaseline.test)}` : 'no baseline was trained',
  ];
  const drawn: string[] = [];
  for (const [rank, best] of report.best.slice(0, top).entries()) {
    const record = store.readJson<CandidateRecord>(runPaths.candidate(best.id));
    const graph = record && fromOriginalJson(record.graph);
    if (!graph || !graph.ok) continue;
    const verdict = summary.assessment.best[rank]?.test?.verdict;
    const program = summary.stitch.get(best.id) ?? best.program;
    const spec = graphPictureSpec(graph.value, {
      title: `#${rank + 1} ${best.id}: validation ${pct(best.validation)}, test ${pct(best.test)}${verdict && verdict !== 'above' ? ' (no better than the base rate)' : ''}`,
      lines: [...context, `${best.nodes} node${best.nodes === 1 ? '' : 's'}, ${best.edges} edge${best.edges === 1 ? '' : 's'}; white on blue: node ids; grey: edge ids; red: the port each edge end occupies`],
      program,
      definitions: inventionsUsed(program, summary).map((inv) => `${inv.name} = ${inv.body}`),
    });
    const files = await writeChart(join(dir, `rank-${rank + 1}-${best.id}`), spec);
    drawn.push(files.png);
  }
  return drawn;
}
