/**
 * Training throughput (examples per second) of G-SSNN modules and the linear baseline under
 * the `small` and `paper` presets on the active backend. The wiring is the original run's
 * first final-population program (9 nodes, 8 edges). Images are synthetic (throughput does
 * not depend on pixel values). `paper` is measured over a few steps only.
 *
 *   npx tsx benchmarks/train.ts [--paper-steps N] [--small-epochs N]
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dataset, Split } from '../src/data/dataset.ts';
import { evaluate } from '../src/dsl/evaluate.ts';
import { parseProgramOrThrow } from '../src/dsl/parse.ts';
import { initBackend } from '../src/gssnn/backend.ts';
import { buildModel, specFor, type ModelKindName } from '../src/gssnn/models/index.ts';
import { PRESETS, type Preset } from '../src/gssnn/presets.ts';
import { train } from '../src/gssnn/train/trainer.ts';
import { Random } from '../src/util/random.ts';
import { machineInfo, reportBenchmark } from './machine.ts';

const argValue = (flag: string, fallback: number) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

function syntheticImages(size: number, trainCount: number): Dataset {
  const rng = new Random(7);
  const split = (count: number): Split => ({
    x: Float32Array.from({ length: count * size * size }, () => rng.next()),
    y: Int32Array.from({ length: count }, (_, i) => i % 2),
    count,
  });
  return {
    name: 'synthetic-images',
    description: 'uniform noise images with alternating labels (throughput only)',
    inputShape: [size, size, 1],
    numClasses: 2,
    classNames: ['a', 'b'],
    train: split(trainCount),
    validation: split(0),
    test: split(0),
    labels: { kind: 'real' },
    provenance: { generator: 'benchmarks/train.ts', seed: 7 },
  };
}

function referenceGraph() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../reference/gssnn-original/programs');
  const file = readdirSync(root).filter((f) => f.startsWith('representations-')).sort()[0];
  const record = JSON.parse(readFileSync(path.join(root, file), 'utf8')) as { program: string };
  const graph = evaluate(parseProgramOrThrow(record.program));
  if (!graph.ok) throw new Error(`reference program does not evaluate: ${graph.error.message}`);
  return { graph: graph.value, program: file };
}

function measure(kind: ModelKindName, preset: Preset, trainCount: number, epochs: number, graph: ReturnType<typeof referenceGraph>['graph']) {
  const data = syntheticImages(preset.image.inputSize, trainCount);
  const spec = specFor({ kind, preset, inputShape: data.inputShape, numClasses: 2, graph, seed: 1 });
  const model = buildModel(spec);
  // One warm-up step compiles kernels and allocates buffers.
  const warm = syntheticImages(preset.image.inputSize, preset.train.batchSize);
  train(model, warm, { ...preset.train, epochs: 1, seed: 1 });
  // Process CPU time (user + system) is less distorted than wall time on a shared machine;
  // it is read after the last epoch, before the final evaluation.
  const cpuStart = process.cpuUsage();
  let cpuSeconds = 0;
  const result = train(model, data, { ...preset.train, epochs, seed: 2 }, {
    onEpoch: () => {
      const cpu = process.cpuUsage(cpuStart);
      cpuSeconds = (cpu.user + cpu.system) / 1e6;
    },
  });
  const out = {
    kind,
    preset: preset.name,
    parameters: model.parameterCount(),
    batchSize: preset.train.batchSize,
    imageSize: preset.image.inputSize,
    examples: trainCount * epochs,
    steps: result.steps,
    seconds: Number(result.trainSeconds.toFixed(3)),
    examplesPerSecond: Number(result.examplesPerSecond.toFixed(2)),
    secondsPerStep: Number((result.trainSeconds / result.steps).toFixed(4)),
    cpuSecondsPerStep: Number((cpuSeconds / result.steps).toFixed(4)),
  };
  model.dispose();
  process.stderr.write(`${JSON.stringify(out)}\n`);
  return out;
}

const backend = await initBackend();
const { graph, program } = referenceGraph();
const smallEpochs = argValue('--small-epochs', 1);
const paperSteps = argValue('--paper-steps', 3);
const runs = [
  measure('gssnn', PRESETS.small, PRESETS.small.data.trainSize, smallEpochs, graph),
  measure('linear', PRESETS.small, PRESETS.small.data.trainSize, smallEpochs, graph),
  measure('gssnn', PRESETS.paper, PRESETS.paper.train.batchSize * paperSteps, 1, graph),
];
reportBenchmark('train', {
  benchmark: 'train',
  what: 'training examples per second (forward, backward, optimizer step; evaluation excluded); cpuSecondsPerStep is process CPU time per training step',
  wiring: { program, nodes: graph.nodes.length, edges: graph.edges.length },
  runs,
  machine: machineInfo({ backend: backend.name, backendVersion: backend.version, backendDetails: backend.details }),
  note: 'measured on a shared 2-core machine while other builds and tests ran; figures are pessimistic and will be re-run on a quiet machine',
});
