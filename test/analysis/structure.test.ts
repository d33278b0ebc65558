import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { spearman, spearmanWithInterval } from '../../src/analysis/correlation.ts';
import { averageRanks } from '../../src/analysis/stats.ts';
import { analyzeStructure, graphProperties, programVocabulary, verdict } from '../../src/analysis/structure.ts';
import type { ProgramGraph } from '../../src/dsl/graph.ts';
import { toOriginalJson } from '../../src/dsl/graphFormats.ts';
import { parseProgramOrThrow } from '../../src/dsl/parse.ts';

function graphOf(nodes: number[], pairs: [number, number][]): ProgramGraph {
  const next = Math.max(...nodes) + 1;
  const used = new Map<number, number>();
  const port = (n: number) => {
    const p = used.get(n) ?? 0;
    used.set(n, p + 1);
    return p;
  };
  return { nodes, edges: pairs.map(([s, t], k) => ({ id: next + k, source: s, sourcePort: port(s), target: t, targetPort: port(t) })), nextId: next + pairs.length, maxConn: 10 };
}

describe('graph properties', () => {
  test('a 4-cycle with a pendant node', () => {
    const p = graphProperties(graphOf([0, 1, 2, 3, 4], [[0, 1], [1, 2], [2, 3], [3, 0], [3, 4]]));
    expect(p).toEqual({ nodes: 5, edges: 5, cycleRank: 1, meanDegree: 2, maxDegree: 3, degreeStd: Math.sqrt(0.4), diameter: 3 });
  });

  test('a star, a chain and one node', () => {
    expect(graphProperties(graphOf([0, 1, 2, 3], [[0, 1], [0, 2], [0, 3]]))).toMatchObject({ cycleRank: 0, maxDegree: 3, diameter: 2 });
    expect(graphProperties(graphOf([0, 1, 2, 3], [[0, 1], [1, 2], [2, 3]]))).toMatchObject({ cycleRank: 0, maxDegree: 2, diameter: 3 });
    expect(graphProperties({ nodes: [0], edges: [], nextId: 1, maxConn: 10 })).toMatchObject({ nodes: 1, edges: 0, cycleRank: 0, diameter: 0 });
  });

  test('program vocabulary counts primitives and inventions, not invention bodies', () => {
    const v = programVocabulary(parseProgramOrThrow('({f}(lam (add (connect $0))) (push (add (add identity))))'));
    expect(v.primitives).toEqual({ push: 1, add: 2, identity: 1 });
    expect(v.inventions).toEqual({ f: 1 });
  });
});

describe('rank correlation', () => {
  test('average ranks share ties', () => {
    expect(averageRanks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });

  fcTest.prop([fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 3, maxLength: 20 })])('rho of a monotone map is 1, of a reversing one -1', (xs) => {
    expect(spearman(xs, xs.map((x) => x ** 3 + 1))).toBeCloseTo(1, 9);
    expect(spearman(xs, xs.map((x) => -2 * x))).toBeCloseTo(-1, 9);
  });

  test('the bootstrap interval contains rho and is seeded', () => {
    const a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const b = [2, 1, 4, 3, 6, 5, 8, 7, 10, 9];
    const c = spearmanWithInterval(a, b, { seed: 1 });
    expect(c.rho).toBeCloseTo(1 - (6 * 10) / (10 * 99), 9);
    expect(c.low).toBeLessThanOrEqual(c.rho);
    expect(c.high).toBeGreaterThanOrEqual(c.rho);
    expect(spearmanWithInterval(a, b, { seed: 1 })).toEqual(c);
  });

  test('verdicts use a binomial noise band', () => {
    expect(verdict(0.9, 0.7, 500)).toBe('helps');
    expect(verdict(0.7, 0.9, 500)).toBe('hurts');
    expect(verdict(0.91, 0.9, 128)).toBe('no difference');
  });
});

describe('structure of a search run', () => {
  test('reads candidates and baselines from a run store', () => {
    const dir = mkdtempSync(join(tmpdir(), 'structure-'));
    mkdirSync(join(dir, 'candidates'));
    mkdirSync(join(dir, 'baselines'));
    const metrics = (v: number, t: number) => ({ train: { accuracy: 1, loss: 0 }, validation: { accuracy: v, loss: 0 }, test: { accuracy: t, loss: 0 }, score: v, parameterCount: 1, trainSeconds: 1 });
    const graphs = [graphOf([0, 1], [[0, 1]]), graphOf([0, 1, 2], [[0, 1], [1, 2]]), graphOf([0, 1, 2], [[0, 1], [1, 2], [2, 0]])];
    graphs.forEach((g, k) =>
      writeFileSync(join(dir, 'candidates', `c${k}.json`), JSON.stringify({ id: `c${k}`, iteration: 1, program: '(add identity)', stitchProgram: '', size: 2, mass: 2, logProbability: 0, graph: toOriginalJson(g), nodes: g.nodes.length, edges: g.edges.length, status: 'trained', metrics: metrics(0.5 + 0.1 * k, 0.6 + 0.1 * k), modelPath: '', seed: 0 })),
    );
    writeFileSync(join(dir, 'baselines', 'random.json'), JSON.stringify({ id: 'baseline-random', kind: 'random', elements: 3, status: 'completed', metrics: metrics(0.6, 0.7), modelPath: '', seed: 0 }));
    const report = analyzeStructure(dir, { testExamples: 1000, seed: 0 });
    expect(report.candidates.map((c) => c.properties.edges)).toEqual([1, 2, 3]);
    expect(report.candidates.map((c) => c.versusRandom?.verdict)).toEqual(['hurts', 'no difference', 'helps']);
    expect(report.correlations.find((c) => c.feature === 'edges')!.test.rho).toBeCloseTo(1, 9);
    expect(() => analyzeStructure(join(dir, 'nowhere'), { testExamples: 10, seed: 0 })).toThrow(/no candidates/);
  });
});
