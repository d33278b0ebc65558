import { describe, expect, it } from 'vitest';
import { fc, test as propTest } from '@fast-check/vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { leaderboardJsonSchema, leaderboardSchema, parseLeaderboard } from '../../src/leaderboard/schema.ts';
import { parseSuite, SUITES, SuiteError } from '../../src/leaderboard/suite.ts';
import { fixtureBoard } from './fixtures.ts';

const repo = resolve(import.meta.dirname, '../..');
const committed = join(repo, 'leaderboard');

describe('leaderboard.json schema', () => {
  it('accepts an assembled leaderboard, through a JSON round trip', () => {
    const board = fixtureBoard();
    const parsed = parseLeaderboard(JSON.parse(JSON.stringify(board)), 'fixture');
    expect(parsed).toEqual(board);
    // Two tasks x three sizes x four models.
    expect(board.rows).toHaveLength(24);
    for (const row of board.rows) {
      expect(row.seeds).toBe(3);
      expect(row.baseRate).toBe(0.55);
      expect(row.ci95[0]).toBeLessThanOrEqual(row.mean);
      expect(row.ci95[1]).toBeGreaterThanOrEqual(row.mean);
    }
    expect(board.tasks.map((t) => t.baseRate)).toEqual([0.55, 0.55]);
  });

  propTest.prop([fc.constantFrom('rows', 'tasks', 'suite', 'machine', 'selected'), fc.constantFrom(null, 'text', -1, { unexpected: true })], { numRuns: 20 })(
    'rejects a leaderboard with a broken section, naming the field',
    (section, value) => {
      const board = JSON.parse(JSON.stringify(fixtureBoard())) as Record<string, unknown>;
      board[section] = value;
      expect(() => parseLeaderboard(board, 'broken.json')).toThrow(new RegExp(`broken.json: not a valid leaderboard: ${section}`));
    },
  );

  it('rejects a row whose mean is not an accuracy, with the row path', () => {
    const board = JSON.parse(JSON.stringify(fixtureBoard()));
    board.rows[3].mean = 1.5;
    expect(() => parseLeaderboard(board, 'x.json')).toThrow(/rows\.3\.mean/);
  });

  it('exports a JSON Schema that describes every top-level field', () => {
    const schema = leaderboardJsonSchema() as { type: string; required: string[]; properties: Record<string, unknown> };
    expect(schema.type).toBe('object');
    expect(schema.required.sort()).toEqual(Object.keys(leaderboardSchema.shape).sort());
    expect(Object.keys(schema.properties)).toContain('rows');
  });

  it.runIf(existsSync(join(committed, 'leaderboard.json')))('the committed leaderboard validates and its schema file is current', () => {
    const board = parseLeaderboard(JSON.parse(readFileSync(join(committed, 'leaderboard.json'), 'utf8')), 'leaderboard/leaderboard.json');
    expect(board.suite.seeds.length).toBeGreaterThanOrEqual(5);
    expect(board.rows.length).toBeGreaterThan(0);
    const file = JSON.parse(readFileSync(join(committed, 'leaderboard.schema.json'), 'utf8'));
    expect(file).toEqual(leaderboardJsonSchema());
  });
});

describe('suites', () => {
  it('the built-in suites are valid and the committed ones have at least five seeds', () => {
    for (const [name, suite] of Object.entries(SUITES)) {
      expect(parseSuite(suite, name)).toEqual(suite);
      if (name !== 'tiny') expect(suite.seeds.length).toBeGreaterThanOrEqual(5);
    }
    expect(SUITES.small.tasks.map((t) => t.dataset)).toContain('raven');
  });

  it('names the bad field of a suite and how to fix it', () => {
    const bad = { ...SUITES.tiny, seeds: [0, 0], trainSizes: [-1], measures: { names: ['sharpnes'], examples: 4 } };
    let error: unknown;
    try {
      parseSuite(bad, 'my-suite.json');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SuiteError);
    const message = (error as SuiteError).message;
    expect(message).toMatch(/^my-suite\.json: invalid suite/);
    expect(message).toMatch(/trainSizes\.0/);
    expect(message).toMatch(/measures\.names\.0: unknown measure "sharpnes"/);
    expect((error as SuiteError).hint).toMatch(/docs\/leaderboard\.md/);
  });

  it('refuses coherence tracking of a model the suite does not train', () => {
    expect(() => parseSuite({ ...SUITES.tiny, coherence: { models: ['mlp'], sample: 4, every: 1 } }, 's')).toThrow(/coherence\.models: mlp is not among/);
  });
});
