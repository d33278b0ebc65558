import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildProgram } from '../../src/cli/main.ts';
import { spawn } from 'node:child_process';
import { bin, synthSync } from '../helpers/cli.ts';

const repo = resolve(import.meta.dirname, '../..');

describe('synth CLI wiring', () => {
  it('each command module registers the command it is named after', async () => {
    const files = readdirSync(join(repo, 'src/cli/commands')).filter((f) => f.endsWith('.ts'));
    for (const file of files) {
      const name = file.slice(0, -3);
      const program = await buildProgram(name);
      expect(program.commands.map((c) => c.name())).toEqual([name]);
    }
    const all = await buildProgram();
    expect(all.commands.map((c) => c.name()).sort()).toEqual(files.map((f) => f.slice(0, -3)).sort());
  });

  it('exits 0 for help, 1 for a user error', () => {
    const help = synthSync(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/search/);
    const unknown = synthSync(['frobnicate']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown command/);
  });

  it('stops quietly with exit 0 when its reader closes the pipe (synth ... | head)', async () => {
    const child = spawn(process.execPath, [bin, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Closed before the command starts up, so its first write fails with EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
