/**
 * Schemas of everything a search run holds: the settings in its manifest, the events of its
 * log and each state file. Whatever is read back from a run (to resume it, to check it) goes
 * through these, so a damaged or edited file is reported with its field instead of being used.
 */
import { z } from 'zod';
import { dslFileSchema } from '../dsl/dslFile.ts';
import { ENUMERATION_STRATEGY_NAMES } from './enumerate/index.ts';
import { RunStoreError, type RunStore } from './runStore.ts';
import { validatePopulationSearchConfig, type PopulationSearchConfig } from './searchRecords.ts';

/** Scores are JSON numbers; a diverged or failed training's NaN is written as null. */
const score = z.number().nullable();
const count = z.number().int().nonnegative();
const splitScore = z.strictObject({ accuracy: score, loss: score });

const trainOutcome = z.strictObject({
  status: z.string().min(1),
  parameterCount: count,
  train: splitScore,
  validation: splitScore,
  test: splitScore,
  trainSeconds: z.number(),
  error: z.string().optional(),
});

const metrics = z.strictObject({
  train: splitScore,
  validation: splitScore,
  test: splitScore,
  score: z.number(),
  parameterCount: count,
  trainSeconds: z.number(),
  folds: z.array(trainOutcome).optional(),
  error: z.string().optional(),
});

const originalGraph = z.strictObject({
  edges: z.array(z.tuple([z.tuple([z.number().int(), z.number().int()]), z.tuple([z.number().int(), z.number().int()])])),
  next_id: count,
  size: count,
  max_conn: count,
});

const candidateIdText = z.string().regex(/^[0-9a-f]{16}$/, 'a candidate id is 16 hexadecimal digits');

export const candidateRecordSchema = z.strictObject({
  id: candidateIdText,
  iteration: z.number().int().positive(),
  program: z.string().min(1),
  stitchProgram: z.string().min(1),
  size: count,
  mass: count,
  logProbability: z.number().nullable(),
  graph: originalGraph,
  nodes: count,
  edges: count,
  status: z.enum(['pending', 'trained', 'diverged', 'failed']),
  metrics: metrics.nullable(),
  modelPath: z.string().regex(/^models\/[0-9a-f]{16}$/, 'a candidate model lives in models/<candidate id>'),
  seed: z.number().int(),
});

export const baselineRecordSchema = z.strictObject({
  id: z.string().regex(/^baseline-[a-z]+$/),
  kind: z.string().regex(/^[a-z]+$/),
  elements: count.nullable(),
  status: z.string().min(1),
  metrics: metrics.nullable(),
  modelPath: z.string().regex(/^models\/baseline-[a-z]+$/, 'a baseline model lives in models/baseline-<kind>'),
  seed: z.number().int(),
});

export const populationSchema = z.strictObject({
  iteration: z.number().int().positive(),
  ids: z.array(candidateIdText).min(1),
  exploration: z
    .strictObject({ programs: count, seconds: z.number().nonnegative(), distinctGraphs: count, newCandidates: count, requested: count })
    .nullable(),
});

export const selectionSchema = z.strictObject({
  iteration: z.number().int().positive(),
  ranking: z.array(z.strictObject({ id: candidateIdText, score: z.number() })),
  kept: z.array(candidateIdText),
  discarded: z.array(candidateIdText),
});

/** A learned abstraction as stored: its body is program text (combined form, `#i` parameters). */
export const libraryEntrySchema = z.strictObject({ name: z.string().min(1), arity: count, body: z.string().min(1) });
export const librarySchema = z.array(libraryEntrySchema);

export const reportSchema = z.strictObject({
  iterations: z.number().int().positive(),
  selectionMetric: z.enum(['validation', 'train', 'kfold']),
  best: z.array(
    z.strictObject({ id: candidateIdText, program: z.string(), nodes: count, edges: count, score: z.number(), validation: score, test: score }),
  ),
  baselines: z.array(z.strictObject({ kind: z.string(), validation: score, test: score, status: z.string() })),
  inventions: z.array(z.string()),
  candidatesTrained: count,
});

const splitBaseRateSchema = z.strictObject({ baseRate: z.number().min(0).max(1), examples: z.number().int().min(0) });
export const baseRateSchema = z.strictObject({
  baseRate: z.number().min(0).max(1).nullable(),
  split: z.literal('test'),
  splits: z.strictObject({ validation: splitBaseRateSchema.nullable(), test: splitBaseRateSchema.nullable() }).optional(),
});

/** The schema of the state file at `relPath`, or undefined when a run holds no such file. */
export function recordSchemaFor(relPath: string): z.ZodType | undefined {
  if (/^candidates\/[0-9a-f]{16}\.json$/.test(relPath)) return candidateRecordSchema;
  if (/^baselines\/[a-z]+\.json$/.test(relPath)) return baselineRecordSchema;
  if (/^iterations\/[1-9]\d*\/population\.json$/.test(relPath)) return populationSchema;
  if (/^iterations\/[1-9]\d*\/selection\.json$/.test(relPath)) return selectionSchema;
  if (/^dsl\/iteration-\d+\.json$/.test(relPath)) return dslFileSchema;
  if (/^dsl\/iteration-\d+\.library\.json$/.test(relPath)) return librarySchema;
  if (relPath === 'report.json') return reportSchema;
  if (relPath === 'base-rate.json') return baseRateSchema;
  return undefined;
}

/** Directories (and top-level files) of a run that hold state files. */
export const RECORD_DIRECTORIES = ['candidates', 'baselines', 'iterations', 'dsl'] as const;
export const RECORD_FILES = ['report.json', 'base-rate.json'] as const;

/** The search settings in a manifest (`config`), checked field by field. */
export const populationSearchConfigSchema = z.strictObject({
  iterations: z.number().int().positive(),
  population: z.number().int().positive(),
  keep: z.number().int().positive(),
  seed: z.number().int(),
  selection: z.strictObject({ metric: z.enum(['validation', 'train', 'kfold']), folds: z.number().int().positive() }),
  explore: z.strictObject({
    maxPrograms: z.number().int().positive(),
    maxSize: z.number().int().positive(),
    seconds: z.number().positive().optional(),
    strategy: z.enum(ENUMERATION_STRATEGY_NAMES as [string, ...string[]]).optional(),
  }),
  compress: z.looseObject({ arity: count, iterations: count }),
  reweight: z.strictObject({ pseudoCount: z.number().positive() }),
  baselines: z.array(z.string().regex(/^[a-z]+$/)),
  training: z.record(z.string(), z.unknown()),
});

const modelDigests = z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/));

/** What every logged event holds; `records` are the state files the event commits. */
export const loggedEventSchema = z.looseObject({
  type: z.enum(['initialized', 'iteration-start', 'explored', 'training', 'trained', 'selected', 'compressed', 'done', 'base-rate']),
  time: z.string(),
  records: z.record(z.string(), z.unknown()).optional(),
  /** Digests (sha256) of the files of each model a `trained` event commits, by model directory. */
  models: z.record(z.string().regex(/^models\/[\w.-]+(\/fold-\d+)?$/), modelDigests).optional(),
});

/** `path.to.field: message` for the first problem zod found (fields as a run's files name them). */
export function firstIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  const field = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') return { field: field || '(top level)', message: `unexpected field(s) ${issue.keys.join(', ')}` };
  return { field: field || '(top level)', message: issue.message };
}

/** The search settings of a run's manifest, or the first field that is wrong with them. */
export function populationSearchConfigFromManifest(config: unknown): { ok: true; value: PopulationSearchConfig } | { ok: false; error: { field: string; message: string } } {
  const parsed = populationSearchConfigSchema.safeParse(config);
  if (!parsed.success) return { ok: false, error: firstIssue(parsed.error) };
  const value = parsed.data as unknown as PopulationSearchConfig;
  const problems = validatePopulationSearchConfig(value);
  if (problems.length > 0) return { ok: false, error: { field: '(settings)', message: problems.join('; ') } };
  return { ok: true, value };
}

/** A state file of a run read back and checked against its schema; undefined when absent. */
export function readRecordFile<T>(store: RunStore, relPath: string): T | undefined {
  const value = store.readJson<unknown>(relPath);
  if (value === undefined) return undefined;
  const schema = recordSchemaFor(relPath);
  if (!schema) throw new RangeError(`${relPath} is not a state file of a search run`);
  const checked = schema.safeParse(value);
  if (!checked.success) {
    const issue = firstIssue(checked.error);
    throw new RunStoreError('corrupt', `${store.resolve(relPath)}: field "${issue.field}": ${issue.message}`, 'resume the run (synth search --resume --out DIR) to repair it from its event log');
  }
  return value as T;
}
