/**
 * Model specifications: plain JSON that rebuilds a model exactly (saved next to its weights).
 */
import type { ProgramGraph } from '../../dsl/graph.ts';
import type { EncoderConfig } from '../encoders/index.ts';

/** `gssnn` is wired by a program; `gssnn-<wiring>` by a control graph; `linear`, `mlp` have no graph. */
export type ModelKind = 'gssnn' | 'gssnn-random' | 'gssnn-chain' | 'gssnn-star' | 'gssnn-complete' | 'linear' | 'mlp';
export const MODEL_KINDS: readonly ModelKind[] = ['gssnn', 'gssnn-random', 'gssnn-chain', 'gssnn-star', 'gssnn-complete', 'linear', 'mlp'];

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
  readonly kind: ModelKind;
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
