/**
 * Where a training step's time goes: the kernels one step runs, by name, with their count
 * and the process CPU time spent inside them, for the `small` G-SSNN trained alone
 * (`train()`'s step) and as populations of 1 and 16 (population/). CPU time, not wall time,
 * so that other load on the machine distorts it less; each kernel's time includes tfjs's
 * bookkeeping around it. Where the OpenBLAS addon is built, the populations are also profiled
 * on the `wasm-openblas` backend. The summary is in docs/performance.md.
 *
 *   npx tsx benchmarks/profile-step.ts [--steps N]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/gssnn/backend.ts';
import { openBlasAvailable } from '../src/gssnn/kernels/openblas.ts';
import { buildModel, specFor, type ModelSpec } from '../src/gssnn/models/index.ts';
import { randomGraph } from '../src/gssnn/models/wiring.ts';
import { PopulationAdam } from '../src/gssnn/population/adam.ts';
import { PopulationNetwork } from '../src/gssnn/population/network.ts';
import { stageSplit } from '../src/gssnn/population/staging.ts';
import { populationStep } from '../src/gssnn/population/trainer.ts';
import { PRESETS } from '../src/gssnn/presets.ts';
import { makeBatch } from '../src/gssnn/train/batches.ts';
import { classificationLoss } from '../src/gssnn/train/losses.ts';
import { createOptimizer } from '../src/gssnn/train/optimizers.ts';
import { trainStep } from '../src/gssnn/train/trainer.ts';
import { Random } from '../src/util/random.ts';
import { loadNote, machineInfo, reportBenchmark } from './machine.ts';

const stepsArg = process.argv.indexOf('--steps');
const steps = stepsArg >= 0 ? Number(process.argv[stepsArg + 1]) : 10;
const preset = PRESETS.small;
const batchSize = preset.train.batchSize;
const size = preset.image.inputSize;
const rng = new Random(3);
const split = { x: Float32Array.from({ length: batchSize * size * size }, () => rng.next()), y: Int32Array.from({ length: batchSize }, (_, i) => i % 10), count: batchSize };
const rows = Int32Array.from({ length: batchSize }, (_, i) => i);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Runs `step` `steps` times (after two warm-up steps), timing every kernel it runs. */
function profile(label: string, step: () => void) {
  step();
  step();
  const engine = tf.engine() as unknown as { runKernelFunc(args: { kernelName?: string }): unknown };
  const original = engine.runKernelFunc.bind(engine);
  const kernels = new Map<string, { count: number; cpuMs: number }>();
  let depth = 0;
  engine.runKernelFunc = (args) => {
    depth++;
    const start = cpuMs();
    try {
      return original(args);
    } finally {
      depth--;
      // Kernels run inside other kernels' gradients are counted once, at the outermost level.
      if (depth === 0) {
        const entry = kernels.get(args.kernelName ?? 'custom') ?? { count: 0, cpuMs: 0 };
        entry.count++;
        entry.cpuMs += cpuMs() - start;
        kernels.set(args.kernelName ?? 'custom', entry);
      }
    }
  };
  const start = cpuMs();
  for (let i = 0; i < steps; i++) step();
  const total = cpuMs() - start;
  engine.runKernelFunc = original;
  const perStep = [...kernels.entries()]
    .map(([name, e]) => ({ kernel: name, count: Number((e.count / steps).toFixed(1)), cpuMs: Number((e.cpuMs / steps).toFixed(2)) }))
    .sort((a, b) => b.cpuMs - a.cpuMs);
  const kernelCount = perStep.reduce((n, k) => n + k.count, 0);
  const kernelMs = perStep.reduce((n, k) => n + k.cpuMs, 0);
  const out = { label, cpuMsPerStep: Number((total / steps).toFixed(1)), kernelsPerStep: Math.round(kernelCount), cpuMsInKernels: Number(kernelMs.toFixed(1)), top: perStep.slice(0, 12) };
  process.stderr.write(`${label}: ${out.cpuMsPerStep} ms CPU per step, ${out.kernelsPerStep} kernels\n`);
  return out;
}

const backend = await initBackend();
const specOf = (k: number): ModelSpec => specFor({ kind: 'gssnn', preset, inputShape: [size, size, 1], numClasses: 10, graph: randomGraph(4 + (k % 5), 3 + (k % 5), k), seed: k + 1 });

const alone = buildModel(specOf(0));
const optimizer = createOptimizer(preset.train.optimizer);
const batch = makeBatch(split, [size, size, 1], rows);
const single = profile('small G-SSNN alone, train() step', () => {
  trainStep(alone, batch, (l, y) => classificationLoss('cross-entropy', l, y), optimizer);
});
tf.dispose([batch.x, batch.y]);
optimizer.dispose();
alone.dispose();

function populationProfile(members: number, backendName = backend.name) {
  const specs = Array.from({ length: members }, (_, k) => specOf(k));
  const models = specs.map((s) => buildModel(s));
  const network = new PopulationNetwork(specs, models[0].weightNames, models.map((m) => m.variables));
  models.forEach((m) => m.dispose());
  const adam = new PopulationAdam(preset.train.optimizer.kind === 'adam' ? preset.train.optimizer : { lr: 1e-3 }, members);
  const staged = specs.map((s) => stageSplit(split, s.encoder));
  const indices = specs.map(() => rows);
  const training = specs.map(() => true);
  const result = profile(`population of ${members}, one step${backendName === backend.name ? '' : ` (${backendName})`}`, () => {
    populationStep(network, adam, staged, indices, 'cross-entropy', training);
  });
  adam.dispose();
  network.dispose();
  return result;
}
const one = populationProfile(1);
const sixteen = populationProfile(16);
const withOpenblas = backend.name === 'wasm' && openBlasAvailable();
if (withOpenblas) await initBackend('wasm-openblas');
const onOpenblas = withOpenblas ? [populationProfile(1, 'wasm-openblas'), populationProfile(16, 'wasm-openblas')] : [];
const note = loadNote();
reportBenchmark('profile-step', {
  benchmark: 'profile-step',
  what: `kernels of one training step of the small G-SSNN (batch ${batchSize}), per step: count and process CPU milliseconds inside each kernel name (top 12), averaged over ${steps} steps`,
  command: 'npx tsx benchmarks/profile-step.ts',
  profiles: [single, one, sixteen, ...onOpenblas],
  machine: machineInfo({ backend: backend.name, backendVersion: backend.version }),
  ...(note ? { note } : {}),
});
