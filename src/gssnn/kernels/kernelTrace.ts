/**
 * Kernel traces: a computation that runs the same backend kernels on every call (same kernels,
 * shapes and attributes, in the same order; only its input tensors' values change) is recorded
 * once through tfjs's engine and then replayed by calling the backend's kernel functions
 * directly. Each kernel computes exactly what it computed under the engine (the same function
 * on the same data), so results are bitwise those of the engine path; what is skipped is the
 * engine's bookkeeping around every kernel (scopes, tensor tracking, the gradient tape and the
 * gradient functions' JavaScript), which is most of a small model's step.
 *
 * A trace is only used once two consecutive recordings agree (kernels, shapes, attributes and
 * the values of every tensor read that neither the inputs nor the kernels made), and never when
 * the computation reads tensor values into JavaScript, runs kernels from inside kernels or meets
 * a kernel that returns engine tensors (such computations keep running through the engine).
 */
import * as tf from '@tensorflow/tfjs-core';

type DataId = tf.TensorInfo['dataId'];
type Backend = tf.KernelBackend & { incRef?(dataId: DataId): void; disposeData(dataId: DataId, force?: boolean): boolean };

interface KernelInput {
  readonly name: string;
  /** Slot holding the input's data (see Recording), or -1 for an absent optional input. */
  readonly slot: number;
  /** What the kernel is handed (its data swapped in on every replay); null when absent. */
  readonly info: { dataId: DataId; shape: number[]; dtype: tf.DataType } | null;
}

interface RecordedKernel {
  readonly name: string;
  readonly kernelFunc: tf.KernelFunc;
  readonly attrs: tf.NamedAttrMap;
  readonly inputs: readonly KernelInput[];
  /** Kernels of a list of tensors (Concat, AddN, Pack) take their inputs as an array. */
  readonly inputsAsArray: boolean;
  readonly outputs: readonly number[];
  readonly outputShapes: readonly (readonly number[])[];
}

/** What a computation did: slots 0..inputs-1 are its inputs; the others, captured data and kernel outputs. */
interface Recording {
  readonly inputs: number;
  /** Data the computation read that neither its inputs nor its kernels made (a reference held on each). */
  readonly captured: { readonly slot: number; readonly dataId: DataId }[];
  readonly kernels: RecordedKernel[];
  readonly outputs: { slot: number; shape: number[]; dtype: tf.DataType }[];
  readonly slotCount: number;
}

interface EngineInternals {
  readSync(dataId: DataId): unknown;
  read(dataId: DataId): Promise<unknown>;
  makeTensorFromTensorInfo(info: tf.TensorInfo, backend?: tf.KernelBackend): tf.Tensor;
  removeDataId(dataId: DataId, backend: tf.KernelBackend): void;
  backendName: string;
}

/**
 * Runs `inputs -> outputs` through the engine once (recording it), then, when a second call
 * records the same kernels, replays it on every later call. `fn` must compute its outputs from
 * `inputs` (the values of anything else it reads must not change between calls).
 */
export class TracedComputation {
  private candidate: Recording | null = null;
  private trace: Trace | null = null;
  private refused = false;

  constructor(private readonly fn: (inputs: readonly tf.Tensor[]) => tf.Tensor[]) {}

  /** Whether calls now replay (for tests and benchmarks). */
  get replaying(): boolean {
    return this.trace !== null;
  }

  call(inputs: readonly tf.Tensor[]): tf.Tensor[] {
    if (this.trace) return this.trace.replay(inputs);
    if (this.refused) return this.fn(inputs);
    const { outputs, recording } = record(inputs, this.fn);
    if (!recording) {
      this.refused = true;
      this.dropCandidate();
      return outputs;
    }
    if (this.candidate && sameRecording(this.candidate, recording)) {
      this.trace = new Trace(recording);
      this.dropCandidate();
    } else {
      this.dropCandidate();
      this.candidate = recording;
    }
    return outputs;
  }

  dispose(): void {
    this.dropCandidate();
    this.trace?.dispose();
    this.trace = null;
  }

  private dropCandidate(): void {
    if (this.candidate) release(this.candidate);
    this.candidate = null;
  }
}

function release(recording: Recording): void {
  releaseData(recording.captured.map((c) => c.dataId));
}

/** Drops the references a recording held; data the engine no longer tracks is then freed. */
function releaseData(dataIds: readonly DataId[]): void {
  const backend = tf.backend() as Backend;
  const engine = tf.engine() as unknown as EngineInternals;
  for (const dataId of dataIds) if (backend.disposeData(dataId)) engine.removeDataId(dataId, backend);
}

/** Runs `fn` through the engine, recording its top-level kernels; null recording: not replayable. */
function record(inputs: readonly tf.Tensor[], fn: (inputs: readonly tf.Tensor[]) => tf.Tensor[]): { outputs: tf.Tensor[]; recording: Recording | null } {
  const engine = tf.engine() as unknown as EngineInternals;
  const backend = tf.backend() as Backend;
  const slotOf = new Map<DataId, number>();
  inputs.forEach((t, i) => slotOf.set(t.dataId, i));
  // Two inputs sharing data could not be told apart on replay.
  let replayable = slotOf.size === inputs.length && typeof backend.incRef === 'function';
  const captured: { slot: number; dataId: DataId }[] = [];
  const kernels: RecordedKernel[] = [];
  let slotCount = inputs.length;
  let depth = 0;
  const slotFor = (dataId: DataId): number => {
    let slot = slotOf.get(dataId);
    if (slot === undefined) {
      // Data from outside: hold a reference so that it outlives the scope that made it.
      backend.incRef!(dataId);
      slot = slotCount++;
      captured.push({ slot, dataId });
      slotOf.set(dataId, slot);
    }
    return slot;
  };

  // Every kernel of the backend is wrapped while recording, so that each call is seen as it
  // runs, in order (the engine also runs kernels of its own, e.g. copies of tensors that a
  // gradient keeps).
  const configs = tf.getKernelsForBackend(engine.backendName);
  const originals = configs.map((c) => c.kernelFunc);
  configs.forEach((config, c) => {
    const kernelFunc = originals[c];
    (config as { kernelFunc: tf.KernelFunc }).kernelFunc = (args) => {
      // A kernel run from inside another one would run twice on replay.
      if (depth > 0) replayable = false;
      const kernelInputs: KernelInput[] = [];
      if (replayable) {
        for (const [name, t] of Object.entries(args.inputs)) {
          kernelInputs.push(t == null ? { name, slot: -1, info: null } : { name, slot: slotFor(t.dataId), info: { dataId: t.dataId, shape: t.shape.slice(), dtype: t.dtype } });
        }
      }
      depth++;
      let result: tf.TensorInfo | tf.TensorInfo[];
      try {
        result = kernelFunc(args);
      } finally {
        depth--;
      }
      const outs = Array.isArray(result) ? result : [result];
      // A kernel that hands back engine tensors (some cpu kernels) allocates through the
      // engine, which a replay bypasses.
      if (outs.some((r) => r instanceof tf.Tensor)) replayable = false;
      if (replayable && depth === 0) {
        const outputs = outs.map((t) => {
          const slot = slotCount++;
          slotOf.set(t.dataId, slot);
          return slot;
        });
        kernels.push({
          name: config.kernelName,
          kernelFunc,
          attrs: { ...(args.attrs ?? {}) },
          inputs: kernelInputs,
          inputsAsArray: Array.isArray(args.inputs),
          outputs,
          outputShapes: outs.map((t) => t.shape.slice()),
        });
      }
      return result;
    };
  });
  const { readSync, read } = engine;
  // Values read into JavaScript could steer the computation: such a computation is not replayed.
  engine.readSync = function (this: EngineInternals, dataId) {
    if (depth === 0) replayable = false;
    return readSync.call(this, dataId);
  };
  engine.read = function (this: EngineInternals, dataId) {
    if (depth === 0) replayable = false;
    return read.call(this, dataId);
  };
  let outputs: tf.Tensor[];
  try {
    outputs = fn(inputs);
  } catch (err) {
    releaseData(captured.map((c) => c.dataId));
    throw err;
  } finally {
    configs.forEach((config, c) => ((config as { kernelFunc: tf.KernelFunc }).kernelFunc = originals[c]));
    engine.readSync = readSync;
    engine.read = read;
  }
  const recordedOutputs = outputs.map((t) => ({ slot: replayable ? slotFor(t.dataId) : -1, shape: t.shape.slice(), dtype: t.dtype }));
  if (!replayable) {
    releaseData(captured.map((c) => c.dataId));
    return { outputs, recording: null };
  }
  return { outputs, recording: { inputs: inputs.length, captured, kernels, outputs: recordedOutputs, slotCount } };
}

/** Equal kernels, shapes, attributes, data flow and captured values. */
function sameRecording(a: Recording, b: Recording): boolean {
  if (a.inputs !== b.inputs || a.slotCount !== b.slotCount || a.kernels.length !== b.kernels.length || a.captured.length !== b.captured.length) return false;
  if (JSON.stringify(a.outputs) !== JSON.stringify(b.outputs)) return false;
  const signature = (k: RecordedKernel) => JSON.stringify([k.name, k.attrs, k.inputsAsArray, k.inputs.map((i) => [i.name, i.slot, i.info?.shape, i.info?.dtype]), k.outputs, k.outputShapes]);
  for (let i = 0; i < a.kernels.length; i++) {
    if (a.kernels[i].kernelFunc !== b.kernels[i].kernelFunc || signature(a.kernels[i]) !== signature(b.kernels[i])) return false;
  }
  const backend = tf.backend();
  for (let i = 0; i < a.captured.length; i++) {
    if (a.captured[i].slot !== b.captured[i].slot) return false;
    if (a.captured[i].dataId === b.captured[i].dataId) continue;
    const x = backend.readSync(a.captured[i].dataId) as ArrayLike<number>;
    const y = backend.readSync(b.captured[i].dataId) as ArrayLike<number>;
    if (x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) if (!Object.is(x[j], y[j])) return false;
  }
  return true;
}

/** A recording prepared for replay: dead kernels dropped, each intermediate freed after its last use. */
class Trace {
  private readonly kernels: RecordedKernel[];
  /** Per kept kernel: the slots to free once it has run. */
  private readonly freeAfter: number[][];
  private readonly backend: Backend;
  private readonly engine: EngineInternals;
  /** Slots the kept kernels produce (the others are inputs and captured data). */
  private readonly made: Set<number>;

  constructor(private readonly recording: Recording) {
    this.backend = tf.backend() as Backend;
    this.engine = tf.engine() as unknown as EngineInternals;
    const { kernels, outputs } = recording;
    const isOutput = new Set(outputs.map((o) => o.slot));
    // Keep the kernels an output depends on.
    const needed = new Set(isOutput);
    const keep: boolean[] = new Array(kernels.length).fill(false);
    for (let i = kernels.length - 1; i >= 0; i--) {
      if (!kernels[i].outputs.some((s) => needed.has(s))) continue;
      keep[i] = true;
      for (const input of kernels[i].inputs) if (input.slot >= 0) needed.add(input.slot);
    }
    this.kernels = kernels.filter((_, i) => keep[i]);
    this.made = new Set(this.kernels.flatMap((k) => k.outputs));
    const lastUse = new Map<number, number>();
    this.kernels.forEach((k, i) => {
      for (const input of k.inputs) if (this.made.has(input.slot)) lastUse.set(input.slot, i);
      for (const slot of k.outputs) if (!lastUse.has(slot)) lastUse.set(slot, i);
    });
    this.freeAfter = this.kernels.map(() => []);
    for (const [slot, i] of lastUse) if (!isOutput.has(slot)) this.freeAfter[i].push(slot);
  }

  replay(inputs: readonly tf.Tensor[]): tf.Tensor[] {
    const { recording, backend } = this;
    if (inputs.length !== recording.inputs) throw new Error(`kernel trace: expected ${recording.inputs} inputs, got ${inputs.length}`);
    const slots: DataId[] = new Array(recording.slotCount);
    inputs.forEach((t, i) => (slots[i] = t.dataId));
    for (const { slot, dataId } of recording.captured) slots[slot] = dataId;
    for (let i = 0; i < this.kernels.length; i++) {
      const kernel = this.kernels[i];
      const named: Record<string, tf.TensorInfo> | tf.TensorInfo[] = kernel.inputsAsArray ? [] : {};
      for (const input of kernel.inputs) {
        if (input.info === null) continue;
        input.info.dataId = slots[input.slot];
        (named as Record<string, tf.TensorInfo>)[input.name] = input.info;
      }
      const out = kernel.kernelFunc({ inputs: named as tf.NamedTensorInfoMap, attrs: kernel.attrs, backend });
      if (Array.isArray(out)) out.forEach((info, j) => (slots[kernel.outputs[j]] = info.dataId));
      else slots[kernel.outputs[0]] = out.dataId;
      for (const slot of this.freeAfter[i]) backend.disposeData(slots[slot]);
    }
    const handedOut = new Set<number>();
    return recording.outputs.map(({ slot, shape, dtype }) => {
      // Each output tensor holds its own reference to its data.
      if (!this.made.has(slot) || handedOut.has(slot)) backend.incRef!(slots[slot]);
      handedOut.add(slot);
      return this.engine.makeTensorFromTensorInfo({ dataId: slots[slot], shape: shape.slice(), dtype }, backend);
    });
  }

  dispose(): void {
    release(this.recording);
  }
}
