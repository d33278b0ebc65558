import { describe, expect, it } from 'vitest';
import { fc, test as propTest } from '@fast-check/vitest';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRows } from '../../src/leaderboard/aggregate.ts';
import { ResultCache } from '../../src/leaderboard/cache.ts';
import { canonicalJson, jobHash, planJobs } from '../../src/leaderboard/plan.ts';
import { summarize } from '../../src/analysis/stats.ts';
import { Random } from '../../src/util/random.ts';
import { graphOfProgram } from '../../src/leaderboard/selected.ts';
import { accuracyArb, fixtureEntries, fixtureSuite, resultFor, selectedFixture } from './fixtures.ts';

const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.string(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 3 }), tie('object')),
  object: fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), tie('value'), { maxKeys: 4 }),
})).object;

describe('job plan', () => {
  it('has one job per task, size, seed and model, with distinct hashes', () => {
    const suite = fixtureSuite();
    const planned = planJobs(suite, selectedFixture().graph, 'cpu');
    expect(planned).toHaveLength(suite.tasks.length * suite.trainSizes.length * suite.seeds.length * suite.models.length);
    expect(new Set(planned.map((p) => p.hash)).size).toBe(planned.length);
    // Smallest sizes first, so that an interrupted run has whole early curves.
    const sizes = planned.map((p) => p.job.trainSize);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
  });

  it('tracks coherence only for the listed models at the largest size and first seed', () => {
    const suite = fixtureSuite();
    const tracked = planJobs(suite, selectedFixture().graph).filter((p) => p.job.coherence !== null);
    expect(tracked.map((p) => [p.job.task, p.job.model, p.job.trainSize, p.job.seed])).toEqual([
      ['raven-constant-color', 'gssnn-selected', 64, 0],
      ['mnist-even-odd', 'gssnn-selected', 64, 0],
    ]);
  });

  it('the hash changes with any part of the job, the backend included', () => {
    const [first] = planJobs(fixtureSuite(), selectedFixture().graph, 'cpu');
    const base = jobHash(first.job);
    expect(jobHash({ ...first.job, epochs: (first.job.epochs ?? 0) + 1 })).not.toBe(base);
    expect(jobHash({ ...first.job, splitSeed: 0 })).not.toBe(base);
    expect(jobHash({ ...first.job, backend: 'wasm' })).not.toBe(base);
    expect(jobHash({ ...first.job, graph: { ...first.job.graph!, maxConn: 11 } })).not.toBe(base);
  });

  it('graph-free baselines do not depend on the selected program', () => {
    const other = graphOfProgram('(push (add (connect identity)))', 'other');
    const a = planJobs(fixtureSuite(), selectedFixture().graph, 'cpu');
    const b = planJobs(fixtureSuite(), other, 'cpu');
    a.forEach((p, i) => {
      const graphFree = p.job.model === 'linear' || p.job.model === 'mlp';
      expect(p.job.graph === null).toBe(graphFree);
      expect(p.hash === b[i].hash).toBe(graphFree);
    });
  });

  propTest.prop([jsonValue])('canonical JSON does not depend on key order', (value) => {
    const reversed = JSON.parse(JSON.stringify(value, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v)));
    expect(canonicalJson(reversed)).toBe(canonicalJson(value));
  });
});

describe('result cache', () => {
  it('returns what was put, and nothing for a corrupt or foreign entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lb-cache-'));
    const cache = new ResultCache(dir);
    const [a, b] = fixtureEntries(fixtureSuite(), 1);
    cache.put(a);
    expect(cache.get(a.hash, a.job)).toEqual(a);
    expect(cache.get(b.hash, b.job)).toBeUndefined();
    // No temporary files left behind by the atomic write.
    expect(readdirSync(dir)).toEqual([`${a.hash}.json`]);
    const warnings: string[] = [];
    expect(cache.get(a.hash, b.job, (m) => warnings.push(m))).toBeUndefined();
    writeFileSync(join(dir, `${b.hash}.json`), '{"hash": "trunc');
    expect(cache.get(b.hash, b.job, (m) => warnings.push(m))).toBeUndefined();
    expect(warnings[0]).toMatch(/does not match its job; the job runs again/);
    expect(warnings[1]).toMatch(/unreadable cache entry .*; the job runs again/);
  });
});

describe('rows', () => {
  propTest.prop([fc.array(accuracyArb, { minLength: 1, maxLength: 5 })])('a row summarises exactly its seeds', (scores) => {
    const suite = { ...fixtureSuite(), seeds: scores.map((_, i) => i) };
    const random = new Random(3);
    const entries = planJobs(suite, selectedFixture().graph)
      .filter((p) => p.job.task === 'mnist-even-odd' && p.job.trainSize === 32 && p.job.model === 'mlp')
      .map((p, i) => ({ hash: p.hash, job: p.job, result: { ...resultFor(random, false), testAccuracy: scores[i] }, provenance: { gitCommit: 'c', command: 'x', node: 'v' } }));
    const rows = buildRows(suite, entries);
    expect(rows).toHaveLength(1);
    const expected = summarize(scores);
    expect(rows[0].seeds).toBe(scores.length);
    expect(rows[0].scores).toEqual(scores);
    expect(rows[0].mean).toBeCloseTo(expected.mean, 6);
    expect(rows[0].std).toBeCloseTo(expected.std, 6);
    expect(rows[0].mean).toBeGreaterThanOrEqual(Math.min(...scores) - 1e-9);
    expect(rows[0].mean).toBeLessThanOrEqual(Math.max(...scores) + 1e-9);
  });
});
