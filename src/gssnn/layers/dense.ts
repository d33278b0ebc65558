/**
 * The toolkit's one dense layer. A `Linear` maps the last axis (`[..., in] -> [..., out]`) of
 * a tensor of any rank >= 2 with one GEMM over all leading rows, then adds the bias. Two
 * initializations, each with its own seeded stream so that existing draws never move:
 *
 * - `Linear.glorot(rng, ...)`: Glorot-uniform weights from `rng`, bias 0 (the message-passing
 *   layers); the layer owns its variables and `dispose()` frees them.
 * - `Linear.inStore(store, name, ...)`: PyTorch's default, U(±1/sqrt(in)) for weight then bias,
 *   registered in a model's `ParamStore` as `name.weight` / `name.bias` (the names saved
 *   models carry); the store owns and disposes them.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../../util/random.ts';
import type { ParamStore } from '../nn/params.ts';

export type Activation = 'linear' | 'relu';

/** A `[rows, cols]` variable with Glorot-uniform entries drawn from `rng`. */
export function glorotVariable(rng: Random, rows: number, cols: number): tf.Variable {
  const limit = Math.sqrt(6 / (rows + cols));
  const values = new Float32Array(rows * cols);
  for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-limit, limit);
  return tf.tidy(() => tf.variable(tf.tensor2d(values, [rows, cols]), true));
}

function checkSizes(inFeatures: number, outFeatures: number): void {
  if (!(inFeatures > 0 && outFeatures > 0)) throw new RangeError(`Linear: sizes must be positive, got ${inFeatures} -> ${outFeatures}`);
}

export class Linear {
  /** `weight` is `[in, out]`, `bias` `[out]` (or none). */
  constructor(
    readonly weight: tf.Variable,
    readonly bias: tf.Variable | null,
  ) {
    if (weight.rank !== 2) throw new RangeError(`Linear: the weight must be [in, out], got [${weight.shape}]`);
    if (bias && (bias.rank !== 1 || bias.shape[0] !== weight.shape[1])) {
      throw new RangeError(`Linear: the bias must be [${weight.shape[1]}], got [${bias.shape}]`);
    }
  }

  /** Glorot-uniform weights drawn from `rng`, zero bias; the layer owns them. */
  static glorot(rng: Random, inFeatures: number, outFeatures: number, withBias = true): Linear {
    checkSizes(inFeatures, outFeatures);
    const weight = glorotVariable(rng, inFeatures, outFeatures);
    return new Linear(weight, withBias ? tf.tidy(() => tf.variable(tf.zeros([outFeatures]), true)) : null);
  }

  /** PyTorch's default initialization, registered in `store` as `name.weight` and `name.bias`. */
  static inStore(store: ParamStore, name: string, inFeatures: number, outFeatures: number, withBias = true): Linear {
    checkSizes(inFeatures, outFeatures);
    const init = { kind: 'fanIn', fanIn: inFeatures } as const;
    const weight = store.create(`${name}.weight`, [inFeatures, outFeatures], init);
    return new Linear(weight, withBias ? store.create(`${name}.bias`, [outFeatures], init) : null);
  }

  get inFeatures(): number {
    return (this.weight.shape as [number, number])[0];
  }

  get outFeatures(): number {
    return (this.weight.shape as [number, number])[1];
  }

  get variables(): tf.Variable[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  /**
   * `[..., in] -> [..., out]`, optionally followed by ReLU. The bias is added after the GEMM
   * rather than fused into it: the wasm backend's fused kernel rounds differently, and every
   * trained model's numbers were fixed with the unfused order. Call it inside `tf.tidy` (every
   * forward pass is): the intermediates are the caller's to free.
   */
  apply(x: tf.Tensor, activation: Activation = 'linear'): tf.Tensor {
    if (x.shape[x.rank - 1] !== this.inFeatures || x.rank < 2) {
      throw new RangeError(`Linear: expected last axis ${this.inFeatures}, got input shape [${x.shape}]`);
    }
    const rows = tf.reshape(x, [-1, this.inFeatures]) as tf.Tensor2D;
    let y: tf.Tensor = tf.matMul(rows, this.weight as tf.Tensor2D);
    if (this.bias) y = tf.add(y, this.bias);
    if (activation === 'relu') y = tf.relu(y);
    return tf.reshape(y, [...x.shape.slice(0, -1), this.outFeatures]);
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}

/** Linear -> ReLU -> Linear, the usual update network of GIN / GINE. */
export class Mlp {
  constructor(
    readonly first: Linear,
    readonly second: Linear,
  ) {
    if (first.outFeatures !== second.inFeatures) {
      throw new RangeError(`Mlp: the first layer gives ${first.outFeatures} features, the second takes ${second.inFeatures}`);
    }
  }

  /** Both layers Glorot-initialized from `rng`, the first layer's draws first. */
  static glorot(rng: Random, inFeatures: number, hidden: number, outFeatures: number): Mlp {
    const first = Linear.glorot(rng, inFeatures, hidden);
    return new Mlp(first, Linear.glorot(rng, hidden, outFeatures));
  }

  get inFeatures(): number {
    return this.first.inFeatures;
  }

  get outFeatures(): number {
    return this.second.outFeatures;
  }

  get variables(): tf.Variable[] {
    return [...this.first.variables, ...this.second.variables];
  }

  apply(x: tf.Tensor): tf.Tensor {
    return this.second.apply(this.first.apply(x, 'relu'));
  }

  dispose(): void {
    this.first.dispose();
    this.second.dispose();
  }
}
