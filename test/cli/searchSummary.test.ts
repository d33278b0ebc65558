import { describe, expect, it } from 'vitest';
import { assessSearch, baseRateFile, formatSearchSummary, type SearchSummary } from '../../src/cli/searchSummary.ts';
import type { CandidateRecord, PopulationSearchReport } from '../../src/synth/search.ts';

const longProgram = `(fn_0 ${'(next_port '.repeat(12)}identity${')'.repeat(12)})`;

function report(best: [number, number][], baselines: [string, number, number][] = [['linear', 0.8, 0.79]]): PopulationSearchReport {
  return {
    iterations: 2,
    selectionMetric: 'validation',
    best: best.map(([validation, test], i) => ({ id: `c${i}`, program: `{fn_0}(lam (push $0)) #${i}`, nodes: 3, edges: 2, score: validation, validation, test })),
    baselines: baselines.map(([kind, validation, test]) => ({ kind, validation, test, status: 'completed' })),
    inventions: ['fn_0'],
    candidatesTrained: best.length,
  };
}

function candidate(id: string, validation: number, test: number): CandidateRecord {
  const split = (accuracy: number) => ({ accuracy, loss: 0.5 });
  return {
    id, iteration: 1, program: '', stitchProgram: '', size: 1, mass: 1, logProbability: 0, graph: null as never, nodes: 3, edges: 2,
    status: 'trained', modelPath: '', seed: 0,
    metrics: { train: split(validation), validation: split(validation), test: split(test), score: validation, parameterCount: 1, trainSeconds: 1 },
  };
}

const rates = baseRateFile({ baseRate: 0.5, examples: 200 }, { baseRate: 0.5, examples: 400 });

describe('the search summary', () => {
  it('prints full Stitch-form programs, the base rate row and the inventions with their bodies', () => {
    const r = report([[0.7, 0.68]]);
    const summary: SearchSummary = {
      report: r,
      rates,
      assessment: assessSearch(r, [candidate('c0', 0.7, 0.68)], rates),
      stitch: new Map([['c0', longProgram]]),
      inventions: [{ name: 'fn_0', type: '(S -> S) -> S -> S', body: '(lam (push (add (connect $0))))' }],
    };
    const text = formatSearchSummary(summary, 'runs/x');
    expect(text).toContain(longProgram);
    expect(text).not.toContain('...');
    expect(text).toMatch(/^base +50\.0% +50\.0% +\(majority class\)$/m);
    expect(text).toMatch(/Base rate \(majority class\): validation 50\.0% of 200, test 50\.0% of 400 examples\./);
    expect(text).toMatch(/^ +1 +70\.0% +68\.0% +above base \(p < 0\.001\)/m);
    expect(text).toMatch(/Inventions \(used by name in the programs above\):\n {2}fn_0 : \(S -> S\) -> S -> S\n {7}= \(lam \(push \(add \(connect \$0\)\)\)\)/);
    expect(text).not.toMatch(/WARNING/);
  });

  it('says plainly when the whole population ties at the base rate, and prints no NaN', () => {
    const r = report([[0.5, 0.5], [0.5, Number.NaN]], [['linear', 0.5, 0.495]]);
    const population = [candidate('c0', 0.5, 0.5), candidate('c1', 0.5, 0.5), candidate('c2', 0.49, 0.5)];
    const assessment = assessSearch(r, population, rates);
    expect(assessment.population).toEqual({ trained: 3, aboveBaseRate: 0, split: 'validation' });
    const text = formatSearchSummary({ report: r, rates, assessment, stitch: new Map(), inventions: [] }, 'runs/x');
    expect(text).toMatch(/WARNING: none of the 3 candidates trained scores above the validation base rate 50\.0% \(exact binomial test on 200 examples, alpha 0\.05\): the selection was a tie-break and the learned inventions carry no signal\./);
    expect(text).toMatch(/WARNING: no model, baselines included, beats the base rate/);
    expect(text).not.toMatch(/NaN/);
    expect(text).toMatch(/n\/a/);
  });

  it('without recorded split sizes (older runs), prints the test base rate and makes no verdict', () => {
    const r = report([[0.7, 0.68]]);
    const old = { baseRate: 0.5, split: 'test' as const };
    const assessment = assessSearch(r, [candidate('c0', 0.7, 0.68)], old);
    expect(assessment.best[0].test).toBeNull();
    expect(assessment.warnings).toEqual([]);
    expect(formatSearchSummary({ report: r, rates: old, assessment, stitch: new Map(), inventions: [] }, 'runs/x')).toMatch(/Base rate \(majority class, test split\): 50\.0%/);
  });
});
