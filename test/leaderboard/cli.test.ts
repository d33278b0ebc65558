import { describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseLeaderboard } from '../../src/leaderboard/schema.ts';

const repo = resolve(import.meta.dirname, '../..');

function synth(args: string[]) {
  return spawnSync(process.execPath, [join(repo, 'bin/synth.mjs'), ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, SYNTH_BACKEND: 'cpu' },
  });
}

describe('synth leaderboard', () => {
  it(
    'runs the tiny suite end to end, reuses its cache, and re-renders identically from the JSON',
    async () => {
      const out = mkdtempSync(join(tmpdir(), 'lb-tiny-'));
      const first = synth(['leaderboard', '--suite', 'tiny', '--out', out, '--quiet']);
      expect(first.stderr).toBe('');
      expect(first.status).toBe(0);
      const board = parseLeaderboard(JSON.parse(readFileSync(join(out, 'leaderboard.json'), 'utf8')), 'tiny');
      expect(board.machine.backend).toBe('cpu');
      expect(board.command).toBe(`synth leaderboard --suite tiny --out ${out} --quiet`);
      // One task, two sizes, three models; every row has both seeds.
      expect(board.rows).toHaveLength(6);
      expect(board.rows.every((r) => r.seeds === 2 && r.backend === 'cpu' && r.baseRate === board.tasks[0].baseRate)).toBe(true);
      expect(board.runs).toMatchObject({ jobs: 12, fromCache: 0, trained: 12, failed: [] });
      expect(board.selected.source).toBe('search');
      expect(board.coherence).toHaveLength(1);
      expect(board.coherence[0].points.length).toBeGreaterThan(0);
      expect(board.measures.points).toHaveLength(12);
      expect(readdirSync(join(out, 'cache'))).toHaveLength(12);
      expect(readdirSync(join(out, 'plots')).sort()).toEqual(
        ['coherence', 'learning-curve', 'measures'].flatMap((p) => [`${p}-raven-constant-color.png`, `${p}-raven-constant-color.svg`]),
      );
      const markdown = readFileSync(join(out, 'LEADERBOARD.md'), 'utf8');
      expect(markdown).toContain(board.command);

      // Everything is cached now: nothing trains, the same rows come back. In process from here
      // (main() is what bin/synth.mjs runs): each spawn costs seconds of tfjs start-up.
      process.env.SYNTH_BACKEND = 'cpu';
      const { main } = await import('../../src/cli/main.ts');
      const printed: string[] = [];
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        printed.push(String(chunk));
        return true;
      });
      try {
        expect(await main(['node', 'synth', 'leaderboard', '--suite', 'tiny', '--out', out, '--quiet'])).toBe(0);
        expect(printed.join('')).toMatch(/12 cached, 0 trained, 0 failed/);
        const again = parseLeaderboard(JSON.parse(readFileSync(join(out, 'leaderboard.json'), 'utf8')), 'tiny again');
        expect(again.rows).toEqual(board.rows);

        // Rendering from the JSON alone reproduces the Markdown and the plots byte for byte.
        const before = readFileSync(join(out, 'LEADERBOARD.md'), 'utf8');
        const plotBefore = readFileSync(join(out, 'plots', 'learning-curve-raven-constant-color.svg'), 'utf8');
        writeFileSync(join(out, 'LEADERBOARD.md'), 'stale');
        writeFileSync(join(out, 'plots', 'learning-curve-raven-constant-color.svg'), 'stale');
        expect(await main(['node', 'synth', 'leaderboard', '--render-only', '--out', out])).toBe(0);
        expect(readFileSync(join(out, 'LEADERBOARD.md'), 'utf8')).toBe(before);
        expect(readFileSync(join(out, 'plots', 'learning-curve-raven-constant-color.svg'), 'utf8')).toBe(plotBefore);
        expect(before.split('\n').slice(2, 6).join('\n')).toBe(`Produced by:\n\n\`\`\`sh\n${again.command}`);
      } finally {
        spy.mockRestore();
      }
    },
    300_000,
  );

  it('reports user mistakes with exit 1, what is wrong and how to fix it', async () => {
    // In process (main() is what bin/synth.mjs runs): each spawn costs seconds of tfjs start-up.
    const { main } = await import('../../src/cli/main.ts');
    const empty = mkdtempSync(join(tmpdir(), 'lb-empty-'));
    const file = join(empty, 'suite.json');
    writeFileSync(file, JSON.stringify({ name: 'mine', seeds: [0] }));
    const invalidDir = mkdtempSync(join(tmpdir(), 'lb-invalid-'));
    writeFileSync(join(invalidDir, 'leaderboard.json'), '{"format": "gssnn-leaderboard"}');
    const run = async (args: string[]) => {
      const written: string[] = [];
      const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
      try {
        return { status: await main(['node', 'synth', 'leaderboard', ...args]), stderr: written.join('') };
      } finally {
        spy.mockRestore();
      }
    };
    const missing = await run(['--render-only', '--out', empty]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/leaderboard\.json: no leaderboard there/);
    expect(missing.stderr).toMatch(/hint: run `synth leaderboard --out/);

    const unknown = await run(['--suite', 'huge', '--out', empty]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/unknown suite "huge"/);
    expect(unknown.stderr).toMatch(/tiny, small, small-original, full/);

    const bad = await run(['--suite-file', file, '--out', empty]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/suite\.json: invalid suite: .*tasks/);
    expect(existsSync(join(empty, 'cache'))).toBe(false);

    const invalid = await run(['--render-only', '--out', invalidDir]);
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toMatch(/not a valid leaderboard/);
  });
});
