/**
 * A benchmark suite as data: which tasks, training sizes, seeds and models to train, under
 * which preset, and where the selected G-SSNN program comes from (a search the suite runs
 * first, a given search run directory, or a given program). Validated with zod so that a
 * suite written by hand fails with the path of the bad field.
 */
import { z } from 'zod';
import { MEASURE_NAMES } from '../analysis/measures.ts';
import { UserFacingError } from '../util/errors.ts';

/** Model names on the leaderboard, in table order. */
export const LEADERBOARD_MODELS = ['gssnn-selected', 'gssnn-random', 'gssnn-chain', 'gssnn-star', 'gssnn-complete', 'linear', 'mlp'] as const;
export type LeaderboardModel = (typeof LEADERBOARD_MODELS)[number];

export const MODEL_DESCRIPTIONS: Readonly<Record<LeaderboardModel, string>> = {
  'gssnn-selected': 'G-SSNN wired by the selected program (see above)',
  'gssnn-random': 'G-SSNN on a random connected graph with the same node and edge counts',
  'gssnn-chain': 'G-SSNN on a chain of about the same element count',
  'gssnn-star': 'G-SSNN on a star of about the same element count',
  'gssnn-complete': 'G-SSNN on a complete graph of about the same element count',
  linear: 'the same encoder with a linear head',
  mlp: 'the encoder, then an MLP with exactly the G-SSNN parameter count',
};

const positiveInt = z.number().int().positive();
const seed = z.number().int().min(0).max(2 ** 32 - 1);
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes');
const presetName = z.enum(['tiny', 'small', 'paper']);

export const searchSourceSchema = z.strictObject({
  kind: z.literal('search'),
  /** Data set the search trains its candidates on. */
  data: z.string().min(1),
  preset: presetName,
  seed,
  iterations: positiveInt,
  population: z.number().int().min(2),
  keep: positiveInt,
  maxPrograms: positiveInt,
  maxSize: positiveInt,
  /** Candidates are graphs of at least / at most this many nodes (novelty search). */
  minNodes: z.number().int().min(2).optional(),
  maxNodes: z.number().int().min(2).optional(),
  trainSize: positiveInt,
  /** Absent: the preset's schedule (with its minimum steps). */
  epochs: positiveInt.optional(),
  compressIterations: z.number().int().min(0),
  arity: z.number().int().min(0).max(5),
});

export const selectedSourceSchema = z.discriminatedUnion('kind', [
  searchSourceSchema,
  /** A finished `synth search` run: its report's best program. */
  z.strictObject({ kind: z.literal('run'), dir: z.string().min(1) }),
  /** A program text (inventions inline as `{fn_k}(body)`). */
  z.strictObject({ kind: z.literal('program'), program: z.string().min(1) }),
]);
export type SelectedSource = z.infer<typeof selectedSourceSchema>;
export type SearchSource = z.infer<typeof searchSourceSchema>;

export const taskSpecSchema = z.strictObject({
  /** Row label on the leaderboard. */
  name: slug,
  /** A data set name of `synth data list`. */
  dataset: z.string().min(1),
});
export type TaskSpec = z.infer<typeof taskSpecSchema>;

/**
 * A reference protocol trained beside the suite's grid: one graph-free model under its own
 * preset and sizes, every seed on ONE split (as the original trained its baseline's
 * initializations on one split), optionally with a published result to stand beside.
 */
export const referenceSchema = z.strictObject({
  name: slug,
  description: z.string(),
  dataset: z.string().min(1),
  model: z.enum(['linear', 'mlp']),
  preset: presetName,
  trainSize: positiveInt,
  validationSize: z.number().int().min(1),
  testSize: positiveInt,
  splitSeed: seed,
  seeds: z.array(seed).min(1),
  published: z
    .strictObject({
      mean: z.number().min(0).max(1),
      std: z.number().min(0),
      runs: positiveInt,
      /** Which accuracy the publication reports (its split). */
      metric: z.string(),
      source: z.string(),
    })
    .optional(),
});
export type ReferenceSpec = z.infer<typeof referenceSchema>;

export const suiteSchema = z
  .strictObject({
    name: slug,
    description: z.string(),
    tasks: z.array(taskSpecSchema).min(1),
    trainSizes: z.array(positiveInt).min(1),
    seeds: z.array(seed).min(1),
    models: z.array(z.enum(LEADERBOARD_MODELS)).min(1),
    preset: presetName,
    /** Absent: the preset's schedule (its epochs, and its minimum steps on small training sets). */
    epochs: positiveInt.optional(),
    validationSize: z.number().int().min(1),
    testSize: positiveInt,
    selected: selectedSourceSchema,
    /** Gradient coherence is tracked through training for these models, at the largest size, first seed. */
    coherence: z.strictObject({ models: z.array(z.enum(LEADERBOARD_MODELS)), sample: z.number().int().min(2), every: positiveInt }),
    /** Generalization measures computed on each trained model, on this many training examples. */
    measures: z.strictObject({ names: z.array(z.string()), examples: positiveInt }),
    references: z.array(referenceSchema).optional(),
  })
  .superRefine((suite, ctx) => {
    const dupes = (xs: readonly (string | number)[]) => xs.filter((x, i) => xs.indexOf(x) !== i);
    for (const [key, values] of [
      ['tasks', suite.tasks.map((t) => t.name)],
      ['trainSizes', suite.trainSizes],
      ['seeds', suite.seeds],
      ['models', suite.models],
      ['references', (suite.references ?? []).map((r) => r.name)],
    ] as const) {
      const repeated = dupes(values);
      if (repeated.length > 0) ctx.addIssue({ code: 'custom', path: [key], message: `repeated entries: ${repeated.join(', ')}` });
    }
    suite.measures.names.forEach((name, i) => {
      if (!(MEASURE_NAMES as readonly string[]).includes(name)) ctx.addIssue({ code: 'custom', path: ['measures', 'names', i], message: `unknown measure "${name}" (known: ${MEASURE_NAMES.join(', ')})` });
    });
    (suite.references ?? []).forEach((r, i) => {
      if (suite.tasks.some((t) => t.name === r.name)) ctx.addIssue({ code: 'custom', path: ['references', i, 'name'], message: `"${r.name}" is also a task name` });
    });
    for (const m of suite.coherence.models) {
      if (!suite.models.includes(m)) ctx.addIssue({ code: 'custom', path: ['coherence', 'models'], message: `${m} is not among the suite's models` });
    }
  });
export type Suite = z.infer<typeof suiteSchema>;

export class SuiteError extends UserFacingError {
  constructor(message: string, hint: string) {
    super(message, { kind: 'usage', hint });
  }
}

/** Validates a suite; the error names each bad field by its path. */
export function parseSuite(value: unknown, source: string): Suite {
  const parsed = suiteSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
  throw new SuiteError(`${source}: invalid suite: ${problems.join('; ')}`, 'see docs/leaderboard.md for the suite format');
}

const CHEAP_MEASURES = ['margin', 'inverse-margin', 'l2', 'log-prod-of-fro', 'log-prod-of-spec-over-margin', 'path-norm'];
const ALL_MODELS = [...LEADERBOARD_MODELS];

/** The original's 50 baseline runs on RAVEN constant colour (128 training matrices, 16 epochs). */
const ORIGINAL_BASELINE = {
  mean: 0.6714,
  std: 0.022,
  runs: 50,
  metric: 'accuracy on its 1,200-matrix evaluation split',
  source: 'shlomenu/symbolically_synthesized_networks@f960ecd, results/128_const_color_1_iteration_baseline_{0..49}.json',
};

/** The committed leaderboard's suite (also the base of `small-original`). */
const SMALL_SPEC = {
  name: 'small',
  description:
    'RAVEN constant colour (the original task) and two MNIST binary tasks, training sizes 32 to 512, five seeds, all seven models under preset `small`; ' +
    'the selected program is the best of a search on RAVEN among graphs of 6 to 9 nodes that is not itself its chain, star or complete control. ' +
    "Beside the grid, the original's baseline protocol on RAVEN (preset `paper`, 128 training examples, five initializations on one split) with its published result.",
  tasks: [
    { name: 'raven-constant-color', dataset: 'raven' },
    { name: 'mnist-even-odd', dataset: 'mnist-even-odd' },
    { name: 'mnist-lt5', dataset: 'mnist-lt5' },
  ],
  trainSizes: [32, 64, 128, 256, 512],
  seeds: [0, 1, 2, 3, 4],
  models: ALL_MODELS,
  preset: 'small',
  validationSize: 200,
  testSize: 500,
  selected: { kind: 'search', data: 'raven', preset: 'small', seed: 0, iterations: 2, population: 8, keep: 4, maxPrograms: 50000, maxSize: 30, minNodes: 6, maxNodes: 9, trainSize: 512, compressIterations: 1, arity: 2 },
  coherence: { models: ['gssnn-selected', 'mlp'], sample: 16, every: 8 },
  measures: { names: CHEAP_MEASURES, examples: 64 },
  references: [
    {
      name: 'raven-constant-color-paper',
      description: "The original's baseline protocol: the paper encoder with a linear head, 128 training matrices, 16 epochs, batch 8; five initializations on one split.",
      dataset: 'raven',
      model: 'linear',
      preset: 'paper',
      trainSize: 128,
      validationSize: 1200,
      testSize: 1200,
      splitSeed: 0,
      seeds: [0, 1, 2, 3, 4],
      published: ORIGINAL_BASELINE,
    },
  ],
};

/** A program of the original run's final population (representations-11133693c91b7798761ba0e3356fbe93.json). */
const ORIGINAL_PROGRAM =
  '({fn_12}(lam ({fn_0}(lam (push (add (connect $0)))) (next_port $0))) ({fn_11}(lam (add (connect $0))) (next_port ({fn_10}(lam ({fn_9}(lam ({fn_1}(lam ({fn_0}(lam (push (add (connect $0)))) (next_port ({fn_0}(lam (push (add (connect $0)))) $0)))) (next_port $0))) ({fn_9}(lam ({fn_1}(lam ({fn_0}(lam (push (add (connect $0)))) (next_port ({fn_0}(lam (push (add (connect $0)))) $0)))) (next_port $0))) $0))) ({fn_1}(lam ({fn_0}(lam (push (add (connect $0)))) (next_port ({fn_0}(lam (push (add (connect $0)))) $0)))) identity)))))';

/**
 * The built-in suites. `tiny` runs end to end in about a minute on two cores (CI); `small`
 * is the committed leaderboard (hours on two cores); `full` is for real machines (the paper
 * preset, the original's 128 training examples among the sizes).
 */
export const SUITES: Readonly<Record<string, Suite>> = {
  tiny: parseSuite(
    {
      name: 'tiny',
      description: 'Smoke test: one RAVEN task, two sizes, two seeds, three models, one epoch each.',
      tasks: [{ name: 'raven-constant-color', dataset: 'raven' }],
      trainSizes: [8, 16],
      seeds: [0, 1],
      models: ['gssnn-selected', 'gssnn-chain', 'linear'],
      preset: 'tiny',
      epochs: 1,
      validationSize: 8,
      testSize: 32,
      selected: { kind: 'search', data: 'raven', preset: 'tiny', seed: 0, iterations: 1, population: 2, keep: 1, maxPrograms: 2000, maxSize: 12, trainSize: 16, epochs: 1, compressIterations: 0, arity: 1 },
      coherence: { models: ['gssnn-selected'], sample: 4, every: 1 },
      measures: { names: ['margin', 'l2', 'path-norm'], examples: 16 },
    },
    'suite tiny',
  ),
  small: parseSuite(SMALL_SPEC, 'suite small'),
  // The small suite wired by a program of the original run's final population (9 nodes, 8 edges),
  // so that wirings of a real size can be told apart while the search finds only tiny graphs.
  'small-original': parseSuite(
    {
      ...SMALL_SPEC,
      name: 'small-original',
      description: "As `small` without its reference protocol, but `gssnn-selected` is wired by a program of the original run's final population (results/ssn_0_0, representations-11133693...).",
      selected: { kind: 'program', program: ORIGINAL_PROGRAM },
      references: [],
    },
    'suite small-original',
  ),
  full: parseSuite(
    {
      name: 'full',
      description: 'For real machines: five tasks, five sizes up to 1024 (128 as the original), ten seeds, all models, the paper preset.',
      tasks: [
        { name: 'raven-constant-color', dataset: 'raven' },
        { name: 'raven-progression-color', dataset: 'raven-progression-color' },
        { name: 'raven-distribute-three-type', dataset: 'raven-distribute-three-type' },
        { name: 'mnist-even-odd', dataset: 'mnist-even-odd' },
        { name: 'mnist-lt5', dataset: 'mnist-lt5' },
      ],
      trainSizes: [32, 64, 128, 256, 1024],
      seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      models: ALL_MODELS,
      preset: 'paper',
      validationSize: 300,
      testSize: 600,
      selected: { kind: 'search', data: 'raven', preset: 'paper', seed: 0, iterations: 5, population: 10, keep: 5, maxPrograms: 20000, maxSize: 30, minNodes: 6, trainSize: 128, compressIterations: 2, arity: 2 },
      coherence: { models: ['gssnn-selected', 'gssnn-random', 'mlp'], sample: 32, every: 8 },
      measures: { names: CHEAP_MEASURES, examples: 256 },
      references: SMALL_SPEC.references,
    },
    'suite full',
  ),
};

export function suiteByName(name: string): Suite {
  const suite = SUITES[name];
  if (!suite) throw new SuiteError(`unknown suite "${name}"`, `use one of ${Object.keys(SUITES).join(', ')}, or --suite-file FILE.json`);
  return suite;
}
