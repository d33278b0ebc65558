/** Runs the `synth` entry point in this process (no start-up cost per call), capturing its output. */
import { vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { CliResult } from './cli.ts';

export async function synthInProcess(...args: string[]): Promise<CliResult> {
  const err: string[] = [];
  const out: string[] = [];
  const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true));
  const outSpy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
  try {
    return { code: await main(['node', 'synth', ...args]), stderr: err.join(''), stdout: out.join('') };
  } finally {
    errSpy.mockRestore();
    outSpy.mockRestore();
  }
}
