/**
 * What `synth search` prints at its end and `synth show` prints for a run: the kept programs
 * in Stitch form with validation and test accuracy beside the base rate of each split, the
 * baselines, the learned inventions with their bodies, and plain warnings when a model, or
 * the whole population, is indistinguishable from the base rate (exact binomial test).
 */
import { compareWithBaseRate, type BaseRateComparison, BASE_RATE_ALPHA } from '../analysis/baseRate.ts';
import { dslFromJson } from '../dsl/dslFile.ts';
import { printProgram } from '../dsl/print.ts';
import { showType } from '../dsl/types.ts';
import type { RunStore } from '../synth/runStore.ts';
import { allCandidates, runPaths, type CandidateRecord, type PopulationSearchConfig, type PopulationSearchReport } from '../synth/search.ts';

/** The base rate of one split and the number of examples it was measured on. */
export interface SplitBaseRate {
  readonly baseRate: number;
  readonly examples: number;
}

/** `base-rate.json` of a run. `baseRate` (the test split's) is kept for older readers. */
export interface BaseRateFile {
  readonly baseRate: number | null;
  readonly split: 'test';
  readonly splits?: { readonly validation: SplitBaseRate | null; readonly test: SplitBaseRate | null };
}

export const BASE_RATE_FILE = 'base-rate.json';

export function baseRateFile(validation: SplitBaseRate | null, test: SplitBaseRate | null): BaseRateFile {
  return { baseRate: test?.baseRate ?? null, split: 'test', splits: { validation, test } };
}

export interface ModelAssessment {
  readonly validation: BaseRateComparison | null;
  readonly test: BaseRateComparison | null;
}

/** Each reported model against the base rates, and the warnings a reader must not miss. */
export interface SearchAssessment {
  readonly alpha: number;
  readonly best: readonly (ModelAssessment & { readonly id: string })[];
  readonly baselines: readonly (ModelAssessment & { readonly kind: string })[];
  /** Candidates trained over the whole run, and how many were significantly above the validation base rate. */
  readonly population: { readonly trained: number; readonly aboveBaseRate: number; readonly split: 'validation' | 'test' };
  readonly warnings: readonly string[];
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');
const pText = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

function assess(validation: number, test: number, rates: BaseRateFile['splits']): ModelAssessment {
  const against = (accuracy: number, rate: SplitBaseRate | null | undefined) => (rate ? compareWithBaseRate(accuracy, rate.examples, rate.baseRate) : null);
  return { validation: against(validation, rates?.validation), test: against(test, rates?.test) };
}

const noBetter = (c: BaseRateComparison | null) => c !== null && c.verdict !== 'above';

export function assessSearch(report: PopulationSearchReport, population: readonly CandidateRecord[], rates: BaseRateFile | null): SearchAssessment {
  const splits = rates?.splits;
  const best = report.best.map((b) => ({ id: b.id, ...assess(b.validation, b.test, splits) }));
  const baselines = report.baselines.map((b) => ({ kind: b.kind, ...assess(b.validation, b.test, splits) }));
  const trained = population.filter((c) => c.metrics !== null && c.status !== 'pending');
  // Validation scores are on the validation split only when selection used it (k-fold and
  // train selection score on training data); the held-out test split stands in otherwise.
  const split = report.selectionMetric === 'validation' ? 'validation' : 'test';
  const populationChecks = trained.map((c) => {
    const both = assess(c.metrics!.validation.accuracy, c.metrics!.test.accuracy, splits);
    return split === 'validation' ? both.validation : both.test;
  });
  const aboveBaseRate = populationChecks.filter((c) => c?.verdict === 'above').length;
  const warnings: string[] = [];
  const test = splits?.test;
  const checkedSplit = splits?.[split];
  if (checkedSplit && trained.length > 0 && aboveBaseRate === 0) {
    warnings.push(
      `none of the ${trained.length} candidates trained scores above the ${split} base rate ${pct(checkedSplit.baseRate)} ` +
        `(exact binomial test on ${checkedSplit.examples} examples, alpha ${BASE_RATE_ALPHA}): the selection was a tie-break and the learned inventions carry no signal.`,
    );
  }
  if (test) {
    const weakPrograms = best.filter((b) => noBetter(b.test));
    if (weakPrograms.length > 0) {
      const list = weakPrograms.map((b) => `#${best.indexOf(b) + 1} (${pct(b.test!.accuracy)}, ${pText(b.test!.pAbove)})`).join(', ');
      warnings.push(`kept program${weakPrograms.length > 1 ? 's' : ''} ${list} ${weakPrograms.length > 1 ? 'are' : 'is'} no better than the test base rate ${pct(test.baseRate)} on ${test.examples} examples.`);
    }
    const weakBaselines = baselines.filter((b) => noBetter(b.test));
    // A model without a test score (failed training) does not beat the base rate either.
    const anyAbove = [...best, ...baselines].some((m) => m.test?.verdict === 'above');
    if (!anyAbove && weakPrograms.length + weakBaselines.length > 0) {
      warnings.push('no model, baselines included, beats the base rate: the task is not learned at this preset and training size (try a larger --preset, --train-size or --epochs).');
    } else if (weakBaselines.length > 0) {
      warnings.push(`baseline${weakBaselines.length > 1 ? 's' : ''} ${weakBaselines.map((b) => `${b.kind} (${pct(b.test!.accuracy)})`).join(', ')} no better than the test base rate.`);
    }
  }
  return { alpha: BASE_RATE_ALPHA, best, baselines, population: { trained: trained.length, aboveBaseRate, split }, warnings };
}

/** An invention of the run's final DSL, as `show` lists it. */
export interface InventionRow {
  readonly name: string;
  readonly type: string;
  readonly body: string;
}

/** Everything the summary prints, gathered from the run store. */
export interface SearchSummary {
  readonly report: PopulationSearchReport;
  readonly rates: BaseRateFile | null;
  readonly assessment: SearchAssessment;
  /** Stitch form of each kept program, by candidate id. */
  readonly stitch: ReadonlyMap<string, string>;
  readonly inventions: readonly InventionRow[];
}

export function readSearchSummary(store: RunStore, report: PopulationSearchReport): SearchSummary {
  const rates = store.readJson<BaseRateFile>(BASE_RATE_FILE) ?? null;
  const candidates = allCandidates(store);
  const stitch = new Map(candidates.map((c) => [c.id, c.stitchProgram]));
  return { report, rates, assessment: assessSearch(report, candidates, rates), stitch, inventions: finalInventions(store) };
}

/** The inventions of the DSL the last iteration explored with, bodies in Stitch form. */
function finalInventions(store: RunStore): InventionRow[] {
  const config = store.manifest.config as unknown as PopulationSearchConfig;
  const last = Math.max(0, (config.iterations ?? 1) - 1);
  const json = store.readJson<unknown>(runPaths.dsl(last));
  if (json === undefined) return [];
  const dsl = dslFromJson(json, store.resolve(runPaths.dsl(last)));
  if (!dsl.ok) return [];
  return [...dsl.value.inventions.values()].map((i) => ({ name: i.name, type: showType(i.type), body: printProgram(i.body, { form: 'stitch' }) }));
}

function rateCell(rate: SplitBaseRate | null | undefined): string {
  return rate ? pct(rate.baseRate) : 'n/a';
}

function verdictCell(c: BaseRateComparison | null): string {
  if (c === null) return '';
  return c.verdict === 'above' ? `above base (${pText(c.pAbove)})` : c.verdict === 'below' ? 'BELOW base rate' : '= base rate (no signal)';
}

export function formatSearchSummary(summary: SearchSummary, dir: string): string {
  const { report, rates, assessment } = summary;
  const splits = rates?.splits;
  const lines: string[] = [];
  lines.push(`Search finished: ${report.iterations} iteration(s), ${report.candidatesTrained} candidates trained, selection by ${report.selectionMetric}.`);
  if (splits) {
    lines.push(`Base rate (majority class): validation ${rateCell(splits.validation)} of ${splits.validation?.examples ?? '?'}, test ${rateCell(splits.test)} of ${splits.test?.examples ?? '?'} examples.`);
  } else {
    lines.push(`Base rate (majority class, test split): ${rates?.baseRate == null ? 'n/a' : pct(rates.baseRate)}`);
  }
  lines.push('');
  lines.push('rank  valid.   test   test vs base rate        nodes edges  program (Stitch form)');
  report.best.forEach((b, i) => {
    const verdict = verdictCell(assessment.best[i]?.test ?? null);
    lines.push(`${String(i + 1).padStart(4)}  ${pct(b.validation).padStart(6)}  ${pct(b.test).padStart(6)}   ${verdict.padEnd(24)} ${String(b.nodes).padStart(4)} ${String(b.edges).padStart(5)}  ${summary.stitch.get(b.id) ?? b.program}`);
  });
  lines.push(`base  ${rateCell(splits?.validation ?? null).padStart(6)}  ${(splits ? rateCell(splits.test) : rates?.baseRate == null ? 'n/a' : pct(rates.baseRate)).padStart(6)}   (majority class)`);
  if (report.baselines.length > 0) {
    lines.push('');
    lines.push('baseline   valid.   test   test vs base rate        status');
    report.baselines.forEach((b, i) => {
      lines.push(`${b.kind.padEnd(9)}  ${pct(b.validation).padStart(6)}  ${pct(b.test).padStart(6)}   ${verdictCell(assessment.baselines[i]?.test ?? null).padEnd(24)} ${b.status}`);
    });
  }
  if (summary.inventions.length > 0) {
    lines.push('', 'Inventions (used by name in the programs above):');
    const width = Math.max(...summary.inventions.map((inv) => inv.name.length));
    for (const inv of summary.inventions) lines.push(`  ${inv.name.padEnd(width)} : ${inv.type}`, `  ${' '.repeat(width)} = ${inv.body}`);
  }
  if (assessment.warnings.length > 0) {
    lines.push('');
    for (const w of assessment.warnings) lines.push(`WARNING: ${w}`);
  }
  lines.push('', `Run directory: ${dir}   (synth show ${dir})`, '');
  return lines.join('\n');
}
