#!/usr/bin/env node
/**
 * Builds the optional OpenBLAS addon (native/openblas) behind the `wasm-openblas` backend.
 *
 *   node native/build.mjs            build it; exit 1 with the reason when it cannot be built
 *   node native/build.mjs --optional what `npm ci` runs: says in one line why not, exits 0
 *
 * Needs a C compiler, make, python3 (node-gyp), Node's headers and OpenBLAS's development
 * files (Debian: apt-get install -y build-essential libopenblas-dev). Node's headers are
 * taken from beside the running node (`<prefix>/include/node`) when present, so the build
 * works offline; otherwise node-gyp fetches them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const optional = process.argv.includes('--optional');
const addonDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'openblas');

function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ];
  return candidates.find((file) => file && existsSync(file)) ?? null;
}

function giveUp(why) {
  if (optional) {
    process.stdout.write(`native/openblas: not built (optional; the wasm-openblas backend is unavailable): ${why}\n`);
    process.exit(0);
  }
  process.stderr.write(`native/openblas: cannot build: ${why}\n`);
  process.exit(1);
}

const gyp = nodeGyp();
if (!gyp) giveUp("npm's node-gyp was not found; run this through npm (npm run build:native)");
const env = { ...process.env };
const prefix = path.resolve(path.dirname(process.execPath), '..');
if (!env.npm_config_nodedir && existsSync(path.join(prefix, 'include/node/node_api.h'))) env.npm_config_nodedir = prefix;
const run = spawnSync(process.execPath, [gyp, 'rebuild', '--directory', addonDir], { env, encoding: 'utf8', timeout: 300_000 });
if (run.error) giveUp(run.error.message);
if (run.status !== 0) {
  const lines = `${run.stdout}\n${run.stderr}`.split('\n').filter((l) => /error|not found|No such file/i.test(l) && !/^gyp ERR! (cwd|node -v|node-gyp -v|command|System)/.test(l));
  const hint = 'install a C compiler and OpenBLAS (Debian: apt-get install -y build-essential libopenblas-dev), then npm run build:native';
  giveUp(`${lines.slice(0, 2).join(' | ').trim() || `node-gyp exited with ${run.status}`}; ${hint}`);
}
process.stdout.write(`native/openblas: built ${path.relative(process.cwd(), path.join(addonDir, 'build/Release/openblas_sgemm.node'))}\n`);
