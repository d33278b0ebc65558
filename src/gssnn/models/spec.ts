/**
 * Model specifications: plain JSON that rebuilds a model exactly (saved next to its weights).
 */
import type { ProgramGraph } from '../../dsl/graph.ts';
import type { EncoderConfig } from '../encoders/index.ts';
import type { WiringKind } from './wiring.ts';

/**
 * What a model is, as code branches on it: a G-SSNN wired by a program or by a control graph,
 * or a baseline without a graph.
 */
export type ModelKind =
  | { readonly family: 'gssnn'; readonly wiring: 'program' | WiringKind }
  | { readonly family: 'linear' }
  | { readonly family: 'mlp' };

export type ModelFamily = ModelKind['family'];

/**
 * A model kind's name: the form that flags, saved specs, job records and cache keys carry
 * (`gssnn` is wired by a program, `gssnn-<wiring>` by a control graph).
 */
export type ModelKindName = 'gssnn' | 'gssnn-random' | 'gssnn-chain' | 'gssnn-star' | 'gssnn-complete' | 'linear' | 'mlp';

const KINDS: Readonly<Record<ModelKindName, ModelKind>> = {
  gssnn: { family: 'gssnn', wiring: 'program' },
  'gssnn-random': { family: 'gssnn', wiring: 'random' },
  'gssnn-chain': { family: 'gssnn', wiring: 'chain' },
  'gssnn-star': { family: 'gssnn', wiring: 'star' },
  'gssnn-complete': { family: 'gssnn', wiring: 'complete' },
  linear: { family: 'linear' },
  mlp: { family: 'mlp' },
};

export const MODEL_KIND_NAMES: readonly ModelKindName[] = Object.keys(KINDS) as ModelKindName[];

export function modelKindFromName(name: ModelKindName): ModelKind {
  // Names also arrive from files (saved specs, job records), so an unknown one is said plainly.
  if (!Object.hasOwn(KINDS, name)) throw new RangeError(`unknown model kind "${name}"; the kinds are ${MODEL_KIND_NAMES.join(', ')}`);
  return KINDS[name];
}

export function modelKindName(kind: ModelKind): ModelKindName {
  const wiring = kind.family === 'gssnn' ? kind.wiring : undefined;
  return MODEL_KIND_NAMES.find((name) => KINDS[name].family === kind.family && (KINDS[name] as { wiring?: string }).wiring === wiring)!;
}

export interface GnnConfig {
  /** Width of node and edge features (the encoder's output width). */
  readonly dim: number;
  /** Number of GINE layers (for `mlp`: hidden layers). */
  readonly depth: number;
  /**
   * GINE update: `linear` is the original's single linear map; `mlp` is the standard GINE
   * update (Linear -> ReLU -> Linear, hidden width `dim`).
   */
  readonly update: 'linear' | 'mlp';
  /** Dropout on node and edge features before each layer. */
  readonly dropout: number;
  /** List each edge twice and use the original's code layout (see inject.ts). */
  readonly reproduceOriginal: boolean;
}

// A type alias (not an interface) so that it is a `Record<string, unknown>` for `Model.config`.
export type ModelSpec = {
  readonly kind: ModelKindName;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  /** For `linear` the encoder's output layer is the head (`outputDim` = the output width). */
  readonly encoder: EncoderConfig;
  readonly gnn: GnnConfig;
  /** The wiring of a G-SSNN kind (for control wirings, the generated graph itself). */
  readonly graph?: ProgramGraph;
  /** Seeds the initialization and the dropout stream. */
  readonly seed: number;
  /** A two-class model with one logit (see output.ts); absent means one logit per class. */
  readonly singleLogit?: boolean;
};
