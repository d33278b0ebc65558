/**
 * Public API of `gssnn-synth/leaderboard`. The leaderboard: suites, cached jobs, aggregation, its JSON schema, Markdown and plots.
 * Named exports only: what is listed here is the contract; anything else is internal.
 */
export { buildCoherence, buildComparisons, buildMeasures, buildReferences, buildRows, round } from './aggregate.ts';
export { benchmarkEntry, gatherBenchmarks, headlineFigures } from './benchmarks.ts';
export { type CachedResult, ResultCache } from './cache.ts';
export { accuracyInterval, INTERVAL_NOTE } from './interval.ts';
export { datasetFor, finishLeaderboardJob, JOB_FORMAT_VERSION, type LeaderboardJob, type LeaderboardJobResult, runLeaderboardJob } from './job.ts';
export { type LeaderboardJobOutcome, leaderboardPopulationKey, runLeaderboardJobGroup } from './jobGroup.ts';
export { renderMarkdown } from './markdown.ts';
export { jobHash, modelKindOf, planJobs, type PlannedJob, planReferences } from './plan.ts';
export { type ChartSpec, coherenceSpec, leaderboardCharts, learningCurveSpec, measuresSpec } from './plots.ts';
export {
  assembleLeaderboard,
  gitCommit,
  type JobProgress,
  LEADERBOARD_FILES,
  LeaderboardInputError,
  type LeaderboardParts,
  readLeaderboard,
  renderLeaderboard,
  runLeaderboard,
  type RunOptions,
  wiringsOf,
} from './run.ts';
export {
  type BenchmarkEntry,
  benchmarkSchema,
  coherenceSeriesSchema,
  comparisonSchema,
  type Leaderboard,
  LEADERBOARD_FORMAT,
  LEADERBOARD_VERSION,
  LeaderboardFormatError,
  leaderboardJsonSchema,
  type LeaderboardRow,
  leaderboardSchema,
  measurePointSchema,
  parseLeaderboard,
  type ReferenceResult,
  referenceResultSchema,
  rowSchema,
  taskSchema,
} from './schema.ts';
export { graphOfProgram, resolveSelected, populationSearchConfigOf, searchDirOf, type SelectedProgram, type SelectOptions } from './selected.ts';
export {
  LEADERBOARD_MODELS,
  type LeaderboardModel,
  MODEL_DESCRIPTIONS,
  parseSuite,
  referenceSchema,
  type ReferenceSpec,
  type SearchSource,
  searchSourceSchema,
  type SelectedSource,
  selectedSourceSchema,
  type Suite,
  suiteByName,
  SuiteError,
  SUITES,
  suiteSchema,
  type TaskSpec,
  taskSpecSchema,
} from './suite.ts';
