#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so `npx synth` works right after `npm ci`.
import '../register.mjs';

const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
