/**
 * Side by side with PyTorch: the `small` G-SSNN (batch 8, 16, 32), the `small` linear
 * baseline and the `paper` G-SSNN (a few steps), trained on synthetic images by our trainer
 * (`train()`, one model; and the population path with K = 1) and by a PyTorch mirror of the
 * same model (benchmarks/vs_pytorch.py: same shapes, same injection tables; both parameter
 * counts are printed and must agree), runs interleaved (ours, PyTorch, ours, PyTorch) and the
 * best round of each kept. Also one 1024^3 matmul per side (and our cpu backend's), the
 * kernel-speed ceiling of the matmul-bound `paper` preset. Where the OpenBLAS addon is built,
 * the population path also runs on the `wasm-openblas` backend (`oursOpenblas`; the same
 * rounds, interleaved). Needs Debian's `python3-torch`;
 * without it the benchmark says so and exits 0. PyTorch runs on one thread, as we do.
 *
 *   npx tsx benchmarks/vs-pytorch.ts [--rounds R] [--steps N]
 */
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate } from '../src/dsl/evaluate.ts';
import { parseProgramOrThrow } from '../src/dsl/parse.ts';
import { initBackend } from '../src/gssnn/backend.ts';
import { loadOpenBlas, openBlasAvailable } from '../src/gssnn/kernels/openblas.ts';
import { elementCode, planInjection, tilingIndex } from '../src/gssnn/inject.ts';
import { buildModel, outputWidth, specFor, type ModelKindName, type ModelSpec } from '../src/gssnn/models/index.ts';
import { trainPopulation } from '../src/gssnn/population/trainer.ts';
import { PRESETS, scheduleFor, type Preset } from '../src/gssnn/presets.ts';
import { train } from '../src/gssnn/train/trainer.ts';
import { loadNote, machineInfo, reportBenchmark } from './machine.ts';
import { syntheticImages } from './syntheticImages.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const argValue = (flag: string, fallback: number) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const rounds = argValue('--rounds', 2);
const smallSteps = argValue('--steps', 24);

function findTorchPython(): string | null {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (probe.status === 0) return python;
  }
  return null;
}

const python = findTorchPython();
if (!python) {
  process.stdout.write('benchmarks/vs-pytorch: PyTorch is not installed; skipped (Debian: apt-get install -y python3-torch)\n');
  process.exit(0);
}
const torchVersion = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).stdout.trim();

function referenceGraph() {
  const root = path.resolve(here, '../reference/gssnn-original/programs');
  const file = readdirSync(root).filter((f) => f.startsWith('representations-')).sort()[0];
  const graph = evaluate(parseProgramOrThrow((JSON.parse(readFileSync(path.join(root, file), 'utf8')) as { program: string }).program));
  if (!graph.ok) throw new Error(graph.error.message);
  return graph.value;
}

/** What the PyTorch mirror needs to build the same model. */
function mirrorOf(spec: ModelSpec, batchSize: number, steps: number): Record<string, unknown> {
  const base = { kind: spec.kind === 'linear' ? 'linear' : 'gssnn', encoder: spec.encoder, classes: spec.numClasses, outputWidth: outputWidth(spec), batchSize, steps, warmup: 2 };
  if (spec.kind === 'linear') return base;
  const plan = planInjection(spec.graph!, spec.gnn.dim);
  const codes = (rows: typeof plan.nodeRows) => rows.flatMap((row) => Array.from(elementCode(plan, row, spec.graph!.maxConn)));
  return {
    ...base,
    dim: spec.gnn.dim,
    depth: spec.gnn.depth,
    dropout: spec.gnn.dropout,
    graph: {
      nodeIndex: Array.from(tilingIndex(plan, plan.nodeRows)),
      edgeIndex: Array.from(tilingIndex(plan, plan.edgeRows)),
      nodeCodes: codes(plan.nodeRows),
      edgeCodes: codes(plan.edgeRows),
      source: plan.messages.map((m) => m.source),
      target: plan.messages.map((m) => m.target),
    },
  };
}

interface Side {
  parameters: number;
  examplesPerSecond: number;
  cpuExamplesPerSecond: number;
}

function torchSide(workload: Record<string, unknown>): Side & { matmulGflops?: number } {
  const run = spawnSync(python!, [path.join(here, 'vs_pytorch.py')], { input: JSON.stringify(workload), encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`vs_pytorch.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as Side;
}

function oursSide(spec: ModelSpec, preset: Preset, batchSize: number, steps: number, population: boolean): Side {
  const data = syntheticImages(preset.image.inputSize, batchSize * steps, spec.numClasses, 'benchmarks/vs-pytorch.ts');
  const config = { ...scheduleFor(preset, 1), batchSize, seed: 3 };
  const cpuStart = process.cpuUsage();
  let seconds: number;
  let parameters: number;
  if (population) {
    const [trained] = trainPopulation([{ spec, data, config }]);
    seconds = trained.result.trainSeconds;
    parameters = trained.model.parameterCount();
    trained.model.dispose();
  } else {
    const model = buildModel(spec);
    seconds = train(model, data, config).trainSeconds;
    parameters = model.parameterCount();
    model.dispose();
  }
  const cpu = process.cpuUsage(cpuStart);
  const examples = batchSize * steps;
  return { parameters, examplesPerSecond: examples / seconds, cpuExamplesPerSecond: examples / ((cpu.user + cpu.system) / 1e6) };
}

function ourMatmul(n: number): number {
  const a = tf.randomUniform([n, n]);
  const b = tf.randomUniform([n, n]);
  tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D).dispose();
  const reps = 3;
  const start = performance.now();
  for (let i = 0; i < reps; i++) tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D).dataSync();
  const gflops = (2 * n ** 3 * reps) / ((performance.now() - start) / 1000) / 1e9;
  tf.dispose([a, b]);
  return gflops;
}

const backend = await initBackend();
const withOpenblas = backend.name === 'wasm' && openBlasAvailable();
/** Runs `work` on wasm-openblas and switches back. */
async function onOpenblas<T>(work: () => T): Promise<T> {
  await initBackend('wasm-openblas');
  try {
    return work();
  } finally {
    await initBackend(backend.name);
  }
}
const graph = referenceGraph();
const workloads: { name: string; kind: ModelKindName; preset: Preset; classes: number; batchSize: number; steps: number }[] = [
  { name: 'small G-SSNN, batch 8', kind: 'gssnn', preset: PRESETS.small, classes: 10, batchSize: 8, steps: smallSteps },
  { name: 'small G-SSNN, batch 16 (the preset)', kind: 'gssnn', preset: PRESETS.small, classes: 10, batchSize: 16, steps: smallSteps },
  { name: 'small G-SSNN, batch 32', kind: 'gssnn', preset: PRESETS.small, classes: 10, batchSize: 32, steps: smallSteps },
  { name: 'small linear baseline, batch 16', kind: 'linear', preset: PRESETS.small, classes: 10, batchSize: 16, steps: smallSteps },
  { name: 'paper G-SSNN, batch 8 (the preset)', kind: 'gssnn', preset: PRESETS.paper, classes: 2, batchSize: 8, steps: 3 },
];
const best = (a: Side | undefined, b: Side): Side =>
  a ? { parameters: b.parameters, examplesPerSecond: Math.max(a.examplesPerSecond, b.examplesPerSecond), cpuExamplesPerSecond: Math.max(a.cpuExamplesPerSecond, b.cpuExamplesPerSecond) } : b;
const rows = [];
for (const w of workloads) {
  const spec = specFor({ kind: w.kind, preset: w.preset, inputShape: [w.preset.image.inputSize, w.preset.image.inputSize, 1], numClasses: w.classes, graph, seed: 1 });
  // A short warm-up of our side compiles kernels and allocates buffers.
  oursSide(spec, w.preset, w.batchSize, 2, false);
  if (withOpenblas) await onOpenblas(() => oursSide(spec, w.preset, w.batchSize, 2, true));
  let trainer: Side | undefined;
  let population: Side | undefined;
  let openblas: Side | undefined;
  let torch: Side | undefined;
  for (let r = 0; r < rounds; r++) {
    trainer = best(trainer, oursSide(spec, w.preset, w.batchSize, w.steps, false));
    torch = best(torch, torchSide(mirrorOf(spec, w.batchSize, w.steps)));
    population = best(population, oursSide(spec, w.preset, w.batchSize, w.steps, true));
    if (withOpenblas) openblas = best(openblas, await onOpenblas(() => oursSide(spec, w.preset, w.batchSize, w.steps, true)));
  }
  const ours = trainer!.examplesPerSecond >= population!.examplesPerSecond ? { path: 'train()', ...trainer! } : { path: 'population, K = 1', ...population! };
  const row = {
    workload: w.name,
    parameters: { ours: trainer!.parameters, pytorch: torch!.parameters },
    examplesPerSecond: {
      ours: Math.round(ours.examplesPerSecond),
      oursPath: ours.path,
      oursTrain: Math.round(trainer!.examplesPerSecond),
      oursPopulationOfOne: Math.round(population!.examplesPerSecond),
      ...(openblas ? { oursOpenblas: Math.round(openblas.examplesPerSecond) } : {}),
      pytorch: Math.round(torch!.examplesPerSecond),
    },
    cpuExamplesPerSecond: {
      oursTrain: Math.round(trainer!.cpuExamplesPerSecond),
      oursPopulationOfOne: Math.round(population!.cpuExamplesPerSecond),
      ...(openblas ? { oursOpenblas: Math.round(openblas.cpuExamplesPerSecond) } : {}),
      pytorch: Math.round(torch!.cpuExamplesPerSecond),
    },
    pytorchOverOurs: Number((torch!.examplesPerSecond / ours.examplesPerSecond).toFixed(2)),
    ...(openblas ? { pytorchOverOursOpenblas: Number((torch!.examplesPerSecond / openblas.examplesPerSecond).toFixed(2)) } : {}),
  };
  process.stderr.write(`${w.name}: parameters ours ${row.parameters.ours}, PyTorch ${row.parameters.pytorch}; examples/s ours ${row.examplesPerSecond.ours} (${ours.path})${openblas ? `, ours on wasm-openblas ${Math.round(openblas.examplesPerSecond)}` : ''}, PyTorch ${row.examplesPerSecond.pytorch}\n`);
  rows.push(row);
}
const matmul = {
  size: 1024,
  oursGflops: Number(ourMatmul(1024).toFixed(1)),
  ...(withOpenblas ? { oursOpenblasGflops: Number((await onOpenblas(() => ourMatmul(1024))).toFixed(1)) } : {}),
  pytorchGflops: Number((torchSide({ ...mirrorOf(specFor({ kind: 'linear', preset: PRESETS.small, inputShape: [32, 32, 1], numClasses: 10, seed: 1 }), 1, 1), warmup: 0, matmul: 1024 }).matmulGflops ?? 0).toFixed(1)),
};
// Our plain-JavaScript backend, for the record (a smaller product: it is slow).
await initBackend('cpu');
const cpuBackendGflops = Number(ourMatmul(512).toFixed(2));
await initBackend(backend.name);
const smallPreset = rows[1];
const note = loadNote();
reportBenchmark('vs-pytorch', {
  benchmark: 'vs-pytorch',
  what: 'training examples per second (forward, backward, Adam) of our trainer and of a PyTorch mirror of the same model (same shapes and parameter counts), one thread each, interleaved rounds, best round; synthetic images',
  command: `npx tsx benchmarks/vs-pytorch.ts --rounds ${rounds} --steps ${smallSteps}`,
  pytorch: { version: torchVersion, threads: 1 },
  rows,
  matmul: { ...matmul, oursCpuBackendGflopsAt512: cpuBackendGflops, oursBackend: backend.name },
  goal: {
    workload: smallPreset.workload,
    pytorchOverOursAtMost: 2,
    met: smallPreset.pytorchOverOurs <= 2,
    ...(withOpenblas ? { metWithOpenblas: (smallPreset.pytorchOverOursOpenblas ?? Infinity) <= 2 } : {}),
  },
  openblas: withOpenblas ? loadOpenBlas().config() : 'not measured: the OpenBLAS addon is not built (npm run build:native)',
  machine: machineInfo({ backend: backend.name, backendVersion: backend.version }),
  ...(note ? { note } : {}),
});
