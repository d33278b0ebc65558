/**
 * Tensor backend selection. `initBackend()` picks the fastest tfjs backend that loads on
 * this machine, in the order tfjs-node-gpu, tfjs-node, wasm, cpu, unless the caller or the
 * environment (`SYNTH_BACKEND`) names one. `wasm-openblas` (wasm with its matrix products
 * on an installed OpenBLAS, through the optional addon in native/) is only used when named:
 * its products are not bitwise the same on every CPU, so records made with it are
 * reproducible on the same kind of machine only. It is idempotent: later calls return the same
 * `BackendInfo` (a call naming a different backend switches to it).
 *
 * tfjs-node and tfjs-node-gpu are optional: they download libtensorflow at install time and
 * so are absent on offline machines. wasm is always shipped (SIMD works in Node, threads do
 * not); cpu is the plain JavaScript fallback. Our fast segment kernels are registered for
 * cpu and wasm on every initialisation.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node build registers no gradients; tfjs-layers' Node bundle registers all of
// them into the shared registry on import (core's own register_all_gradients is ESM-only).
import '@tensorflow/tfjs-layers';
// Imported up front so that its stock kernels are in place before ours replace them.
import '@tensorflow/tfjs-backend-cpu';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { registerReductionGradients } from './kernels/reductionGradients.ts';
import { registerSegmentKernels } from './kernels/register.ts';
import { installCpuMatmul } from './kernels/cpuMatmul.ts';
import { installWasmElementwise } from './kernels/wasmElementwise.ts';
import { installWasmSharedIdentity } from './kernels/wasmIdentity.ts';
import { loadOpenBlas } from './kernels/openblas.ts';
import { installWasmMatmul } from './kernels/wasmMatmul.ts';
import { UserFacingError } from '../util/errors.ts';

export type BackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'wasm-openblas' | 'cpu';

export const BACKEND_NAMES: readonly BackendName[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'wasm-openblas', 'cpu'];

/** The backends tried, in order, when none is named. */
const AUTOMATIC_ORDER: readonly BackendName[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

export interface BackendInfo {
  /** The backend in use. */
  readonly name: BackendName;
  /** The tfjs name of that backend (`tensorflow`, `wasm`, `cpu`). */
  readonly tfBackend: string;
  /** Version of the package that provides it (tfjs-core's version for cpu). */
  readonly version: string;
  readonly tfjsCoreVersion: string;
  /** Why each faster or skipped backend did not load. */
  readonly unavailable: Readonly<Partial<Record<BackendName, string>>>;
  /** Backend-specific details (wasm: SIMD on or off). */
  readonly details: Readonly<Record<string, string | boolean>>;
  /** How to get a faster backend, or null when the fastest one is active. */
  readonly hint: string | null;
  /** Where the choice came from. */
  readonly requestedBy: 'argument' | 'SYNTH_BACKEND' | 'default';
}

const require = createRequire(import.meta.url);

let active: BackendInfo | null = null;
let pending: Promise<BackendInfo> | null = null;

/** Parses a backend name from user input, or throws with the list of valid names. */
export function parseBackendName(text: string, source = 'backend'): BackendName {
  const name = text.trim().toLowerCase();
  if ((BACKEND_NAMES as readonly string[]).includes(name)) return name as BackendName;
  throw new BackendChoiceError(
    `${source}: unknown backend "${text}"`,
    `use one of ${BACKEND_NAMES.join(', ')}`,
  );
}

/** A backend choice the user made that cannot be honoured. */
export class BackendChoiceError extends UserFacingError {
  constructor(message: string, hint: string) {
    super(message, { kind: 'environment', hint });
  }
}

/**
 * Selects and initialises a backend. With `preferred` (or env `SYNTH_BACKEND`), that backend
 * must load or a `BackendChoiceError` says why; without, the fastest available one is used.
 */
export async function initBackend(preferred?: BackendName): Promise<BackendInfo> {
  const fromEnv = process.env.SYNTH_BACKEND?.trim();
  const requested = preferred ?? (fromEnv ? parseBackendName(fromEnv, 'SYNTH_BACKEND') : undefined);
  if (active && (requested === undefined || requested === active.name)) return active;
  if (pending) {
    const info = await pending;
    if (requested === undefined || requested === info.name) return info;
  }
  pending = select(requested, preferred ? 'argument' : fromEnv ? 'SYNTH_BACKEND' : 'default');
  try {
    active = await pending;
    return active;
  } finally {
    pending = null;
  }
}

/** The active backend's info, or null before `initBackend`. */
export function activeBackend(): BackendInfo | null {
  return active;
}

async function select(requested: BackendName | undefined, requestedBy: BackendInfo['requestedBy']): Promise<BackendInfo> {
  const order = requested ? [requested] : AUTOMATIC_ORDER;
  const unavailable: Partial<Record<BackendName, string>> = {};
  for (const name of order) {
    try {
      const loaded = await load(name);
      registerSegmentKernels();
      registerReductionGradients();
      installCpuMatmul();
      return {
        name,
        tfBackend: tf.getBackend(),
        version: loaded.version,
        tfjsCoreVersion: tf.version_core,
        unavailable: requested ? probeOthers(name) : unavailable,
        details: loaded.details,
        hint: hintFor(name),
        requestedBy,
      };
    } catch (err) {
      unavailable[name] = err instanceof Error ? err.message.split('\n')[0] : String(err);
    }
  }
  if (requested) {
    throw new BackendChoiceError(
      `backend "${requested}" could not be loaded: ${unavailable[requested]}`,
      requested === 'wasm-openblas' ? 'or train on the shipped wasm backend: name no backend, or wasm' : (hintFor('cpu') ?? 'unset SYNTH_BACKEND to pick the fastest available backend'),
    );
  }
  throw new Error(`no tfjs backend could be loaded: ${JSON.stringify(unavailable)}`);
}

interface Loaded {
  version: string;
  details: Record<string, string | boolean>;
}

async function load(name: BackendName): Promise<Loaded> {
  switch (name) {
    case 'tfjs-node-gpu':
    case 'tfjs-node':
      return loadNative(name);
    case 'wasm':
      return loadWasm('xnnpack');
    case 'wasm-openblas':
      return loadWasm('openblas');
    case 'cpu':
      // The cpu backend prints an install banner on first use unless in production mode.
      tf.enableProdMode();
      if (!(await tf.setBackend('cpu'))) throw new Error('tf.setBackend("cpu") failed');
      await tf.ready();
      return { version: tf.version_core, details: {} };
  }
}

async function loadNative(name: 'tfjs-node-gpu' | 'tfjs-node'): Promise<Loaded> {
  const pkg = `@tensorflow/${name}`;
  let version: string;
  try {
    version = (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    throw new Error(`${pkg} is not installed`);
  }
  // The native binding registers the 'tensorflow' backend on import; it throws when
  // libtensorflow was never downloaded (offline install).
  await import(pkg);
  if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but its 'tensorflow' backend did not initialise`);
  await tf.ready();
  return { version, details: {} };
}

async function loadWasm(matmul: 'xnnpack' | 'openblas'): Promise<Loaded> {
  // Checked first, so that a missing addon leaves the current backend as it was.
  const blas = matmul === 'openblas' ? loadOpenBlas() : null;
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const pkgJson = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  // Node reads the .wasm binaries from the package itself; threads need a browser.
  wasm.setWasmPaths(`${join(dirname(pkgJson), 'dist')}/`);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") failed');
  await tf.ready();
  installWasmMatmul(matmul);
  installWasmSharedIdentity();
  installWasmElementwise();
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return { version: wasm.version_wasm, details: { simd, threads: false, ...(blas ? { openblas: blas.config() } : {}) } };
}

/** When a backend was forced, say briefly why the faster ones are not in use. */
function probeOthers(chosen: BackendName): Partial<Record<BackendName, string>> {
  const out: Partial<Record<BackendName, string>> = {};
  for (const name of AUTOMATIC_ORDER) {
    if (name === chosen) break;
    if (name === 'tfjs-node-gpu' || name === 'tfjs-node') {
      try {
        require.resolve(`@tensorflow/${name}/package.json`);
        out[name] = `not tried: backend "${chosen}" was requested`;
      } catch {
        out[name] = `@tensorflow/${name} is not installed`;
      }
    } else {
      out[name] = `not tried: backend "${chosen}" was requested`;
    }
  }
  return out;
}

function hintFor(name: BackendName): string | null {
  switch (name) {
    case 'tfjs-node-gpu':
      return null;
    case 'tfjs-node':
      return 'with an NVIDIA GPU and CUDA, `npm install @tensorflow/tfjs-node-gpu` (needs internet at install time) is faster';
    case 'wasm-openblas':
    case 'wasm':
    case 'cpu':
      return (
        '`npm install @tensorflow/tfjs-node` (needs internet at install time: it downloads libtensorflow) ' +
        'runs on the native TensorFlow library (its own BLAS and threads)' +
        (name === 'cpu' ? '; the wasm backend (shipped) is also faster than cpu' : '')
      );
  }
}
