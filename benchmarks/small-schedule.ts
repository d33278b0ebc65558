/**
 * Why preset `small` has no plateau schedule and 288 steps: G-SSNNs (chain wiring, 11
 * elements) and the baselines trained under the schedule the preset had (the original's
 * per-batch plateau schedule, 192 steps) and under the current one, on the leaderboard's
 * tasks and sizes, five seeds each (a seed fixes the split, the initialization and the data
 * order, as in the leaderboard). Prints test / train accuracy per seed.
 *
 *   npx tsx benchmarks/small-schedule.ts [TASK [SIZES [MODELS [VARIANTS]]]]
 *   npx tsx benchmarks/small-schedule.ts mnist-lt5 256,512 gssnn-chain,mlp before,now
 */
import { loadDataset } from '../src/data/datasets.ts';
import { initBackend } from '../src/gssnn/backend.ts';
import type { ModelKindName } from '../src/gssnn/models/index.ts';
import { PRESETS } from '../src/gssnn/presets.ts';
import type { TrainConfig } from '../src/gssnn/train/trainer.ts';
import { trainModel } from '../src/gssnn/train/trainModel.ts';

await initBackend();
const preset = PRESETS.small;
const [task = 'mnist-lt5', sizes = '256,512', models = 'gssnn-chain', only] = process.argv.slice(2);
const ORIGINAL_PLATEAU = { factor: 0.5, patience: 50, threshold: 1e-4, cooldown: 15 };
const variants: Record<string, Partial<Omit<TrainConfig, 'seed'>>> = {
  before: { minSteps: 192, scheduler: ORIGINAL_PLATEAU },
  'no-plateau-192': { minSteps: 192, scheduler: null },
  'plateau-576': { minSteps: 576, scheduler: ORIGINAL_PLATEAU },
  now: {},
  'no-plateau-384': { minSteps: 384, scheduler: null },
};
const chosen = only ? only.split(',') : Object.keys(variants);
for (const n of sizes.split(',').map(Number))
  for (const kind of models.split(',') as ModelKindName[])
    for (const name of chosen) {
      const cells: string[] = [];
      for (let seed = 0; seed < 5; seed++) {
        const data = await loadDataset(task, { seed, imageSize: preset.image.inputSize, trainSize: n, validationSize: 200, testSize: 500, warn: () => undefined });
        const trained = trainModel({ kind, preset, data, elements: 11, seed, train: variants[name] });
        cells.push(`${trained.result.test.accuracy.toFixed(3)}/${trained.result.train.accuracy.toFixed(2)}`);
        trained.model.dispose();
      }
      console.log(`${task} n=${n} ${kind} ${name}: test/train per seed ${cells.join(' ')}`);
    }
