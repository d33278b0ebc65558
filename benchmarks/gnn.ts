/**
 * Training speed of a 3-layer GINE on graphs shared by the whole batch (the G-SSNN setting),
 * on every tfjs backend that loads here:
 * - training steps per second for graphs of 16..64 elements and widths 64..512;
 * - achieved GFLOP/s over the same backend's plain matmul GFLOP/s, measured in the same
 *   process on the layer's own matmul shape [batch*nodes, d] x [d, d] (and on 512^3);
 * - speed-up over the same layer written with stock tfjs (tf.gather + the stock
 *   unsortedSegmentSum algorithm).
 * Rates are per CPU second of this process (steadier on a shared machine) and per wall second.
 *
 *   npx tsx benchmarks/gnn.ts [--quick]
 */
import { type BackendName, initBackend } from '../src/gssnn/backend.ts';
import { type GineProbeConfig, matmulGflops, probeGineTraining } from '../src/gssnn/probe.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineInfo, reportBenchmark, resultsDir } from './machine.ts';

const quick = process.argv.includes('--quick');
const batch = 32;
const layers = 3;
const seconds = quick ? 0.3 : 1;

/** Which sizes each backend runs: the cpu backend is ~10x slower, so it gets the small ones. */
const plans: Record<BackendName, { nodes: number[]; widths: number[]; stock: [number, number][] }> = {
  'tfjs-node-gpu': { nodes: [16, 32, 64], widths: [64, 128, 256, 512], stock: [[16, 64], [64, 64], [64, 256]] },
  'tfjs-node': { nodes: [16, 32, 64], widths: [64, 128, 256, 512], stock: [[16, 64], [64, 64], [64, 256]] },
  wasm: { nodes: [16, 32, 64], widths: [64, 128, 256, 512], stock: [[16, 64], [64, 64], [64, 256]] },
  'wasm-openblas': { nodes: [16, 32, 64], widths: [64, 128, 256, 512], stock: [[16, 64], [64, 64], [64, 256]] },
  cpu: { nodes: [16, 64], widths: [64, 128], stock: [[16, 64]] },
};

const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

interface Row {
  nodes: number;
  directedEdges: number;
  width: number;
  stepsPerSecond: number;
  stepsPerCpuSecond: number;
  gflopsPerCpuSecond: number;
  layerMatmulGflopsPerCpuSecond: number;
  efficiencyVsLayerMatmul: number;
  efficiencyVsMatmul512: number;
}

async function benchmarkBackend(name: BackendName): Promise<Record<string, unknown>> {
  const info = await initBackend(name);
  const plan = plans[name];
  const matmul512 = matmulGflops(512, 512, 512, seconds);
  const rows: Row[] = [];
  for (const nodes of quick ? plan.nodes.slice(0, 1) : plan.nodes) {
    for (const width of quick ? plan.widths.slice(0, 2) : plan.widths) {
      const config: GineProbeConfig = { nodes, edges: Math.round(1.5 * nodes), width, batch, layers, seconds };
      const result = probeGineTraining(config);
      const layerMatmul = matmulGflops(batch * nodes, width, width, seconds / 2);
      rows.push({
        nodes,
        directedEdges: 2 * config.edges,
        width,
        stepsPerSecond: round(result.stepsPerSecond),
        stepsPerCpuSecond: round(result.stepsPerCpuSecond),
        gflopsPerCpuSecond: round(result.gflopsPerCpuSecond),
        layerMatmulGflopsPerCpuSecond: round(layerMatmul.gflopsPerCpuSecond),
        efficiencyVsLayerMatmul: round(result.gflopsPerCpuSecond / layerMatmul.gflopsPerCpuSecond),
        efficiencyVsMatmul512: round(result.gflopsPerCpuSecond / matmul512.gflopsPerCpuSecond),
      });
      process.stderr.write(`${name} nodes=${nodes} d=${width}: ${rows[rows.length - 1].stepsPerCpuSecond} steps/cpu-s\n`);
    }
  }
  // Last, because the stock layer can exhaust the wasm heap, which leaves the module unusable.
  const stock: Record<string, unknown>[] = [];
  for (const [nodes, width] of quick ? plan.stock.slice(0, 1) : plan.stock) {
    const config: GineProbeConfig = { nodes, edges: Math.round(1.5 * nodes), width, batch, layers, seconds };
    const ours = probeGineTraining(config);
    try {
      const baseline = probeGineTraining({ ...config, stock: true });
      stock.push({
        nodes,
        width,
        oursStepsPerCpuSecond: round(ours.stepsPerCpuSecond),
        stockStepsPerCpuSecond: round(baseline.stepsPerCpuSecond),
        speedup: round(ours.stepsPerCpuSecond / baseline.stepsPerCpuSecond, 2),
      });
    } catch (err) {
      // The masked sums of the stock algorithm are kept for backprop: segments x edges x batch x d floats.
      stock.push({ nodes, width, oursStepsPerCpuSecond: round(ours.stepsPerCpuSecond), stockFailed: err instanceof Error ? err.message : String(err) });
      break;
    }
    process.stderr.write(`${name} stock nodes=${nodes} d=${width}: ${JSON.stringify(stock[stock.length - 1])}\n`);
  }
  return {
    backend: name,
    version: info.version,
    details: info.details,
    matmul512: { gflops: round(matmul512.gflops), gflopsPerCpuSecond: round(matmul512.gflopsPerCpuSecond) },
    configs: rows,
    stockComparison: stock,
  };
}

async function main(): Promise<void> {
  const backends: BackendName[] = [];
  const unavailable: Record<string, string> = {};
  const probe = await initBackend();
  for (const name of ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const) {
    if (probe.unavailable[name]?.includes('not installed')) unavailable[name] = probe.unavailable[name] as string;
    else backends.push(name);
  }
  const results: Record<string, unknown>[] = [];
  const report = () => ({
    benchmark: 'gnn',
    machine: machineInfo({ backends: backends.filter((b) => !(b in unavailable)) }),
    note:
      'Measured while other jobs shared the 2 cores (load average above 10): wall-clock rates are depressed; ' +
      'the *PerCpuSecond figures (CPU time of this process) are the steadier ones. To be re-run on a quiet machine.',
    setup: {
      model: `${layers} GINE layers (MLP update d -> d -> d), mean readout, squared loss, SGD`,
      batch,
      graph: 'random connected graph, 1.5 x nodes undirected edges, both directions as message edges, shared by the batch',
      flopsCounted: '3 x (dense matmuls + one add and one ReLU per message element + one add per aggregated element)',
      quick,
    },
    unavailable,
    results,
  });
  for (const name of backends) {
    try {
      results.push(await benchmarkBackend(name));
    } catch (err) {
      unavailable[name] = err instanceof Error ? err.message : String(err);
    }
    // Partial results survive an interrupted run.
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, 'gnn.json'), `${JSON.stringify({ ...report(), partial: true }, null, 2)}\n`);
  }
  reportBenchmark('gnn', report());
}

await main();
