/**
 * The package as a researcher gets it: installed by path into a scratch directory outside the
 * repository, imported by name. Every `examples/*.ts` (the README's library examples) is
 * type-checked there with a consumer's tsconfig and run with `node --import gssnn-synth/register`.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.ts';

const examples = readdirSync(join(repoRoot, 'examples')).filter((f) => f.endsWith('.ts')).sort();
let scratch: string;

function run(file: string, args: readonly string[]) {
  const result = spawnSync(file, args, { cwd: scratch, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the package installed by path', () => {
  beforeAll(() => {
    scratch = realpathSync(mkdtempSync(join(tmpdir(), 'gssnn-synth-consumer-')));
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'experiment', private: true, type: 'module' }));
    // A directory is linked, not packed: its dependencies are the clone's own.
    const install = run('npm', ['install', '--install-links=false', '--offline', '--no-audit', '--no-fund', repoRoot]);
    expect(install.code, install.output).toBe(0);
    for (const example of examples) copyFileSync(join(repoRoot, 'examples', example), join(scratch, example));
  }, 120_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('has examples', () => expect(examples.length).toBeGreaterThan(0));

  it('type-checks every example against the installed package', () => {
    // What a consumer's tsconfig needs: NodeNext resolution, and .ts import paths (the package ships its sources).
    const compilerOptions = {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      allowImportingTsExtensions: true,
      typeRoots: [join(repoRoot, 'node_modules/@types')],
      types: ['node'],
    };
    writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: examples }));
    const check = run(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
    expect(check.code, check.output).toBe(0);
  }, 180_000);

  it.each(examples)('runs %s, importing the package by name', (example) => {
    const result = run(process.execPath, ['--import', 'gssnn-synth/register', example]);
    expect(result.code, result.output).toBe(0);
    if (example === 'library.ts') {
      expect(result.output).toMatch(/evaluated: 2 nodes, 1 edges/);
      expect(result.output).toMatch(/enumerated: 100 programs, \d+ distinct graphs/);
      expect(result.output).toMatch(/compressed: cost \d+ -> \d+ with [1-9]\d* abstraction/);
      expect(result.output).toMatch(/trained: G-SSNN test accuracy \d+\.\d%/);
    }
    if (example === 'search.ts') expect(result.output).toMatch(/searched: 3 candidates trained/);
  }, 120_000);
});

describe('the README', () => {
  it.each(examples)('shows examples/%s as it is', (example) => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const body = readFileSync(join(repoRoot, 'examples', example), 'utf8').split('\n').slice(1).join('\n');
    expect(readme).toContain(`\`\`\`ts\n${body}\`\`\``);
  });
});
