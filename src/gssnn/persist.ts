/**
 * Saved models: a directory holding `model.json` (format version, the model spec that
 * rebuilds it, each weight's name, shape and offset, plus any metadata such as training
 * results), `weights.bin` (all weights as little-endian float32, in the model's fixed
 * variable order) and, unless the trainer was told not to keep them, `initial-weights.bin`
 * (the weights before training, same layout), which the distance-from-initialization
 * measures need. Loading rebuilds the model from its spec and assigns the weights, so
 * predictions after loading are identical.
 */
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomicFile.ts';
import { buildModel, type ModelSpec } from './models/index.ts';
import type { Model } from './models/model.ts';
import { UserFacingError } from '../util/errors.ts';

/** Version 2: the image encoder as the original defines it (signed pixels, no final norm), one logit for binary BCE. */
export const SAVED_MODEL_FORMAT = 'gssnn-saved-model/2';

export interface SavedWeight {
  readonly name: string;
  readonly shape: readonly number[];
  /** Offset in float32 values into weights.bin. */
  readonly offset: number;
}

/** The file beside weights.bin holding the weights at initialization. */
export const INITIAL_WEIGHTS_FILE = 'initial-weights.bin';

export interface SavedModelManifest {
  readonly format: typeof SAVED_MODEL_FORMAT;
  readonly spec: ModelSpec;
  readonly weights: readonly SavedWeight[];
  /** `initial-weights.bin` when the weights at initialization were saved (same offsets as `weights`). */
  readonly initialWeights?: string;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export class SavedModelError extends UserFacingError {
  constructor(message: string, hint: string) {
    super(message, { kind: 'file', hint });
  }
}

type NamedModel = Model & { readonly weightNames: readonly string[] };

export interface SaveOptions {
  /** The weights before training, in `model.variables` order (kept for the -init/-dist measures). */
  readonly initialWeights?: readonly Float32Array[];
}

export function saveModel(model: NamedModel, dir: string, metadata: Record<string, unknown> = {}, options: SaveOptions = {}): SavedModelManifest {
  let offset = 0;
  const weights: SavedWeight[] = model.variables.map((v, i) => {
    const entry = { name: model.weightNames[i], shape: [...v.shape], offset };
    offset += v.size;
    return entry;
  });
  const pack = (parts: readonly ArrayLike<number>[]) => {
    const values = new Float32Array(offset);
    parts.forEach((part, i) => values.set(part, weights[i].offset));
    return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  };
  const initial = options.initialWeights;
  if (initial) {
    const sizes = model.variables.map((v) => v.size);
    if (initial.length !== sizes.length || initial.some((w, i) => w.length !== sizes[i])) {
      throw new RangeError(`saveModel: the initial weights do not match the model's ${sizes.length} variables`);
    }
  }
  const manifest: SavedModelManifest = {
    format: SAVED_MODEL_FORMAT,
    spec: model.config as ModelSpec,
    weights,
    ...(initial ? { initialWeights: INITIAL_WEIGHTS_FILE } : {}),
    metadata,
  };
  writeFileAtomic(join(dir, 'weights.bin'), pack(model.variables.map((v) => v.dataSync() as Float32Array)));
  if (initial) writeFileAtomic(join(dir, INITIAL_WEIGHTS_FILE), pack(initial));
  writeJsonAtomic(join(dir, 'model.json'), manifest);
  return manifest;
}

/**
 * The weights at initialization of a saved model, one array per weight in manifest order,
 * or null when the model was saved without them.
 */
export function loadInitialWeights(dir: string, manifest: SavedModelManifest): Float32Array[] | null {
  if (!manifest.initialWeights) return null;
  const path = join(dir, manifest.initialWeights);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new SavedModelError(`cannot read ${path}: ${(err as Error).message}`, 'model.json names initial weights that are missing; save the model again');
  }
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return manifest.weights.map((w) => {
    const size = w.shape.reduce((a, b) => a * b, 1);
    if (w.offset + size > values.length) throw new SavedModelError(`${path} is too short for ${w.name}`, 'the file is truncated; save the model again');
    return values.slice(w.offset, w.offset + size);
  });
}

export function readManifest(dir: string): SavedModelManifest {
  const path = join(dir, 'model.json');
  let manifest: SavedModelManifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as SavedModelManifest;
  } catch (err) {
    throw new SavedModelError(`cannot read ${path}: ${(err as Error).message}`, 'point at a directory written by `synth train --out DIR`');
  }
  if (manifest.format !== SAVED_MODEL_FORMAT) {
    throw new SavedModelError(`${path}: format "${String(manifest.format)}" is not ${SAVED_MODEL_FORMAT}`, 'retrain the model with this version');
  }
  return manifest;
}

export function loadModel(dir: string): { model: NamedModel; manifest: SavedModelManifest } {
  const manifest = readManifest(dir);
  const bytes = readFileSync(join(dir, 'weights.bin'));
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const model = buildModel(manifest.spec);
  try {
    if (model.variables.length !== manifest.weights.length) {
      throw new SavedModelError(
        `${dir}: the spec builds ${model.variables.length} weights but ${manifest.weights.length} were saved`,
        'the saved model comes from an incompatible version; retrain it',
      );
    }
    model.variables.forEach((v, i) => {
      const saved = manifest.weights[i];
      if (saved.name !== model.weightNames[i] || saved.shape.join('x') !== v.shape.join('x')) {
        throw new SavedModelError(
          `${dir}: weight ${i} is ${saved.name} [${saved.shape}] in the file but ${model.weightNames[i]} [${v.shape}] in the model`,
          'the saved model comes from an incompatible version; retrain it',
        );
      }
      if (saved.offset + v.size > values.length) {
        throw new SavedModelError(`${dir}: weights.bin is too short for ${saved.name}`, 'the file is truncated; save the model again');
      }
      tf.tidy(() => v.assign(tf.tensor(values.subarray(saved.offset, saved.offset + v.size), v.shape)));
    });
  } catch (err) {
    model.dispose();
    throw err;
  }
  return { model, manifest };
}
