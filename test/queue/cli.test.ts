import { afterAll, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redisServer.ts';

const work = mkdtempSync(join(tmpdir(), 'synth-queue-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `synth ...` in process (main() is what bin/synth.mjs runs) and returns the exit code and stderr. */
async function synth(...args: string[]): Promise<{ code: number; stderr: string }> {
  const { main } = await import('../../src/cli/main.ts');
  const written: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    const code = await main(['node', 'synth', ...args]);
    return { code, stderr: written.join('') };
  } finally {
    spy.mockRestore();
  }
}

describe('queue command-line mistakes', () => {
  it('synth worker says which flag is wrong and how to fix it', async () => {
    const missing = await synth('worker');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--queue is required/);
    expect(missing.stderr).toMatch(/hint: for example synth worker --queue redis:\/\//);

    const malformed = await synth('worker', '--queue', 'localhost:6379');
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/--queue: queue URL "localhost:6379": (not a URL|scheme "localhost" is not redis)/);
    expect(malformed.stderr).toMatch(/hint: for example redis:\/\/127\.0\.0\.1:6379/);

    const concurrency = await synth('worker', '--queue', 'redis://127.0.0.1:6379', '--concurrency', '0');
    expect(concurrency.code).toBe(1);
    expect(concurrency.stderr).toMatch(/--concurrency: expected an integer in \[1, 256\], got "0"/);

    const port = await freePort();
    const unreachable = await synth('worker', '--queue', `redis://127.0.0.1:${port}`);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/0`));
    expect(unreachable.stderr).toMatch(/hint: check that redis-server runs there/);
  });

  it('synth search refuses a bad queue before writing a run', async () => {
    const shipAlone = await synth('search', '--ship-models', '--out', join(work, 'a'));
    expect(shipAlone.code).toBe(1);
    expect(shipAlone.stderr).toMatch(/--ship-models needs --queue/);

    const workers = await synth('search', '--queue', 'redis://127.0.0.1:6379', '--workers', '4', '--out', join(work, 'a'));
    expect(workers.code).toBe(1);
    expect(workers.stderr).toMatch(/--workers trains on this machine and has no effect with --queue/);

    const badDb = await synth('search', '--queue', 'redis://127.0.0.1:6379/first', '--out', join(work, 'b'));
    expect(badDb.code).toBe(1);
    expect(badDb.stderr).toMatch(/database "first" is not a number/);

    const port = await freePort();
    const unreachable = await synth('search', '--queue', `redis://127.0.0.1:${port}/1`, '--out', join(work, 'c'));
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(new RegExp(`--queue: cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/1`));
    for (const dir of ['a', 'b', 'c']) expect(existsSync(join(work, dir))).toBe(false);
  });
});
