/** `synth train`: train one G-SSNN (from a program) or one baseline on a data set. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { DataError } from '../../data/datasets.ts';
import { runProgramText } from '../../dsl/programRecord.ts';
import type { ProgramGraph } from '../../dsl/graph.ts';
import { BACKEND_NAMES, parseBackendName } from '../../gssnn/backend.ts';
import { InjectionError } from '../../gssnn/inject.ts';
import type { ModelKindName } from '../../gssnn/models/index.ts';
import { getPreset, PRESET_NAMES } from '../../gssnn/presets.ts';
import type { GradientRuleConfig } from '../../gssnn/train/gradientRules.ts';
import type { OptimizerConfig } from '../../gssnn/train/optimizers.ts';
import type { Preset } from '../../gssnn/presets.ts';
import { BASELINE_KINDS, baselineModelKind, percent, pValueText, trainOne } from '../../pipeline/index.ts';
import { dslFromFlag } from '../dslFlag.ts';
import { UserError } from '../errors.ts';
import { parseChoice, parseInteger, parseNumber } from '../options.ts';
import { requireWritableDirectory } from '../outputs.ts';

/** Seeds and sizes are 32-bit unsigned integers. */
const UINT32_MAX = 2 ** 32 - 1;

interface TrainOptions {
  program?: string;
  baseline?: string;
  data: string;
  dsl?: string;
  preset: string;
  seed: string;
  splitSeed: string;
  epochs?: string;
  trainSize?: string;
  validationSize?: string;
  testSize?: string;
  elements?: string;
  reproduceOriginal?: boolean;
  out?: string;
  backend?: string;
  json?: boolean;
  initialWeights: boolean;
  optimizer?: string;
  baseOptimizer?: string;
  lr?: string;
  warmupSteps?: string;
  momentum?: string;
  rho?: string;
  safCoefficient?: string;
  safTemperature?: string;
  safLag?: string;
  winsorize?: string;
}

const OPTIMIZERS = ['sgd', 'adam', 'sam', 'saf', 'winsorized', 'm3', 'rm3'] as const;
type OptimizerName = (typeof OPTIMIZERS)[number];

/** What `--optimizer` and its parameters make of the preset's recipe (recorded in the saved model). */
interface OptimizerChoice {
  readonly name: OptimizerName;
  readonly optimizer: OptimizerConfig;
  readonly rule?: GradientRuleConfig;
}

export function register(program: Command): void {
  program
    .command('train')
    .description('Train one G-SSNN (wired by a program) or one baseline on a data set and report its metrics')
    .option('--program <P>', 'program text, or a file holding it (a program record .json with a "program" field, or plain text)')
    .option('--baseline <kind>', `train a baseline instead: ${BASELINE_KINDS.join(', ')}`)
    .requiredOption('--data <name>', 'data set name (see `synth data list`)')
    .option('--dsl <file>', 'DSL file to resolve invention names in Stitch-form programs')
    .option('--preset <name>', `hyperparameters: ${PRESET_NAMES.join(', ')}`, 'small')
    .option('--seed <n>', 'seeds initialization, dropout and data order', '0')
    .option('--split-seed <n>', 'seeds the data set split and label controls', '0')
    .option('--epochs <n>', "override the preset's epoch count")
    .option('--train-size <n>', "override the preset's training-set size")
    .option('--validation-size <n>', "override the preset's validation-set size")
    .option('--test-size <n>', "override the preset's test-set size")
    .option('--elements <n>', 'element count (nodes + edges) of random/chain/star/complete wirings without --program')
    .option('--reproduce-original', "inject as the original did (each edge twice, its code layout)")
    .option('--out <dir>', 'save the trained model (model.json + weights.bin) in this directory')
    .option('--backend <name>', `tensor backend: ${BACKEND_NAMES.join(', ')} (default: SYNTH_BACKEND or the fastest available)`)
    .option('--json', 'print the final metrics as one JSON object on the last line')
    .option('--no-initial-weights', 'do not save the weights at initialization beside the model (halves its size; the distance-from-init measures then cannot run)')
    .option('--optimizer <name>', `${OPTIMIZERS.join(', ')} (default: the preset's, adam); sam, saf, winsorized, m3 and rm3 change the gradient a base optimizer steps along`)
    .option('--base-optimizer <name>', "sgd or adam: what steps along the gradient of sam, saf, winsorized, m3, rm3 (default: the preset's)")
    .option('--lr <x>', "learning rate (default: the preset's)")
    .option('--warmup-steps <n>', "raise the learning rate linearly over this many first steps (default: the preset's; 0: none)")
    .option('--momentum <m>', 'heavy-ball momentum of sgd (default 0)')
    .option('--rho <r>', 'SAM: radius of the ascent step (default 0.05)')
    .option('--saf-coefficient <lambda>', 'SAF: weight of the trajectory loss (default 0.3)')
    .option('--saf-temperature <tau>', 'SAF: softmax temperature (default 5)')
    .option('--saf-lag <epochs>', 'SAF: compare with the outputs of this many epochs earlier (default 3)')
    .option('--winsorize <c>', 'winsorized: clip each gradient coordinate to its (c+1)-th smallest and largest value over the batch (default 1)')
    .action(async (options: TrainOptions) => {
      await runTrain(options);
    });
}

async function runTrain(options: TrainOptions): Promise<void> {
  if ((options.program === undefined) === (options.baseline === undefined)) {
    throw new UserError('give exactly one of --program and --baseline', `e.g. --program ${EXAMPLE_PROGRAM} or --baseline linear`);
  }
  const preset = (() => {
    try {
      return getPreset(options.preset);
    } catch {
      throw new UserError(`--preset: unknown preset "${options.preset}"`, `use one of ${PRESET_NAMES.join(', ')}`);
    }
  })();
  const seed = parseInteger('--seed', options.seed, 0, UINT32_MAX);
  const splitSeed = parseInteger('--split-seed', options.splitSeed, 0, UINT32_MAX);
  const epochs = options.epochs === undefined ? undefined : parseInteger('--epochs', options.epochs, 0, UINT32_MAX);
  const warmupSteps = options.warmupSteps === undefined ? undefined : parseInteger('--warmup-steps', options.warmupSteps, 0, UINT32_MAX);
  const trainSize = options.trainSize === undefined ? preset.data.trainSize : parseInteger('--train-size', options.trainSize, 1, UINT32_MAX);
  const validationSize = options.validationSize === undefined ? preset.data.validationSize : parseInteger('--validation-size', options.validationSize, 0, UINT32_MAX);
  const testSize = options.testSize === undefined ? preset.data.testSize : parseInteger('--test-size', options.testSize, 1, UINT32_MAX);
  const elements = options.elements === undefined ? undefined : parseInteger('--elements', options.elements, 1, UINT32_MAX);
  const kind = modelKind(options);
  const choice = optimizerChoice(options, preset);
  if (kind === 'gssnn' && options.elements !== undefined) throw new UserError('--elements applies only to random, chain, star and complete baselines');

  // Checked before training, so a finished model is never lost to an unwritable folder.
  if (options.out !== undefined) requireWritableDirectory(options.out, '--out');
  const programText = options.program === undefined ? undefined : readProgramText(options.program);
  const graph = programText === undefined ? undefined : programGraph(programText, options);

  let trained;
  try {
    trained = await trainOne({
      kind,
      program: programText,
      graph,
      elements,
      data: options.data,
      splitSeed,
      sizes: { trainSize, validationSize, testSize },
      preset,
      seed,
      reproduceOriginal: options.reproduceOriginal,
      train: { ...(epochs === undefined ? {} : { epochs }), ...(warmupSteps === undefined ? {} : { warmupSteps }), optimizer: choice.optimizer, ...(choice.rule ? { rule: choice.rule } : {}) },
      optimizerName: choice.name,
      backend: options.backend === undefined ? undefined : parseBackendName(options.backend, '--backend'),
      out: options.out,
      saveInitialWeights: options.initialWeights,
      onEpoch: ({ epoch, trainLoss, lr }) => process.stderr.write(`epoch ${epoch + 1}: train loss ${trainLoss.toFixed(4)}, lr ${lr.toExponential(2)}\n`),
    });
  } catch (err) {
    if (err instanceof DataError) {
      const sizes = `preset ${preset.name} asks for ${trainSize} training, ${validationSize} validation and ${testSize} test examples`;
      throw new UserError(`--data ${options.data}: ${err.message} (${sizes})`, `${err.hint ? `${err.hint}; ` : ''}use --train-size, --validation-size, --test-size`);
    }
    if (err instanceof InjectionError) throw new UserError(`--program: ${err.message}`, 'try --preset paper (graph dimension 512)');
    throw err;
  }
  const { summary, examples } = trained;
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    const line = (name: 'train' | 'validation' | 'test') => {
      const comparison = name === 'train' ? null : summary.vsBaseRate[name];
      const verdict = comparison === null ? '' : comparison.verdict === 'above' ? `, above it (p ${pValueText(comparison.pAbove)})` : comparison.verdict === 'below' ? ', BELOW it' : ', indistinguishable from it';
      const rate = summary.baseRate[name];
      return `  ${name.padEnd(10)} ${percent(summary[name].accuracy).padStart(6)}  (loss ${summary[name].loss.toFixed(4)}; base rate ${rate === null ? 'n/a' : percent(rate)} of ${examples[name]}${verdict})\n`;
    };
    process.stdout.write(
      `${kind} on ${summary.data} (preset ${preset.name}, seed ${seed}, ${summary.backend}): ${summary.status}, ${summary.parameterCount} parameters\n` +
        line('train') +
        line('validation') +
        line('test') +
        (options.out ? `  saved to ${options.out}\n` : ''),
    );
  }
  for (const w of summary.warnings) process.stderr.write(`warning: ${w}\n`);
  if (summary.status === 'diverged') process.stderr.write(`training diverged at step ${summary.divergedAt?.step} (loss ${summary.divergedAt?.loss})\n`);
}

function optimizerChoice(options: TrainOptions, preset: Preset): OptimizerChoice {
  const name = options.optimizer === undefined ? preset.train.optimizer.kind : parseChoice('--optimizer', options.optimizer, OPTIMIZERS);
  const only = (flag: string, value: string | undefined, allowed: readonly OptimizerName[]) => {
    if (value !== undefined && !allowed.includes(name)) throw new UserError(`${flag} applies to --optimizer ${allowed.join(' or ')}, not ${name}`, `drop ${flag} or choose --optimizer ${allowed[0]}`);
  };
  only('--rho', options.rho, ['sam']);
  for (const [flag, value] of [['--saf-coefficient', options.safCoefficient], ['--saf-temperature', options.safTemperature], ['--saf-lag', options.safLag]] as const) only(flag, value, ['saf']);
  only('--winsorize', options.winsorize, ['winsorized']);
  only('--base-optimizer', options.baseOptimizer, ['sam', 'saf', 'winsorized', 'm3', 'rm3']);
  const baseKind = name === 'sgd' || name === 'adam' ? name : options.baseOptimizer === undefined ? preset.train.optimizer.kind : parseChoice('--base-optimizer', options.baseOptimizer, ['sgd', 'adam'] as const);
  if (options.momentum !== undefined && baseKind !== 'sgd') throw new UserError(`--momentum applies to sgd, but the steps are taken by ${baseKind}`, 'add --optimizer sgd (or --base-optimizer sgd), or drop --momentum');
  const lr = options.lr === undefined ? preset.train.optimizer.lr : parseNumber('--lr', options.lr, Number.MIN_VALUE);
  const optimizer: OptimizerConfig =
    baseKind === 'sgd' ? { kind: 'sgd', lr, ...(options.momentum === undefined ? {} : { momentum: parseNumber('--momentum', options.momentum, 0, 1) }) } : { kind: 'adam', lr };
  const rule: GradientRuleConfig | undefined =
    name === 'sam'
      ? { kind: 'sam', rho: options.rho === undefined ? 0.05 : parseNumber('--rho', options.rho, 0) }
      : name === 'saf'
        ? {
            kind: 'saf',
            coefficient: options.safCoefficient === undefined ? 0.3 : parseNumber('--saf-coefficient', options.safCoefficient, 0),
            temperature: options.safTemperature === undefined ? 5 : parseNumber('--saf-temperature', options.safTemperature, Number.MIN_VALUE),
            lag: options.safLag === undefined ? 3 : parseInteger('--saf-lag', options.safLag, 1),
          }
        : name === 'winsorized'
          ? { kind: 'winsorized', c: options.winsorize === undefined ? 1 : parseInteger('--winsorize', options.winsorize, 0) }
          : name === 'm3' || name === 'rm3'
            ? { kind: name }
            : undefined;
  return { name, optimizer, ...(rule ? { rule } : {}) };
}

function modelKind(options: TrainOptions): ModelKindName {
  if (options.program !== undefined) return 'gssnn';
  return baselineModelKind(parseChoice('--baseline', options.baseline!, BASELINE_KINDS));
}


/** An example for hints, in single quotes so that a shell passes it as it is. */
const EXAMPLE_PROGRAM = "'(push (add (connect identity)))'";
const PROGRAM_HINT = `a graph program is an s-expression of type S -> S ending in identity, e.g. --program ${EXAMPLE_PROGRAM} (single quotes keep the shell from expanding $0); inventions go inline as {fn_k}(body), or by name with --dsl`;

/** Text that can only be meant as a file name: no parentheses or spaces, and a folder or an extension. */
function looksLikePath(arg: string): boolean {
  return !/[()\s{}]/.test(arg) && (/[/\\]/.test(arg) || /\.(json|txt|sexp|lisp|prog)$/i.test(arg));
}

/** Program text from the argument, or from the file it names. */
function readProgramText(arg: string): string {
  if (!existsSync(arg)) {
    if (looksLikePath(arg)) throw new UserError(`--program: no such file ${arg}`, `check the path, or give the program text itself: ${PROGRAM_HINT}`);
    return arg;
  }
  if (statSync(arg).isDirectory()) throw new UserError(`--program: ${arg} is a directory`, 'give a program record (.json with a "program" field) or a plain-text file');
  const text = readFileSync(arg, 'utf8');
  if (!arg.endsWith('.json')) return text.trim();
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (err) {
    throw new UserError(`--program ${arg}: not valid JSON (${(err as Error).message})`, 'give a program record with a "program" field, or a plain-text file');
  }
  const program = (record as { program?: unknown })?.program;
  if (typeof program !== 'string') throw new UserError(`--program ${arg}: no "program" text field`, 'give a program record with a "program" field, or a plain-text file');
  return program;
}

/** Parses, type-checks at S -> S and evaluates the program, exactly as `synth eval` does. */
function programGraph(text: string, options: TrainOptions): ProgramGraph {
  const outcome = runProgramText(text, { dsl: dslFromFlag(options.dsl), source: '--program' });
  if (outcome.ok) return outcome.graph;
  const what = { parse: 'does not parse', type: 'does not type-check', budget: 'ran out of its evaluation budget', runtime: 'failed when evaluated', internal: 'met an internal error' }[outcome.error.kind];
  throw new UserError(`--program ${what}: ${outcome.error.message}`, PROGRAM_HINT);
}
