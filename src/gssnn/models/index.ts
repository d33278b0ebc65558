/**
 * Building models: a `ModelSpec` from a preset, a data shape and a wiring, and a model from
 * its spec. All kinds share the encoder and the training; they differ only after z.
 */
import type { ProgramGraph } from '../../dsl/graph.ts';
import { deriveSeed } from '../../util/random.ts';
import type { EncoderConfig } from '../encoders/index.ts';
import type { Model } from './model.ts';
import type { Preset } from '../presets.ts';
import { GssnnModel } from './gssnn.ts';
import { EncoderHeadModel } from './heads.ts';
import { outputWidth, usesSingleLogit } from './output.ts';
import { modelKindFromName, type ModelKindName, type ModelSpec } from './spec.ts';
import { controlWiring } from './wiring.ts';
import { UserFacingError } from '../../util/errors.ts';

export type { GnnConfig, ModelFamily, ModelKind, ModelKindName, ModelSpec } from './spec.ts';
export { MODEL_KIND_NAMES, modelKindFromName, modelKindName } from './spec.ts';
export { GssnnModel } from './gssnn.ts';
export { EncoderHeadModel } from './heads.ts';
export { classLogits, outputWidth, usesSingleLogit } from './output.ts';

export function buildModel(spec: ModelSpec): Model & { readonly weightNames: readonly string[] } {
  return modelKindFromName(spec.kind).family === 'gssnn' ? new GssnnModel(spec) : new EncoderHeadModel(spec);
}

export class ModelSpecError extends UserFacingError {
  constructor(message: string, hint: string) {
    super(message, { kind: 'usage', hint });
  }
}

/** The encoder for data of `inputShape` under `preset`, ending in `outputDim` values. */
export function encoderFor(preset: Preset, inputShape: readonly number[], outputDim: number): EncoderConfig {
  if (inputShape.length === 3) {
    const [h, w, channels] = inputShape;
    const s = preset.image.downsampledSize;
    if (h !== w || h % s !== 0) {
      throw new ModelSpecError(
        `images of ${h}x${w} cannot be cut into a ${s}x${s} token grid (preset ${preset.name})`,
        `load square images whose side is a multiple of ${s} (preset ${preset.name} asks for ${preset.image.inputSize})`,
      );
    }
    const { downsampledSize, dim, depth, heads, headDim, mlpDim, convDepth } = preset.image;
    return { kind: 'vit', inputSize: h, channels, downsampledSize, dim, depth, heads, headDim, mlpDim, convDepth, outputDim };
  }
  const inputDim = inputShape.reduce((a, b) => a * b, 1);
  return { kind: 'mlp', inputDim, hidden: preset.vectorHidden, outputDim };
}

export interface SpecRequest {
  readonly kind: ModelKindName;
  readonly preset: Preset;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  /** The program's graph (`gssnn`), or the graph whose size a control wiring matches. */
  readonly graph?: ProgramGraph;
  /** Element count for control wirings when no graph is given. */
  readonly elements?: number;
  readonly seed: number;
  readonly reproduceOriginal?: boolean;
}

/** Default size of a control wiring without a program: the original's median graph (8 nodes, 7 edges). */
export const DEFAULT_CONTROL_SIZE = { nodes: 8, edges: 7 } as const;

export function specFor(request: SpecRequest): ModelSpec {
  const { kind, preset, inputShape, numClasses, seed } = request;
  const gnn = {
    dim: preset.graphDim,
    depth: preset.gnnDepth,
    update: preset.gnnUpdate,
    dropout: preset.dropout,
    reproduceOriginal: request.reproduceOriginal ?? false,
  };
  const singleLogit = usesSingleLogit(numClasses, preset.train.loss);
  const base = { kind, inputShape: [...inputShape], numClasses, gnn, seed, ...(singleLogit ? { singleLogit } : {}) };
  const model = modelKindFromName(kind);
  if (model.family === 'linear') return { ...base, encoder: encoderFor(preset, inputShape, outputWidth(base)) };
  const encoder = encoderFor(preset, inputShape, preset.graphDim);
  if (model.family === 'mlp') return { ...base, encoder };
  if (model.wiring === 'program') {
    if (!request.graph) throw new ModelSpecError('a G-SSNN needs a program graph', 'give --program');
    return { ...base, encoder, graph: request.graph };
  }
  const like = request.graph
    ? { nodes: request.graph.nodes.length, edges: request.graph.edges.length }
    : request.elements
      ? { nodes: Math.ceil((request.elements + 1) / 2), edges: Math.floor((request.elements - 1) / 2) }
      : DEFAULT_CONTROL_SIZE;
  return { ...base, encoder, graph: controlWiring(model.wiring, like, deriveSeed(seed, 'wiring'), preset.maxConn) };
}
