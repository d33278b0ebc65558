/** `synth data list` and `synth data preview`: what the data sets are, and what they look like. */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { loadDataset, type LabelControl, type LoadOptions } from '../../data/datasets.ts';
import { baseRate, classFractions } from '../../data/pool.ts';
import { classColour, MAX_PREVIEW_EXAMPLES, renderPreview } from '../../data/preview.ts';
import { summarizeDatasets } from '../../data/summary.ts';
import { UserError } from '../errors.ts';
import { parseInteger, parseNumber, parseOptionalInteger } from '../options.ts';
import { requireWritableFile } from '../outputs.ts';

function labelControl(flags: { labelNoise?: string; randomLabels?: boolean; labelSeed?: string }): LabelControl | undefined {
  const seed = parseOptionalInteger('--label-seed', flags.labelSeed, 0);
  if (flags.randomLabels && flags.labelNoise !== undefined) {
    throw new UserError('--random-labels and --label-noise cannot be used together', 'choose one: fully random labels, or noise at a rate');
  }
  if (flags.randomLabels) return { kind: 'random', seed };
  if (flags.labelNoise !== undefined) {
    const rate = parseNumber('--label-noise', flags.labelNoise, 0, 1);
    return { kind: 'noisy', rate, seed };
  }
  return undefined;
}

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

interface PreviewFlags {
  data: string;
  n: string;
  seed: string;
  out: string;
  split: string;
  imageSize?: string;
  trainSize?: string;
  validationSize?: string;
  testSize?: string;
  poolSize?: string;
  dataSeed?: string;
  workers?: string;
  labelNoise?: string;
  randomLabels?: boolean;
  labelSeed?: string;
}

export function register(program: Command): void {
  const data = program.command('data').description('Data sets: list them, preview them');

  data
    .command('list')
    .description('List every data set with its task, classes and base rate (majority-class accuracy)')
    .option('--json', 'print JSON instead of a table')
    .option('--data-seed <n>', 'RAVEN corpus seed to describe', '0')
    .option('--pool-size <n>', 'RAVEN pool size to describe (default: the data sets\' default)')
    .action(async (flags: { json?: boolean; dataSeed: string; poolSize?: string }) => {
      const rows = summarizeDatasets({ dataSeed: parseOptionalInteger('--data-seed', flags.dataSeed, 0), poolSize: parseOptionalInteger('--pool-size', flags.poolSize, 10) });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const lines = rows.map((r) => [r.name, r.task, String(r.classNames.length), percent(r.baseRate), String(r.poolSize), r.description]);
      const header = ['NAME', 'TASK', 'CLASSES', 'BASE RATE', 'POOL', 'DESCRIPTION'];
      const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
      const format = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
      process.stdout.write(`${[format(header), ...lines.map(format)].join('\n')}\n`);
    });

  data
    .command('preview')
    .description('Write a PNG grid of labelled examples (frame colour = class) and print the legend and base rate')
    .requiredOption('--data <name>', 'data set name (see `synth data list`)')
    .requiredOption('--out <file.png>', 'where to write the PNG')
    .option('--n <count>', `how many examples to show (at most ${MAX_PREVIEW_EXAMPLES})`, '16')
    .option('--seed <n>', 'split seed', '0')
    .option('--split <name>', 'train, validation or test', 'train')
    .option('--image-size <px>', 'image side (RAVEN default 32, MNIST 28)')
    .option('--train-size <n>', 'training examples (default: all the held-out sets leave)')
    .option('--validation-size <n>', 'validation examples (default per data set)')
    .option('--test-size <n>', 'test examples (default per data set)')
    .option('--pool-size <n>', 'RAVEN: matrices to generate before splitting')
    .option('--data-seed <n>', 'RAVEN: corpus seed (default 0)')
    .option('--workers <n>', 'RAVEN: worker threads generating the pool (default 1)')
    .option('--label-noise <rate>', 'replace each training label with another class at this rate')
    .option('--random-labels', 'replace training labels with uniform random classes')
    .option('--label-seed <n>', 'seed of the label noise or random labels')
    .action(async (flags: PreviewFlags) => {
      const n = parseInteger('--n', flags.n, 1);
      if (n > MAX_PREVIEW_EXAMPLES) throw new UserError(`--n: a preview shows at most ${MAX_PREVIEW_EXAMPLES} examples, got ${n}`, `use --n ${MAX_PREVIEW_EXAMPLES} or fewer; --seed and --split show other examples`);
      if (!['train', 'validation', 'test'].includes(flags.split)) {
        throw new UserError(`--split: expected train, validation or test, got "${flags.split}"`);
      }
      if (!flags.out.toLowerCase().endsWith('.png')) throw new UserError(`--out: expected a .png file name, got "${flags.out}"`, 'for example --out preview.png');
      requireWritableFile(flags.out, '--out', { overwrite: true });
      const options: LoadOptions = {
        seed: parseOptionalInteger('--seed', flags.seed, 0),
        imageSize: parseOptionalInteger('--image-size', flags.imageSize, 8),
        trainSize: parseOptionalInteger('--train-size', flags.trainSize, 1),
        validationSize: parseOptionalInteger('--validation-size', flags.validationSize, 0),
        testSize: parseOptionalInteger('--test-size', flags.testSize, 1),
        poolSize: parseOptionalInteger('--pool-size', flags.poolSize, 10),
        dataSeed: parseOptionalInteger('--data-seed', flags.dataSeed, 0),
        workers: parseOptionalInteger('--workers', flags.workers, 1),
        labels: labelControl(flags),
      };
      const dataset = await loadDataset(flags.data, options);
      const split = dataset[flags.split as 'train' | 'validation' | 'test'];
      const shown = Array.from({ length: Math.min(n, split.count) }, (_, i) => i);
      const fractions = classFractions(split.y, dataset.numClasses);
      const trueLabels = flags.split === 'train' ? dataset.trueTrainLabels : undefined;
      const flipped = trueLabels ? shown.filter((i) => trueLabels[i] !== split.y[i]).length : 0;
      const labelsLine =
        dataset.labels.kind === 'real'
          ? 'labels: real'
          : `labels: ${dataset.labels.kind === 'noisy' ? `noisy at rate ${dataset.labels.rate}` : 'random'}; ${flipped} of ${shown.length} shown changed (black corner, * then the true class)`;
      const legend = [
        `${dataset.name}: ${dataset.description}`,
        `${flags.split} split, seed ${options.seed}: ${shown.length} of ${split.count} examples; base rate (majority class) ${percent(baseRate(split.y, dataset.numClasses))}`,
        labelsLine,
        'frame colour = class; class shares of the split:',
      ];
      try {
        writeFileSync(flags.out, renderPreview({ split, inputShape: dataset.inputShape, classNames: dataset.classNames, indices: shown, legend, classFractions: fractions, trueLabels }));
      } catch (err) {
        throw new UserError(`cannot write ${flags.out}: ${(err as Error).message}`, 'check that the folder exists and is writable');
      }
      process.stdout.write(`${dataset.name}: ${dataset.description}\n`);
      process.stdout.write(`${shown.length} ${flags.split} examples of ${split.count} -> ${flags.out} (${labelsLine})\n`);
      dataset.classNames.forEach((name, c) => {
        const inPreview = shown.filter((i) => split.y[i] === c).length;
        process.stdout.write(`  ${classColour(c)[0].padEnd(7)} class ${c} ${name}: ${inPreview} shown, ${percent(fractions[c])} of the ${flags.split} split\n`);
      });
      process.stdout.write(`base rate (majority class) of the ${flags.split} split: ${percent(baseRate(split.y, dataset.numClasses))}\n`);
    });
}
