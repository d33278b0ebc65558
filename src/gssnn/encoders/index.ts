/** Encoder configurations and construction by kind. */
import type { ParamStore } from '../nn/params.ts';
import type { Encoder } from './encoder.ts';
import { MlpEncoder, type MlpEncoderConfig } from './mlp.ts';
import { VitEncoder, type VitEncoderConfig } from './vit.ts';

export type { Encoder } from './encoder.ts';
export type { MlpEncoderConfig } from './mlp.ts';
export type { VitEncoderConfig } from './vit.ts';
export type EncoderConfig = MlpEncoderConfig | VitEncoderConfig;

export interface OwnedEncoder extends Encoder {
  dispose?(): void;
}

export function buildEncoder(config: EncoderConfig, store: ParamStore): OwnedEncoder {
  return config.kind === 'mlp' ? new MlpEncoder(config, store) : new VitEncoder(config, store);
}
