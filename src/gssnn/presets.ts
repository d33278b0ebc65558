/**
 * Named hyperparameter sets. `paper` is the original run's configuration exactly (from its
 * log.json and network.py; docs/models.md derives it line by line); `small` trains one
 * RAVEN model in seconds on two CPU cores; `tiny` is for tests (seconds).
 *
 * `small` and `tiny` train for at least a fixed number of optimizer steps (`minSteps`): with
 * a fixed epoch count, 128 examples gave the deeper heads (the MLP baseline and the G-SSNN)
 * too few steps to leave the loss plateau of their initialization (MNIST, 10 classes: train
 * accuracy 17-30% after 48-80 steps, 73-94% after 192-240; docs/models.md).
 *
 * `small` warms its learning rate up over its first 48 steps: without it, Adam's first
 * full-size steps left G-SSNNs with an output that no longer depended on the input on some
 * seeds (MNIST < 5, 512 examples: 2 of 5 runs at the base rate, loss at ln 2 to the end;
 * benchmarks/results/warmup.json, docs/models.md). It has no plateau schedule and takes at
 * least 288 steps: stepped with every batch's noisy loss, the original's schedule halved the
 * rate every 65 steps while a G-SSNN still sat on its initial plateau, so that on 256-512
 * MNIST examples many runs never left it (train accuracy 49-73%, test at the base rate on
 * some seeds, under 192 steps); without it and with 288 steps every run of
 * `benchmarks/small-schedule.ts` fits (docs/models.md).
 */
import type { VitEncoderConfig } from './encoders/vit.ts';
import type { TrainConfig } from './train/trainer.ts';

export type PresetName = 'tiny' | 'small' | 'paper';
export const PRESET_NAMES: readonly PresetName[] = ['tiny', 'small', 'paper'];

/** The ViT encoder's sizes a preset fixes (the data set gives the channels, the model the output width). */
export type ImageEncoderSizes = Omit<VitEncoderConfig, 'kind' | 'channels' | 'outputDim'>;

export interface Preset {
  readonly name: PresetName;
  readonly image: ImageEncoderSizes;
  /** Hidden widths of the MLP encoder used for vector inputs. */
  readonly vectorHidden: readonly number[];
  readonly graphDim: number;
  readonly gnnDepth: number;
  readonly gnnUpdate: 'linear' | 'mlp';
  readonly maxConn: number;
  readonly dropout: number;
  readonly train: Omit<TrainConfig, 'seed'>;
  /** Split sizes requested from the data set (training examples, validation, test). */
  readonly data: { readonly trainSize: number; readonly validationSize: number; readonly testSize: number };
}

/** The original's plateau schedule, stepped with every batch's loss. */
const ORIGINAL_PLATEAU = { factor: 0.5, patience: 50, threshold: 1e-4, cooldown: 15 } as const;

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  paper: {
    name: 'paper',
    image: { inputSize: 128, downsampledSize: 8, dim: 256, depth: 2, heads: 4, headDim: 128, mlpDim: 512, convDepth: 3 },
    vectorHidden: [256],
    graphDim: 512,
    gnnDepth: 3,
    gnnUpdate: 'linear',
    maxConn: 10,
    dropout: 0.3,
    train: {
      epochs: 16,
      batchSize: 8,
      optimizer: { kind: 'adam', lr: 1e-3 },
      scheduler: ORIGINAL_PLATEAU,
      loss: 'binary-cross-entropy',
    },
    data: { trainSize: 128, validationSize: 1200, testSize: 1200 },
  },
  small: {
    name: 'small',
    image: { inputSize: 32, downsampledSize: 4, dim: 32, depth: 1, heads: 2, headDim: 16, mlpDim: 64, convDepth: 1 },
    vectorHidden: [64],
    graphDim: 64,
    gnnDepth: 2,
    gnnUpdate: 'linear',
    maxConn: 10,
    dropout: 0.1,
    train: {
      epochs: 6,
      minSteps: 288,
      batchSize: 16,
      optimizer: { kind: 'adam', lr: 2e-3 },
      warmupSteps: 48,
      scheduler: null,
      loss: 'cross-entropy',
    },
    data: { trainSize: 512, validationSize: 200, testSize: 500 },
  },
  tiny: {
    name: 'tiny',
    image: { inputSize: 16, downsampledSize: 4, dim: 16, depth: 1, heads: 2, headDim: 8, mlpDim: 32, convDepth: 1 },
    vectorHidden: [16],
    graphDim: 32,
    gnnDepth: 2,
    gnnUpdate: 'linear',
    maxConn: 10,
    dropout: 0.1,
    train: {
      epochs: 10,
      minSteps: 240,
      batchSize: 16,
      optimizer: { kind: 'adam', lr: 3e-3 },
      scheduler: null,
      loss: 'cross-entropy',
    },
    data: { trainSize: 128, validationSize: 64, testSize: 128 },
  },
};

/**
 * The training schedule of `preset`, with `epochs` when given: an explicit epoch count is
 * exactly that many epochs (it replaces the preset's minimum step budget).
 */
export function scheduleFor(preset: Preset, epochs?: number): Omit<TrainConfig, 'seed'> {
  if (epochs === undefined) return preset.train;
  const { minSteps: _budget, ...rest } = preset.train;
  return { ...rest, epochs };
}

export function getPreset(name: string): Preset {
  const preset = (PRESETS as Record<string, Preset>)[name];
  if (!preset) throw new RangeError(`unknown preset "${name}"; use one of ${PRESET_NAMES.join(', ')}`);
  return preset;
}
