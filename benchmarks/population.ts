/**
 * Population training against training the same models one after another: K `small`
 * G-SSNNs wired by K different graphs of the original run's search (its stored program
 * records), same seeds, same data, trained as K separate `train()` runs, as K populations of
 * one (the population path's single-model speed: `sequentialAsPopulationsOfOne`) and as one
 * population (src/gssnn/population/); the last two again with every step run through tfjs's
 * engine instead of replayed (`withoutReplay`, kernels/kernelTrace.ts). Runs alternate
 * (sequential, populations of one, population, ...) and the best round of each counts.
 * Images are synthetic (throughput does not depend on pixel values); every member's weights
 * are compared between the two ways and the largest difference is reported. Where the OpenBLAS addon is built, the same comparison is also run
 * on the `wasm-openblas` backend (`wasmOpenblas` in the results).
 *
 *   npx tsx benchmarks/population.ts [--members K] [--train N] [--epochs E] [--rounds R]
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate } from '../src/dsl/evaluate.ts';
import type { ProgramGraph } from '../src/dsl/graph.ts';
import { parseProgramOrThrow } from '../src/dsl/parse.ts';
import { type BackendName, initBackend } from '../src/gssnn/backend.ts';
import { openBlasAvailable } from '../src/gssnn/kernels/openblas.ts';
import { GraphCatalog, simpleGraphOf } from '../src/synth/graphs/index.ts';
import { buildModel, specFor } from '../src/gssnn/models/index.ts';
import { trainPopulation, type PopulationMember } from '../src/gssnn/population/trainer.ts';
import { PRESETS, scheduleFor } from '../src/gssnn/presets.ts';
import { train } from '../src/gssnn/train/trainer.ts';
import { cpuMillis, loadNote, machineInfo, reportBenchmark } from './machine.ts';
import { syntheticImages } from './syntheticImages.ts';

const argValue = (flag: string, fallback: number) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const members = argValue('--members', 16);
const trainCount = argValue('--train', 128);
const epochs = argValue('--epochs', 2);
const rounds = argValue('--rounds', 2);
const preset = PRESETS.small;

/** The first `count` pairwise non-isomorphic graphs of the original run's records that fit the preset. */
function searchGraphs(count: number): ProgramGraph[] {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../reference/gssnn-original/programs');
  const catalog = new GraphCatalog<string>();
  const graphs: ProgramGraph[] = [];
  for (const file of readdirSync(root).sort()) {
    if (graphs.length >= count) break;
    const record = JSON.parse(readFileSync(path.join(root, file), 'utf8')) as { program: string };
    const graph = evaluate(parseProgramOrThrow(record.program));
    if (!graph.ok || graph.value.nodes.length < 2 || graph.value.nodes.length + graph.value.edges.length > preset.graphDim) continue;
    if (!catalog.add(simpleGraphOf(graph.value), file).added) continue;
    graphs.push(graph.value);
  }
  if (graphs.length < count) throw new Error(`only ${graphs.length} distinct graphs in the reference records`);
  return graphs;
}

const data = syntheticImages(preset.image.inputSize, trainCount, 10, 'benchmarks/population.ts');
const graphs = searchGraphs(members);
const population: PopulationMember[] = graphs.map((graph, k) => ({
  spec: specFor({ kind: 'gssnn', preset, inputShape: data.inputShape, numClasses: 10, graph, seed: 100 + k }),
  data,
  config: { ...scheduleFor(preset, epochs), seed: 100 + k },
}));
const examples = members * trainCount * epochs;

/** Both ways on one backend: the best round of each and the largest weight difference. */
async function measure(backendName: BackendName) {
  const backend = await initBackend(backendName);
  function sequential() {
    let seconds = 0;
    const cpuStart = cpuMillis();
    const weights = population.map((m) => {
      const model = buildModel(m.spec);
      seconds += train(model, m.data, m.config).trainSeconds;
      const values = model.variables.map((v) => v.dataSync().slice());
      model.dispose();
      return values;
    });
    return { seconds, cpuSeconds: (cpuMillis() - cpuStart) / 1000, weights };
  }

  /** One after another again, each as a population of one (the faster single-model path). */
  function singly(replayKernels = true) {
    let seconds = 0;
    const cpuStart = cpuMillis();
    for (const m of population) {
      const [{ model, result }] = trainPopulation([m], { replayKernels });
      seconds += result.trainSeconds;
      model.dispose();
    }
    return { seconds, cpuSeconds: (cpuMillis() - cpuStart) / 1000 };
  }

  function together(replayKernels = true) {
    const cpuStart = cpuMillis();
    const trained = trainPopulation(population, { replayKernels });
    const cpuSeconds = (cpuMillis() - cpuStart) / 1000;
    const weights = trained.map(({ model }) => model.variables.map((v) => v.dataSync().slice()));
    trained.forEach(({ model }) => model.dispose());
    // trainSeconds is each member's share of the population's time.
    return { seconds: trained[0].result.trainSeconds * trained.length, cpuSeconds, weights };
  }

  // One short warm-up of each path compiles kernels and allocates buffers.
  trainPopulation(population.slice(0, 2).map((m) => ({ ...m, config: { ...m.config, epochs: 1 } }))).forEach((t) => t.model.dispose());
  const best = {
    sequential: { seconds: Infinity, cpuSeconds: Infinity },
    singly: { seconds: Infinity, cpuSeconds: Infinity },
    population: { seconds: Infinity, cpuSeconds: Infinity },
    singlyThroughEngine: { seconds: Infinity, cpuSeconds: Infinity },
    populationThroughEngine: { seconds: Infinity, cpuSeconds: Infinity },
  };
  const keepBest = (a: { seconds: number; cpuSeconds: number }, b: { seconds: number; cpuSeconds: number }) => ({
    seconds: Math.min(a.seconds, b.seconds),
    cpuSeconds: Math.min(a.cpuSeconds, b.cpuSeconds),
  });
  let largestDifference = 0;
  for (let r = 0; r < rounds; r++) {
    const s = sequential();
    const one = singly();
    const p = together();
    const oneThroughEngine = singly(false);
    const pThroughEngine = together(false);
    best.sequential = keepBest(best.sequential, s);
    best.singly = keepBest(best.singly, one);
    best.population = keepBest(best.population, p);
    best.singlyThroughEngine = keepBest(best.singlyThroughEngine, oneThroughEngine);
    best.populationThroughEngine = keepBest(best.populationThroughEngine, pThroughEngine);
    s.weights.forEach((model, k) => model.forEach((w, i) => w.forEach((x, j) => (largestDifference = Math.max(largestDifference, Math.abs(x - p.weights[k][i][j]))))));
    process.stderr.write(
      `round ${r + 1}: sequential ${s.seconds.toFixed(1)} s (cpu ${s.cpuSeconds.toFixed(1)} s), as populations of one ${one.seconds.toFixed(1)} s (${oneThroughEngine.seconds.toFixed(1)} s without replay), population ${p.seconds.toFixed(1)} s (cpu ${p.cpuSeconds.toFixed(1)} s; ${pThroughEngine.seconds.toFixed(1)} s without replay)\n`,
    );
  }
  return { backend, best, largestDifference };
}

const rate = (seconds: number) => Math.round(examples / seconds);
function figures(m: Awaited<ReturnType<typeof measure>>) {
  const { best } = m;
  const ratio = (a: { seconds: number; cpuSeconds: number }) => ({
    wall: Number((a.seconds / best.population.seconds).toFixed(2)),
    cpu: Number((a.cpuSeconds / best.population.cpuSeconds).toFixed(2)),
  });
  const throughput = (a: { seconds: number; cpuSeconds: number }) => ({ seconds: Number(a.seconds.toFixed(2)), examplesPerSecond: rate(a.seconds), cpuExamplesPerSecond: rate(a.cpuSeconds) });
  const speedup = ratio(best.sequential);
  return {
    sequential: throughput(best.sequential),
    sequentialAsPopulationsOfOne: throughput(best.singly),
    population: throughput(best.population),
    speedup,
    speedupOverPopulationsOfOne: ratio(best.singly),
    // The same two paths with every step run through tfjs's engine instead of replayed (kernels/kernelTrace.ts).
    withoutReplay: {
      sequentialAsPopulationsOfOne: throughput(best.singlyThroughEngine),
      population: throughput(best.populationThroughEngine),
      replaySpeedup: {
        populationsOfOne: Number((best.singlyThroughEngine.seconds / best.singly.seconds).toFixed(2)),
        population: Number((best.populationThroughEngine.seconds / best.population.seconds).toFixed(2)),
      },
    },
    goal: { speedup: 8, met: speedup.wall >= 8 },
    largestWeightDifference: Number(m.largestDifference.toExponential(2)),
  };
}

const wasm = await measure('wasm');
const blas = openBlasAvailable() ? await measure('wasm-openblas') : null;
const note = loadNote();
reportBenchmark('population', {
  benchmark: 'population',
  what: `${members} small G-SSNNs with different wirings, ${epochs} epochs of ${trainCount} examples each: trained one after another (train(); and again as populations of one, the population path's single-model speed) vs as one population; examples/s of training (wall: train seconds; cpu: process CPU time of the whole call, evaluation of the training split included)`,
  command: `npx tsx benchmarks/population.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
  members,
  preset: preset.name,
  batchSize: preset.train.batchSize,
  examples,
  wirings: graphs.map((g) => ({ nodes: g.nodes.length, edges: g.edges.length })),
  ...figures(wasm),
  wasmOpenblas: blas
    ? { ...figures(blas), populationOverWasmSequential: Number((wasm.best.sequential.seconds / blas.best.population.seconds).toFixed(2)), openblas: blas.backend.details.openblas }
    : 'not measured: the OpenBLAS addon is not built (npm run build:native)',
  machine: machineInfo({ backend: wasm.backend.name, backendVersion: wasm.backend.version }),
  ...(note ? { note } : {}),
});
