/**
 * What `synth doctor` reports: versions, the active tensor backend and why the faster ones
 * did not load, and a few-second probe of matmul and message-passing speed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { cpus, platform, arch } from 'node:os';
import { BACKEND_NAMES, type BackendInfo, type BackendName, initBackend } from './backend.ts';
import { loadOpenBlas } from './kernels/openblas.ts';
import { SEGMENT_MAX_ARG } from './kernels/register.ts';
import { matmulGflops, probeGineTraining } from './probe.ts';

const require = createRequire(import.meta.url);

export interface DoctorReport {
  node: string;
  platform: string;
  cpu: { model: string; cores: number };
  packages: Record<string, string | null>;
  backend: BackendInfo;
  /** Whether our segment kernels are registered for the active backend. */
  segmentKernels: boolean;
  /** The optional OpenBLAS addon behind `--backend wasm-openblas`: its build, or why it is unavailable. */
  openblas: { available: true; config: string } | { available: false; why: string };
  probe: {
    seconds: number;
    matmul: { size: number; gflops: number; gflopsPerCpuSecond: number };
    messagePassing: {
      graph: string;
      stepsPerSecond: number;
      messagesPerSecond: number;
      gflops: number;
      gflopsPerCpuSecond: number;
      /** Achieved GFLOP/s over the plain matmul's (per CPU second, steadier under load). */
      matmulEfficiency: number;
    };
  } | null;
}

const PACKAGES = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
];

function packageVersion(name: string): string | null {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

export interface DoctorOptions {
  backend?: BackendName;
  /** Time budget of the speed probe in seconds; 0 skips it. */
  seconds?: number;
}

export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const backend = await initBackend(options.backend);
  const seconds = options.seconds ?? 3;
  const cpuList = cpus();
  const report: DoctorReport = {
    node: process.version,
    platform: `${platform()}-${arch()}`,
    cpu: { model: cpuList[0]?.model ?? 'unknown', cores: cpuList.length },
    packages: Object.fromEntries(PACKAGES.map((name) => [name, packageVersion(name)])),
    backend,
    segmentKernels: Boolean(tf.getKernel(SEGMENT_MAX_ARG, tf.getBackend())),
    openblas: openBlasStatus(),
    probe: null,
  };
  if (seconds > 0) {
    const size = 512;
    const matmul = matmulGflops(size, size, size, seconds / 2);
    const config = { nodes: 32, edges: 48, width: 128, batch: 32, layers: 2, seconds: seconds / 2 };
    const mp = probeGineTraining(config);
    report.probe = {
      seconds,
      matmul: { size, gflops: round(matmul.gflops), gflopsPerCpuSecond: round(matmul.gflopsPerCpuSecond) },
      messagePassing: {
        graph: `${config.layers} GINE layers, shared graph of ${config.nodes} nodes / ${config.edges * 2} directed edges, d=${config.width}, batch ${config.batch}`,
        stepsPerSecond: round(mp.stepsPerSecond),
        messagesPerSecond: Math.round(mp.messagesPerSecond),
        gflops: round(mp.gflops),
        gflopsPerCpuSecond: round(mp.gflopsPerCpuSecond),
        matmulEfficiency: round(mp.gflopsPerCpuSecond / matmul.gflopsPerCpuSecond),
      },
    };
  }
  return report;
}

function openBlasStatus(): DoctorReport['openblas'] {
  try {
    return { available: true, config: loadOpenBlas().config() };
  } catch (err) {
    return { available: false, why: (err as Error).message };
  }
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** The report as a few readable lines. */
export function formatDoctorReport(report: DoctorReport): string {
  const lines: string[] = [];
  const b = report.backend;
  lines.push(`node ${report.node} on ${report.platform}, ${report.cpu.cores} x ${report.cpu.model}`);
  for (const [name, version] of Object.entries(report.packages)) lines.push(`  ${name.padEnd(30)} ${version ?? '(not installed)'}`);
  const details = Object.entries(b.details).map(([k, v]) => `${k}: ${v}`).join(', ');
  lines.push(`backend: ${b.name} ${b.version}${details ? ` (${details})` : ''}, chosen by ${b.requestedBy === 'default' ? 'default order' : b.requestedBy}`);
  for (const [name, why] of Object.entries(b.unavailable)) lines.push(`  ${name}: ${why}`);
  lines.push(`segment kernels: ${report.segmentKernels ? 'registered' : 'NOT registered (scatter ops will be slow)'}`);
  const blas = report.openblas;
  lines.push(
    blas.available
      ? `OpenBLAS addon: ${blas.config}; its kernels for wasm's products and reductions and the population's rows, Adam and dropout in use (same bits as without it)${b.name === 'wasm-openblas' ? '' : "; opt in to OpenBLAS's products with --backend wasm-openblas (faster, bitwise reproducible on the same kind of CPU only)"}`
      : `OpenBLAS addon: unavailable: ${blas.why}`,
  );
  if (report.probe) {
    const p = report.probe;
    lines.push(`matmul ${p.matmul.size}^3: ${p.matmul.gflops} GFLOP/s (${p.matmul.gflopsPerCpuSecond} per CPU second)`);
    lines.push(`message passing: ${p.messagePassing.graph}`);
    lines.push(
      `  ${p.messagePassing.stepsPerSecond} training steps/s, ${p.messagePassing.messagesPerSecond} messages/s, ` +
        `${p.messagePassing.gflops} GFLOP/s (${p.messagePassing.gflopsPerCpuSecond} per CPU second, ${Math.round(p.messagePassing.matmulEfficiency * 100)}% of matmul)`,
    );
  }
  if (b.hint) lines.push(`faster: ${b.hint}`);
  lines.push(`force a backend with SYNTH_BACKEND=<${BACKEND_NAMES.join('|')}> or --backend on commands that train`);
  return lines.join('\n');
}
