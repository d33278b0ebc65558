/**
 * LEADERBOARD.md from leaderboard.json alone: the command that made it on top, then per task
 * a table of test accuracy by model and training size with the base rate, the paired
 * comparisons, the plots, the full row table, and the performance benchmarks with their
 * machines. Nothing here reads the clock or the disk, so the same JSON gives the same bytes.
 */
import { headlineFigures } from './benchmarks.ts';
import { accuracyInterval, INTERVAL_NOTE } from './interval.ts';
import type { ChartSpec } from './plots.ts';
import type { Leaderboard } from './schema.ts';
import { LEADERBOARD_MODELS, MODEL_DESCRIPTIONS } from './suite.ts';
import { markdownTable } from '../util/markdown.ts';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const acc = (x: number) => x.toFixed(3);
const pValue = (p: number | null) => (p === null ? 'n/a' : p < 0.001 ? '<0.001' : p.toFixed(3));
const signed = (x: number) => (x >= 0 ? '+' : '') + x.toFixed(3);
const range = (ci: readonly [number, number] | null) => (ci === null ? '' : ` [${signed(ci[0])}, ${signed(ci[1])}]`);
/** The level every test on this page is read at. */
const ALPHA = 0.05;
/** Above the base rate: higher mean and a t-test over seeds below ALPHA. */
const aboveBase = (r: { mean: number; baseRate: number; baseRateP: number | null }) => r.mean > r.baseRate && r.baseRateP !== null && r.baseRateP < ALPHA;

function compactNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? x.toExponential(2) : x.toPrecision(4).replace(/\.?0+$/, '');
}

export function renderMarkdown(board: Leaderboard, charts: readonly ChartSpec[]): string {
  const { suite } = board;
  const out: string[] = [];
  out.push(`# Leaderboard: suite \`${suite.name}\``, '');
  out.push('Produced by:', '', '```sh', board.command, '```', '');
  out.push(
    `Regenerate this page and its plots from \`leaderboard.json\` alone with \`synth leaderboard --render-only --out <this directory>\`. ` +
      `Commit ${board.gitCommit}, toolkit ${board.toolkitVersion}, ${board.createdAt}; ` +
      `${board.machine.cpu} (${board.machine.cores} cores, ${board.machine.memoryGiB} GiB), ${board.machine.platform}, Node ${board.machine.node}, tensor backend \`${board.machine.backend}\`.`,
    '',
  );
  out.push(`${suite.description}`, '');
  out.push(
    `Metric: test accuracy, mean over ${suite.seeds.length} seeds (${suite.seeds.join(', ')}); each seed fixes the split, the initialization and the data order, and is shared by all models (paired). ` +
      `Preset \`${suite.preset}\`, ${suite.epochs === undefined ? "the preset's training schedule" : `${suite.epochs} epoch(s)`}, ${suite.validationSize} validation and ${suite.testSize} test examples. ` +
      `Runs: ${board.runs.jobs} (${board.runs.fromCache} from the cache, ${board.runs.trained} trained by this command, ${board.runs.failed.length} failed).`,
    '',
  );

  out.push('## Selected program', '');
  const s = board.selected;
  const origin = s.source === 'search' ? `the best program of the search the suite ran first (\`${s.runDir}\`)` : s.source === 'run' ? `the best program of the search run \`${s.runDir}\`` : 'given in the suite';
  out.push(`\`gssnn-selected\` is wired by ${origin}: ${s.nodes} nodes, ${s.edges} edges.`, '', '```', s.program, '```', '');
  if (s.searchScores) out.push(`In its search (data set \`${s.searchScores.data}\`) it scored ${pct(s.searchScores.validation)} validation and ${pct(s.searchScores.test)} test accuracy.`, '');

  out.push('## Models', '');
  const wiring = (m: string) => board.wirings.find((w) => w.model === m);
  out.push(
    ...markdownTable(
      ['model', 'what it is', 'wiring (nodes, edges)', 'the selected graph on'],
      LEADERBOARD_MODELS.filter((m) => suite.models.includes(m)).map((m) => {
        const w = wiring(m);
        const same = !w || w.isomorphicSeeds === null || m === 'gssnn-selected' ? '-' : `${w.isomorphicSeeds} of ${suite.seeds.length} seeds`;
        return [`\`${m}\``, MODEL_DESCRIPTIONS[m], w && w.nodes !== null ? `${w.nodes}, ${w.edges}` : '-', same];
      }),
    ),
    '',
  );
  const same = board.wirings.filter((w) => w.model !== 'gssnn-selected' && (w.isomorphicSeeds ?? 0) > 0).map((w) => `\`${w.model}\``);
  if (same.length > 0) {
    out.push(`Note: ${same.join(', ')} wire the same graph as \`gssnn-selected\` (up to isomorphism) on some seeds, so those rows cannot tell the wirings apart there; a search among larger graphs is needed.`, '');
  }

  out.push(...findings(board), '');
  out.push(...references(board));

  out.push('## Tasks', '');
  out.push(...markdownTable(['task', 'data set', 'classes', 'base rate (test)', 'description'], board.tasks.map((t) => [t.name, `\`${t.dataset}\``, String(t.classes.length), pct(t.baseRate), t.description]), ['l', 'l', 'r', 'r', 'l']), '');

  for (const task of board.tasks) {
    const rows = board.rows.filter((r) => r.task === task.name);
    out.push(`## ${task.name}`, '');
    out.push(`Base rate (majority class of the test split): **${pct(task.baseRate)}**. Cells: mean ± std of test accuracy over seeds (number of seeds); ° marks a cell not above the base rate (t-test over seeds, p ≥ ${ALPHA}, or a lower mean).`, '');
    const sizes = [...new Set(rows.map((r) => r.trainSize))].sort((a, b) => a - b);
    const models = LEADERBOARD_MODELS.filter((m) => rows.some((r) => r.model === m));
    const best = new Map(sizes.map((n) => [n, Math.max(...rows.filter((r) => r.trainSize === n).map((r) => r.mean))]));
    const body = models.map((m) => [
      `\`${m}\``,
      ...sizes.map((n) => {
        const r = rows.find((x) => x.model === m && x.trainSize === n);
        if (!r) return '-';
        const text = `${acc(r.mean)} ± ${acc(r.std)} (${r.seeds})${aboveBase(r) ? '' : ' °'}`;
        return r.mean === best.get(n) ? `**${text}**` : text;
      }),
      String(rows.find((r) => r.model === m)?.parameters ?? '-'),
    ]);
    body.push(['base rate', ...sizes.map(() => acc(task.baseRate)), '-']);
    out.push(...markdownTable(['model', ...sizes.map((n) => `n = ${n}`), 'parameters'], body, ['l', ...sizes.map(() => 'r' as const), 'r']), '');
    const comparisons = board.comparisons.filter((c) => c.task === task.name);
    if (comparisons.length > 0) {
      out.push(
        'Paired comparison of `gssnn-selected` with each model (same seeds: same split and initialization seed): difference in normalised area under the learning curve (over log2 n) per seed, its mean with a 95% t-interval, a paired t-test (Holm-adjusted over this table) and a Wilcoxon signed-rank test; then the difference in test accuracy at each size.',
        '',
      );
      const sizes = comparisons[0].perSize.map((p) => p.trainSize);
      out.push(
        ...markdownTable(
          ['baseline', 'AUC difference [95% CI]', 'paired t p', 'Holm p', 'Wilcoxon p', 'seeds', ...sizes.map((n) => `n = ${n}`)],
          comparisons.map((c) => [
            `\`${c.baseline}\``,
            `${signed(c.aucDifference)}${range(c.aucCi95)}`,
            pValue(c.pairedTP),
            pValue(c.holmP),
            pValue(c.wilcoxonP),
            String(c.pairs),
            ...sizes.map((n) => {
              const at = c.perSize.find((p) => p.trainSize === n);
              return at ? `${signed(at.meanDifference)}${range(at.ci95)}` : '-';
            }),
          ]),
          ['l', 'r', 'r', 'r', 'r', 'r', ...sizes.map(() => 'r' as const)],
        ),
        '',
      );
    }
    for (const chart of charts.filter((c) => c.name.endsWith(`-${task.name}`))) out.push(`![${chart.title}](plots/${chart.name}.svg)`, '');
  }

  out.push('## Generalization measures vs the gap', '');
  out.push('Kendall tau between each measure and the generalization gap (train - test accuracy) over every trained model of the suite. Correlational diagnostics: they may rank models by their gap, they guarantee nothing about any one model.', '');
  out.push(...markdownTable(['measure', 'tau', 'models'], board.measures.ranking.map((r) => [r.measure, r.tau === null ? 'n/a' : r.tau.toFixed(3), String(r.models)]), ['l', 'r', 'r']), '');

  out.push('## All rows', '');
  out.push(`${INTERVAL_NOTE}`, '');
  out.push(
    ...markdownTable(
      ['task', 'n', 'model', 'mean', 'std', '95% interval', 'seeds', 'base rate', 'params', 'train acc', 'gap', 'train s/run', 'wall s', 'backend', 'commit'],
      board.rows.map((r) => [
        r.task,
        String(r.trainSize),
        r.model,
        acc(r.mean),
        acc(r.std),
        ((i) => `[${acc(i[0])}, ${acc(i[1])}]`)(accuracyInterval(r, suite.testSize)),
        String(r.seeds),
        acc(r.baseRate),
        String(r.parameters),
        acc(r.trainAccuracy),
        acc(r.gap),
        r.trainSeconds.toFixed(2),
        r.wallSeconds.toFixed(1),
        r.backend,
        r.gitCommit.split(', ').map((c) => c.slice(0, 10)).join(', '),
      ]),
      ['l', 'r', 'l', 'r', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l'],
    ),
    '',
  );

  if (board.runs.failed.length > 0) {
    out.push('## Failed runs', '');
    out.push(...markdownTable(['task', 'n', 'model', 'seed', 'error'], board.runs.failed.map((f) => [f.task, String(f.trainSize), f.model, String(f.seed), f.error])), '');
  }

  out.push('## Performance benchmarks', '');
  out.push('From `benchmarks/results/*.json` (run with `npx tsx benchmarks/<name>.ts`); each was measured on the machine and backend shown, not necessarily the one above.', '');
  out.push(
    ...markdownTable(
      ['benchmark', 'what', 'headline figures', 'machine', 'backend', 'node', 'date', 'note'],
      board.benchmarks.map((b) => [
        b.name,
        b.what,
        headlineFigures(b.result).map(([k, v]) => `${k} = ${compactNumber(v)}`).join('; '),
        `${b.machine.cpu}, ${b.machine.cores} cores`,
        b.machine.backend,
        b.machine.node,
        b.machine.date,
        b.note,
      ]),
    ),
    '',
  );
  return `${out.join('\n').trimEnd()}\n`;
}

/** What the tables say, in sentences, each with the evidence it rests on. */
function findings(board: Leaderboard): string[] {
  const out = ['## Findings', ''];
  out.push(`Read at a ${ALPHA} level; every statement below is computed from the tables on this page, and a measured difference that is not significant is reported as indistinguishable.`, '');
  for (const task of board.tasks) {
    const rows = board.rows.filter((r) => r.task === task.name);
    if (rows.length === 0) continue;
    const atBase = rows.filter((r) => !aboveBase(r));
    const learned =
      atBase.length === 0
        ? `every model is above the base rate (${pct(task.baseRate)}) at every training size`
        : `${rows.length - atBase.length} of ${rows.length} (model, size) cells are above the base rate (${pct(task.baseRate)}); not above: ${atBase.map((r) => `\`${r.model}\` at n = ${r.trainSize} (${acc(r.mean)})`).join(', ')}`;
    out.push(`- **${task.name}**: ${learned}.`);
    const comparisons = board.comparisons.filter((c) => c.task === task.name);
    const verdict = (c: (typeof comparisons)[number]) => {
      const evidence = `AUC ${signed(c.aucDifference)}${range(c.aucCi95)}, Holm p ${pValue(c.holmP)}`;
      if (c.holmP !== null && c.holmP < ALPHA) return `${c.aucDifference > 0 ? 'better than' : 'worse than'} \`${c.baseline}\` (${evidence})`;
      return `indistinguishable from \`${c.baseline}\` (${evidence})`;
    };
    if (comparisons.length > 0) out.push(`  \`gssnn-selected\` is ${comparisons.map(verdict).join('; ')}.`);
  }
  for (const r of board.references) {
    const vs = aboveBase(r) ? `above the base rate ${pct(r.baseRate)} (t-test over seeds, p ${pValue(r.baseRateP)})` : `not above the base rate ${pct(r.baseRate)} (p ${pValue(r.baseRateP)})`;
    const published = r.published ? `; published: ${acc(r.published.mean)} ± ${acc(r.published.std)} over ${r.published.runs} runs` : '';
    out.push(`- **${r.name}** (preset \`${r.preset}\`, ${r.trainSize} training examples): test accuracy ${acc(r.mean)} ± ${acc(r.std)} over ${r.scores.length} seeds, ${vs}${published}.`);
  }
  return out;
}

/** The reference protocols, each beside its base rate and its published result. */
function references(board: Leaderboard): string[] {
  if (board.references.length === 0) return [];
  const out = ['## Reference protocols', ''];
  for (const r of board.references) {
    out.push(`### ${r.name}`, '', `${r.description} Data set \`${r.dataset}\`, model \`${r.model}\`, preset \`${r.preset}\`, ${r.trainSize} training examples, split seed ${r.splitSeed}, initialization seeds ${r.seedList.join(', ')}.`, '');
    const rows: string[][] = [
      [
        'ours',
        `${acc(r.mean)} ± ${acc(r.std)}`,
        `[${acc(r.ci95[0])}, ${acc(r.ci95[1])}]`,
        String(r.scores.length),
        r.scores.map(acc).join(', '),
        acc(r.validationMean),
        acc(r.trainAccuracy),
        `${pct(r.baseRate)} (p ${pValue(r.baseRateP)})`,
      ],
    ];
    if (r.published) rows.push(['published', `${acc(r.published.mean)} ± ${acc(r.published.std)}`, '-', String(r.published.runs), '-', '-', '-', '-']);
    out.push(...markdownTable(['', 'test accuracy (mean ± std)', '95% CI', 'runs', 'per seed', 'validation', 'train', 'base rate (t-test p)'], rows, ['l', 'r', 'l', 'r', 'l', 'r', 'r', 'r']), '');
    if (r.published) out.push(`Published: ${r.published.metric}; ${r.published.source}.`, '');
  }
  return out;
}
