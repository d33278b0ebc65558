/**
 * Training a population: K models of one architecture (G-SSNNs of different wirings, or
 * baselines of one kind) trained in one computation, each member exactly as `train()` would
 * train it alone with its seed: its own initialization (taken from its own model), data
 * order, dropout masks, Adam state and step schedule (warm-up, plateau). A member whose loss stops being
 * finite is marked diverged at that step and keeps its weights; the others go on. Results
 * come back as the trained member models and `TrainResult`s, as `train()` returns them
 * (`trainSeconds`: the member's share, the population's training time over K).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset, Split } from '../../data/dataset.ts';
import { Random, deriveSeed } from '../../util/random.ts';
import { buildModel, type ModelSpec } from '../models/index.ts';
import type { Model } from '../models/model.ts';
import { epochBatches } from '../train/batches.ts';
import type { LossKind } from '../train/losses.ts';
import type { StepSchedule } from '../train/scheduler.ts';
import { epochsFor, stepScheduleFor, validateTrainConfig, type EpochRecord, type SplitMetrics, type TrainConfig, type TrainResult, type TrainStatus } from '../train/trainer.ts';
import { TracedComputation } from '../kernels/kernelTrace.ts';
import { PopulationAdam } from './adam.ts';
import { architectureKey, populationUnsupported, PopulationNetwork } from './network.ts';
import { gatherRowsOfMembers, oneHotOfMembers, stageSplit, type StagedSplit } from './staging.ts';

export interface PopulationMember {
  readonly spec: ModelSpec;
  readonly data: Dataset;
  readonly config: TrainConfig;
}

export interface TrainedMember {
  readonly model: Model & { readonly weightNames: readonly string[] };
  readonly result: TrainResult;
  /** The weights before training, in `model.variables` order (as `trainModel` returns them). */
  readonly initialWeights: Float32Array[];
}

/**
 * The key under which members may share a population (null: this member trains alone):
 * equal architecture, equal training schedule apart from the seed, equal split sizes.
 */
export function populationKey(member: PopulationMember): string | null {
  if (populationUnsupported(member.spec)) return null;
  // Gradient rules (SAM, SAF, ...) train alone with train().
  if (member.config.rule) return null;
  const { seed: _seed, ...schedule } = member.config;
  if (schedule.optimizer.kind !== 'adam') return null;
  const { train, validation, test } = member.data;
  return JSON.stringify([architectureKey(member.spec), schedule, member.data.inputShape, train.count, validation.count, test.count]);
}

interface MemberState {
  status: TrainStatus;
  /** Still taking optimizer steps. */
  training: boolean;
  steps: number;
  seen: number;
  lossSum: number;
  lossCount: number;
  history: EpochRecord[];
  divergedAt?: { step: number; epoch: number; loss: number };
  schedule: StepSchedule;
  order: Random;
}

export interface PopulationOptions {
  /**
   * Replay each step's recorded kernels instead of running them through tfjs's engine
   * (kernels/kernelTrace.ts; the same kernels on the same data, so the same bits). Default true.
   */
  readonly replayKernels?: boolean;
}

export function trainPopulation(members: readonly PopulationMember[], options: PopulationOptions = {}): TrainedMember[] {
  if (members.length === 0) return [];
  const key = populationKey(members[0]);
  members.forEach((m, k) => {
    const problems = validateTrainConfig(m.config);
    if (problems.length) throw new RangeError(`train: ${problems.join('; ')}`);
    if (m.data.train.count === 0) throw new RangeError(`train: data set ${m.data.name} has no training examples`);
    if (key === null || populationKey(m) !== key) throw new RangeError(`population member ${k} cannot train with member 0 (architecture, schedule or split sizes differ)`);
  });
  const models = members.map((m) => buildModel(m.spec));
  const initialWeights = models.map((model) => model.variables.map((v) => (v.dataSync() as Float32Array).slice()));
  let network: PopulationNetwork | null = null;
  let optimizer: PopulationAdam | null = null;
  const traces = (options.replayKernels ?? true) ? new Map<number, TracedComputation>() : null;
  try {
    network = new PopulationNetwork(
      members.map((m) => m.spec),
      models[0].weightNames,
      models.map((m) => m.variables),
    );
    const config = members[0].config;
    if (config.optimizer.kind !== 'adam') throw new RangeError('a population trains with Adam');
    optimizer = new PopulationAdam(config.optimizer, members.length);
    const results = run(network, optimizer, members, traces);
    // Each member's trained weights go back into its own model.
    models.forEach((model, k) => {
      const values = network!.memberValues(k);
      model.variables.forEach((v, i) => v.assign(values[i]));
      tf.dispose(values);
    });
    return models.map((model, k) => ({ model, result: results[k], initialWeights: initialWeights[k] }));
  } catch (err) {
    models.forEach((m) => m.dispose());
    throw err;
  } finally {
    traces?.forEach((t) => t.dispose());
    optimizer?.dispose();
    network?.dispose();
  }
}

/** `traces`: the step's trace per batch size (an epoch's last batch may be shorter), or null to run every step through the engine. */
function run(network: PopulationNetwork, optimizer: PopulationAdam, members: readonly PopulationMember[], traces: Map<number, TracedComputation> | null): TrainResult[] {
  const K = members.length;
  const config = members[0].config;
  const spec = members[0].spec;
  const classes = spec.numClasses;
  const staged = (pick: (d: Dataset) => Split) => members.map((m) => stageSplit(pick(m.data), spec.encoder));
  const train = staged((d) => d.train);
  const states: MemberState[] = members.map((m) => ({
    status: 'completed',
    training: true,
    steps: 0,
    seen: 0,
    lossSum: 0,
    lossCount: 0,
    history: [],
    schedule: stepScheduleFor(m.config),
    order: new Random(deriveSeed(m.config.seed, 'order')),
  }));
  const epochCount = epochsFor(config, train[0].count);
  const started = performance.now();
  const rowShape = rowsOf(spec);
  for (let epoch = 0; epoch < epochCount && states.some((s) => s.training); epoch++) {
    // Every member draws its epoch order from its own stream (a stopped member draws none).
    const orders = states.map((s) => (s.training ? epochBatches(train[0].count, config.batchSize, s.order) : null));
    const template = orders.find((o) => o !== null)!;
    for (const s of states) {
      s.lossSum = 0;
      s.lossCount = 0;
    }
    for (let b = 0; b < template.length; b++) {
      const indices = orders.map((o) => (o ? o[b] : template[b]));
      const batch = indices[0].length;
      states.forEach((s, k) => {
        if (s.training) optimizer.lr[k] = s.schedule.rateAt(s.steps + 1);
      });
      const losses = step(network, optimizer, train, indices, classes, config.loss, states.map((s) => s.training), rowShape, traces);
      states.forEach((s, k) => {
        if (!s.training) return;
        const loss = losses[k];
        s.steps += 1;
        if (!Number.isFinite(loss)) {
          s.status = 'diverged';
          s.divergedAt = { step: s.steps, epoch, loss };
          s.training = false;
          return;
        }
        s.seen += batch;
        s.lossSum += loss * batch;
        s.lossCount += batch;
        s.schedule.observe(loss);
      });
      if (!states.some((s) => s.training)) break;
    }
    const validation = config.validateEachEpoch ? evaluateMembers(network, staged((d) => d.validation), config, classes, rowShape) : null;
    states.forEach((s, k) => {
      if (!s.training) return;
      s.history.push({
        epoch,
        trainLoss: s.lossSum / Math.max(1, s.lossCount),
        lr: s.schedule.rate,
        ...(validation ? { validation: validation[k] } : {}),
      });
    });
  }
  // Each member is charged its share of the population's training time.
  const trainSeconds = (performance.now() - started) / 1000 / K;
  const metrics = {
    train: evaluateMembers(network, train, config, classes, rowShape),
    validation: evaluateMembers(network, staged((d) => d.validation), config, classes, rowShape),
    test: evaluateMembers(network, staged((d) => d.test), config, classes, rowShape),
  };
  const parameterCount = network.variables.reduce((n, v) => n + v.size, 0) / K;
  return states.map((s, k) => ({
    status: s.status,
    steps: s.steps,
    epochs: s.history.length,
    history: s.history,
    train: metrics.train[k],
    validation: metrics.validation[k],
    test: metrics.test[k],
    ...(s.divergedAt ? { divergedAt: s.divergedAt } : {}),
    parameterCount,
    seed: members[k].config.seed,
    finalLr: s.schedule.rate,
    trainSeconds,
    examplesPerSecond: trainSeconds > 0 ? s.seen / trainSeconds : 0,
  }));
}

/** How a staged row is laid out for the encoder: rows per example and their width. */
function rowsOf(spec: ModelSpec): { perExample: number; width: number } {
  const e = spec.encoder;
  if (e.kind === 'mlp') return { perExample: 1, width: e.inputDim };
  const r = e.inputSize / e.downsampledSize;
  return { perExample: e.downsampledSize ** 2, width: r * r * e.channels };
}

function inputTensor(splits: readonly StagedSplit[], indices: readonly Int32Array[], rowShape: { perExample: number; width: number }): tf.Tensor3D {
  const K = splits.length;
  const batch = indices[0].length;
  const values = new Float32Array(K * batch * splits[0].rowSize);
  gatherRowsOfMembers(splits, indices, values);
  return tf.tensor3d(values, [K, batch * rowShape.perExample, rowShape.width]);
}

/** Per-member mean losses `[K]` of logits `[K, batch, classes]` (losses.ts, per member). */
function memberLosses(kind: LossKind, logits: tf.Tensor3D, target: tf.Tensor3D): tf.Tensor1D {
  if (kind === 'cross-entropy') return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 2), 1)) as tf.Tensor1D;
  const classes = logits.shape[2];
  const [x, t] =
    classes === 2
      ? [tf.sub(tf.slice(logits, [0, 0, 1], [-1, -1, 1]), tf.slice(logits, [0, 0, 0], [-1, -1, 1])), tf.slice(target, [0, 0, 1], [-1, -1, 1])]
      : [logits, target];
  return tf.mean(tf.add(tf.sub(tf.relu(x), tf.mul(x, t)), tf.log1p(tf.exp(tf.neg(tf.abs(x))))), [1, 2]) as tf.Tensor1D;
}

/**
 * One optimizer step of every member still `training` on its rows `indices[k]` of its staged
 * split (staging.ts), with the loss `loss`; returns every member's batch loss.
 */
export function populationStep(
  network: PopulationNetwork,
  optimizer: PopulationAdam,
  train: readonly StagedSplit[],
  indices: readonly Int32Array[],
  loss: LossKind,
  training: readonly boolean[],
): Float32Array {
  const spec = network.specs[0];
  return step(network, optimizer, train, indices, spec.numClasses, loss, training, rowsOf(spec));
}

function step(
  network: PopulationNetwork,
  optimizer: PopulationAdam,
  train: readonly StagedSplit[],
  indices: readonly Int32Array[],
  classes: number,
  loss: LossKind,
  training: readonly boolean[],
  rowShape: { perExample: number; width: number },
  traces: Map<number, TracedComputation> | null = null,
): Float32Array {
  return tf.tidy(() => {
    const batch = indices[0].length;
    const x = inputTensor(train, indices, rowShape);
    const target = tf.tensor3d(oneHotOfMembers(train, indices, classes), [train.length, batch, classes]);
    const masks = network.drawMasks(batch);
    const inputs = [x, target, ...masks, ...network.variables];
    const compute = (values: readonly tf.Tensor[]) => lossAndGradients(network, loss, batch, masks.length, values);
    let traced = traces?.get(batch);
    if (traces && !traced) traces.set(batch, (traced = new TracedComputation(compute)));
    const [perMember, ...grads] = traced ? traced.call(inputs) : compute(inputs);
    const losses = perMember.dataSync() as Float32Array;
    perMember.dispose();
    const updates = training.map((t, k) => t && Number.isFinite(losses[k]));
    if (updates.some(Boolean)) optimizer.apply(network.variables, grads, updates);
    return losses.slice();
  });
}

/**
 * Every member's batch loss `[K]` and the gradients of their sum, in `network.variables`
 * order; `values` = (x, target, the masks, the variables), the step's only inputs, so that the
 * computation can be traced (kernels/kernelTrace.ts).
 */
function lossAndGradients(network: PopulationNetwork, loss: LossKind, batch: number, maskCount: number, values: readonly tf.Tensor[]): tf.Tensor[] {
  const [x, target] = values;
  const masks = values.slice(2, 2 + maskCount);
  let perMember: tf.Tensor1D | null = null;
  const { value, grads } = tf.variableGrads(() => {
    // Kept to outlive variableGrads' scope.
    perMember = tf.keep(memberLosses(loss, network.logits(x, batch, masks), target as tf.Tensor3D));
    return tf.sum(perMember) as tf.Scalar;
  }, network.variables);
  value.dispose();
  return [perMember!, ...network.variables.map((v) => grads[v.name])];
}

/** Loss and accuracy of every member on its split, in eval mode (as `evaluateModel`). */
function evaluateMembers(
  network: PopulationNetwork,
  splits: readonly StagedSplit[],
  config: TrainConfig,
  classes: number,
  rowShape: { perExample: number; width: number },
): SplitMetrics[] {
  const K = splits.length;
  const count = splits[0].count;
  if (count === 0) return splits.map(() => ({ loss: NaN, accuracy: NaN, count: 0 }));
  const lossSums = new Float64Array(K);
  const correct = new Int32Array(K);
  for (const rows of epochBatches(count, config.evalBatchSize ?? Math.max(config.batchSize, 64))) {
    const indices = splits.map(() => rows);
    const batch = rows.length;
    tf.tidy(() => {
      const x = inputTensor(splits, indices, rowShape);
      const target = tf.tensor3d(oneHotOfMembers(splits, indices, classes), [K, batch, classes]);
      const logits = network.logits(x, batch, null);
      const losses = memberLosses(config.loss, logits, target).dataSync();
      const values = logits.dataSync();
      for (let k = 0; k < K; k++) {
        lossSums[k] += losses[k] * batch;
        for (let b = 0; b < batch; b++) {
          const at = (k * batch + b) * classes;
          let best = 0;
          for (let c = 1; c < classes; c++) if (values[at + c] > values[at + best]) best = c;
          if (best === splits[k].labels[rows[b]]) correct[k] += 1;
        }
      }
    });
  }
  return splits.map((_, k) => ({ loss: lossSums[k] / count, accuracy: correct[k] / count, count }));
}
