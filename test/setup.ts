/**
 * Property tests draw fresh random cases on every local run (that is how they find bugs),
 * but CI replays a fixed seed so that a submission's result does not depend on luck.
 * FC_SEED=<n> replays a failure reported by fast-check anywhere.
 */
import fc from 'fast-check';

const seed = process.env.FC_SEED ?? (process.env.CI ? '20261128' : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });
