/**
 * The format of `leaderboard.json`: everything the Markdown and the plots are rendered from.
 * The zod schema is the contract; `leaderboardJsonSchema()` exports it as JSON Schema for
 * readers in other languages.
 */
import { z } from 'zod';
import { LEADERBOARD_MODELS, suiteSchema } from './suite.ts';
import { UserFacingError } from '../util/errors.ts';

export const LEADERBOARD_FORMAT = 'gssnn-leaderboard';
export const LEADERBOARD_VERSION = 2;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const fraction = z.number().min(0).max(1);
const model = z.enum(LEADERBOARD_MODELS);

export const rowSchema = z.strictObject({
  task: z.string(),
  dataset: z.string(),
  trainSize: z.number().int().positive(),
  model,
  metric: z.literal('test-accuracy'),
  mean: fraction,
  std: z.number().min(0),
  /** 95% Student-t interval of the mean over seeds. */
  ci95: z.tuple([finite, finite]),
  seeds: z.number().int().min(1),
  /** Per-seed test accuracy, in seed order (the suite's seeds that finished). */
  scores: z.array(fraction),
  seedList: z.array(z.number().int().min(0)),
  parameters: z.number().int().min(0),
  trainAccuracy: fraction,
  /** Mean over seeds of train accuracy minus test accuracy. */
  gap: finite,
  /** Mean training seconds per run (optimizer steps only). */
  trainSeconds: z.number().min(0),
  /** Seconds of all the row's runs together (training, evaluation, measures). */
  wallSeconds: z.number().min(0),
  /** Test-split majority-class rate of the task (mean over the row's seeds). */
  baseRate: fraction,
  /** Two-sided p of a t-test over seeds of test accuracy minus that seed's base rate (null with one seed). */
  baseRateP: z.number().min(0).max(1).nullable(),
  backend: z.string(),
  gitCommit: z.string(),
  command: z.string(),
});
export type LeaderboardRow = z.infer<typeof rowSchema>;

export const taskSchema = z.strictObject({
  name: z.string(),
  dataset: z.string(),
  description: z.string(),
  classes: z.array(z.string()),
  baseRate: fraction,
});

export const comparisonSchema = z.strictObject({
  task: z.string(),
  model,
  baseline: model,
  /** Mean over seeds of the difference in normalised area under the learning curve (log2 n). */
  aucDifference: finite,
  /** 95% t-interval of that mean difference over seeds (null with fewer than two seeds). */
  aucCi95: z.tuple([finite, finite]).nullable(),
  pairedTP: z.number().min(0).max(1).nullable(),
  /** The paired t p-value, Holm-adjusted over the task's comparisons. */
  holmP: z.number().min(0).max(1).nullable(),
  wilcoxonP: z.number().min(0).max(1).nullable(),
  pairs: z.number().int().min(0),
  /** The same comparison at each training size: mean difference of test accuracy, its 95% t-interval, paired t p. */
  perSize: z.array(z.strictObject({ trainSize: z.number().int().positive(), meanDifference: finite, ci95: z.tuple([finite, finite]).nullable(), pairedTP: z.number().min(0).max(1).nullable() })),
});

export const referenceResultSchema = z.strictObject({
  name: z.string(),
  description: z.string(),
  dataset: z.string(),
  model,
  preset: z.string(),
  trainSize: z.number().int().positive(),
  splitSeed: z.number().int().min(0),
  seedList: z.array(z.number().int().min(0)),
  /** Per-seed test and validation accuracy, in seed order. */
  scores: z.array(fraction),
  validationScores: z.array(fraction),
  mean: fraction,
  std: z.number().min(0),
  ci95: z.tuple([finite, finite]),
  validationMean: fraction,
  trainAccuracy: fraction,
  baseRate: fraction,
  baseRateP: z.number().min(0).max(1).nullable(),
  trainSeconds: z.number().min(0),
  published: z.strictObject({ mean: fraction, std: z.number().min(0), runs: z.number().int().positive(), metric: z.string(), source: z.string() }).nullable(),
});
export type ReferenceResult = z.infer<typeof referenceResultSchema>;

export const coherenceSeriesSchema = z.strictObject({
  task: z.string(),
  model,
  trainSize: z.number().int().positive(),
  seed: z.number().int().min(0),
  sample: z.number().int().min(1),
  points: z.array(z.strictObject({ step: z.number().int().min(0), epoch: z.number().int().min(0), alpha: finite })),
});

export const measurePointSchema = z.strictObject({
  task: z.string(),
  model,
  trainSize: z.number().int().positive(),
  seed: z.number().int().min(0),
  gap: finite,
  values: z.record(z.string(), finite),
});

export const benchmarkSchema = z.strictObject({
  name: z.string(),
  what: z.string(),
  machine: z.strictObject({ cpu: z.string(), cores: z.number().int().min(0), node: z.string(), backend: z.string(), date: z.string() }),
  note: z.string(),
  /** The benchmark's own JSON, as written to benchmarks/results/<name>.json. */
  result: z.record(z.string(), z.unknown()),
});
export type BenchmarkEntry = z.infer<typeof benchmarkSchema>;

export const leaderboardSchema = z.strictObject({
  format: z.literal(LEADERBOARD_FORMAT),
  version: z.literal(LEADERBOARD_VERSION),
  /** The exact command that produced this file. */
  command: z.string(),
  gitCommit: z.string(),
  toolkitVersion: z.string(),
  createdAt: z.string(),
  machine: z.strictObject({ cpu: z.string(), cores: z.number().int().min(1), memoryGiB: z.number().min(0), platform: z.string(), node: z.string(), backend: z.string() }),
  suite: suiteSchema,
  selected: z.strictObject({
    program: z.string(),
    nodes: z.number().int().min(0),
    edges: z.number().int().min(0),
    source: z.enum(['search', 'run', 'program']),
    runDir: z.string().nullable(),
    searchScores: z.strictObject({ data: z.string(), validation: finite, test: finite }).nullable(),
  }),
  /**
   * Each model's wiring (null for graph-free models); control wirings are sized like the
   * selected graph; `isomorphicSeeds`: on how many seeds the wiring IS the selected graph.
   */
  wirings: z.array(z.strictObject({ model, nodes: z.number().int().min(0).nullable(), edges: z.number().int().min(0).nullable(), isomorphicSeeds: z.number().int().min(0).nullable() })),
  tasks: z.array(taskSchema),
  rows: z.array(rowSchema),
  comparisons: z.array(comparisonSchema),
  references: z.array(referenceResultSchema),
  coherence: z.array(coherenceSeriesSchema),
  measures: z.strictObject({
    names: z.array(z.string()),
    points: z.array(measurePointSchema),
    /** Kendall tau of each measure against the gap over all trained models (null when undefined). */
    ranking: z.array(z.strictObject({ measure: z.string(), tau: z.number().min(-1).max(1).nullable(), models: z.number().int().min(0) })),
  }),
  runs: z.strictObject({ jobs: z.number().int().min(0), fromCache: z.number().int().min(0), trained: z.number().int().min(0), failed: z.array(z.strictObject({ task: z.string(), model, trainSize: z.number().int(), seed: z.number().int(), error: z.string() })) }),
  benchmarks: z.array(benchmarkSchema),
});
export type Leaderboard = z.infer<typeof leaderboardSchema>;

export function leaderboardJsonSchema(): Record<string, unknown> {
  // 'input' describes the JSON as written (the schema has no transforms, so both views agree).
  return z.toJSONSchema(leaderboardSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

export class LeaderboardFormatError extends UserFacingError {
  constructor(message: string, hint: string) {
    super(message, { kind: 'file', hint });
  }
}

/** Validates a parsed leaderboard.json; the error lists each bad field by path. */
export function parseLeaderboard(value: unknown, source: string): Leaderboard {
  const parsed = leaderboardSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 10).map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
  const more = parsed.error.issues.length > 10 ? ` (and ${parsed.error.issues.length - 10} more)` : '';
  throw new LeaderboardFormatError(`${source}: not a valid leaderboard: ${problems.join('; ')}${more}`, 'regenerate it with `synth leaderboard --suite NAME --out DIR`');
}
