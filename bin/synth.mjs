#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so `npx synth` works right after `npm ci`.
import '../register.mjs';

// A reader that stops early (`synth show DIR | head`) closes the pipe: stop quietly, as Unix
// tools do, instead of dying on the write error.
process.stdout.on('error', (err) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
