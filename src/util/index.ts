/**
 * Public API of `gssnn-synth/util`. Shared utilities below every module: seeded random streams, atomic writes, worker threads, charts, graph layout.
 * Named exports only: what is listed here is the contract; anything else is internal.
 */
export { fsyncPath, INTERRUPTED_WRITE, writeFileAtomic, writeJsonAtomic } from './atomicFile.ts';
export { canonicalJson } from './canonicalJson.ts';
export { forceLayout, type Point } from './graphLayout.ts';
export { renderChart, type RenderedChart, type VegaLiteSpec, writeChart } from './plot.ts';
export { deriveSeed, Random } from './random.ts';
export { defaultThreadCount, type PoolOutcome, type PoolTask, runInWorkers, runOnThread, spawnTaskThread, TaskThreadPool, workerBootstrap } from './workerPool.ts';
export { wrapText } from './wrapText.ts';
export { beforeWrite, observeWrites, type WriteObserver, type WriteStep, type WriteStepKind } from './writeSteps.ts';
export { toolkitVersion } from './version.ts';
export { UserFacingError, type UserFacingErrorOptions } from './errors.ts';
export { markdownCell, markdownTable } from './markdown.ts';
