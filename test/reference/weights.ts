/**
 * Our models' weights seen in PyTorch's layouts. Each of our weights becomes one tape leaf per
 * value (in our layout, so its gradient reads back directly); the accessors below are the
 * documented storage conventions, and only they:
 * - dense weights are [in, out] (y = x W + b), PyTorch's [out, in] transposed;
 * - the pixel-unshuffle stem reads token value (i r + j) C + c where PyTorch has c r^2 + i r + j;
 * - the 3x3 conv weight is [3, 3, cin, cout]; a 1x1 conv is a dense [cin, cout] matrix;
 * - the conv block's LayerNorm over [C, H, W] stores gain and shift as [H, W, C];
 * - the attention's qkv output is laid out [3, heads, headDim], PyTorch's order after
 *   `chunk(3)` and '(h d)', so its weight is the plain transpose.
 * Every weight also carries the initialization PyTorch would give it, so that a test can
 * check ours against it.
 */
import type { Conv2dParams, LayerNormParams, LinearParams } from './original.ts';
import type { Scalar, Tape } from './tape.ts';

/** What PyTorch's constructor puts in a weight: kaiming_uniform(a = sqrt 5) and its bias rule give U(+-1/sqrt(fan_in)). */
export type ExpectedInit = { readonly kind: 'uniform'; readonly bound: number } | { readonly kind: 'ones' } | { readonly kind: 'zeros' };

export interface NamedWeight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: ArrayLike<number>;
}

interface Entry extends NamedWeight {
  readonly leaves: Scalar[];
  used: boolean;
  init?: ExpectedInit;
}

const uniform = (fanIn: number): ExpectedInit => ({ kind: 'uniform', bound: 1 / Math.sqrt(fanIn) });

export class ReferenceWeights {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly tape: Tape, weights: readonly NamedWeight[]) {
    for (const w of weights) {
      if (this.entries.has(w.name)) throw new Error(`weight ${w.name} is listed twice`);
      this.entries.set(w.name, { ...w, leaves: Array.from(w.values, (v) => tape.leaf(v)), used: false });
    }
  }

  /** The leaves of weight `name`, which must have `shape`; marks it used. */
  take(name: string, shape: readonly number[], init: ExpectedInit): Scalar[] {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`the reference needs weight ${name} [${shape}], which the model does not have`);
    if (entry.used) throw new Error(`weight ${name} is used twice by the reference`);
    if (entry.shape.join() !== shape.join()) throw new Error(`weight ${name} has shape [${entry.shape}], the original's layer needs [${shape}]`);
    entry.used = true;
    entry.init = init;
    return entry.leaves;
  }

  /** nn.Linear(inF, outF) from our dense `name` ({name}.weight [in, out], {name}.bias [out]). */
  linear(name: string, inF: number, outF: number, bias = true): LinearParams {
    const w = this.take(`${name}.weight`, [inF, outF], uniform(inF));
    const b = bias ? this.take(`${name}.bias`, [outF], uniform(inF)) : null;
    return { inFeatures: inF, outFeatures: outF, weight: (o, i) => w[i * outF + o], bias: b ? (o) => b[o] : null };
  }

  /** nn.Conv2d(cin, cout, 1, bias=False) from our [cin, cout] matrix `name`. */
  conv1x1(name: string, cin: number, cout: number): Conv2dParams {
    const w = this.take(name, [cin, cout], uniform(cin));
    return { inChannels: cin, outChannels: cout, kernel: 1, weight: (o, i) => w[i * cout + o], bias: null };
  }

  /** nn.Conv2d(cin, cout, 3, padding=1, bias=False) from our [3, 3, cin, cout] weight `name`. */
  conv3x3(name: string, cin: number, cout: number): Conv2dParams {
    const w = this.take(name, [3, 3, cin, cout], uniform(9 * cin));
    return { inChannels: cin, outChannels: cout, kernel: 3, weight: (o, i, ky, kx) => w[((ky * 3 + kx) * cin + i) * cout + o], bias: null };
  }

  /**
   * nn.Conv2d(channels r^2, dim, 1) after nn.PixelUnshuffle(r), from our dense stem `name`,
   * whose input row for PyTorch's channel c r^2 + i r + j is (i r + j) C + c.
   */
  unshuffleStem(name: string, channels: number, r: number, dim: number): Conv2dParams {
    const cin = channels * r * r;
    const w = this.take(`${name}.weight`, [cin, dim], uniform(cin));
    const b = this.take(`${name}.bias`, [dim], uniform(cin));
    const ourRow = (k: number) => {
      const c = Math.floor(k / (r * r));
      const offset = k % (r * r); // i r + j
      return offset * channels + c;
    };
    return { inChannels: cin, outChannels: dim, kernel: 1, weight: (o, k) => w[ourRow(k) * dim + o], bias: (o) => b[o] };
  }

  /** nn.LayerNorm([dim]) from our {name}.gain / {name}.shift. */
  layerNorm(name: string, dim: number): LayerNormParams {
    const g = this.take(`${name}.gain`, [dim], { kind: 'ones' });
    const s = this.take(`${name}.shift`, [dim], { kind: 'zeros' });
    return { size: dim, weight: (k) => g[k], bias: (k) => s[k] };
  }

  /** nn.LayerNorm([C, H, W]) from our gain / shift stored [H, W, C]. */
  layerNormChw(name: string, c: number, h: number, w: number): LayerNormParams {
    const g = this.take(`${name}.gain`, [h, w, c], { kind: 'ones' });
    const s = this.take(`${name}.shift`, [h, w, c], { kind: 'zeros' });
    // PyTorch's flat index (ch * h + y) * w + x -> ours (y * w + x) * c + ch.
    const ours = (k: number) => {
      const ch = Math.floor(k / (h * w));
      const y = Math.floor((k % (h * w)) / w);
      const x = k % w;
      return (y * w + x) * c + ch;
    };
    return { size: c * h * w, weight: (k) => g[ours(k)], bias: (k) => s[ours(k)] };
  }

  /** Names of the model's weights that the reference never read (an extra layer in ours). */
  unused(): string[] {
    return [...this.entries.values()].filter((e) => !e.used).map((e) => e.name);
  }

  /** Each weight with its values and the initialization the original's layer would give it. */
  initializations(): { name: string; values: ArrayLike<number>; init: ExpectedInit }[] {
    return [...this.entries.values()].filter((e) => e.init).map((e) => ({ name: e.name, values: e.values, init: e.init! }));
  }

  /** The adjoints of every weight's leaves, in our layout, by weight name. */
  gradients(adjoint: Float64Array): Map<string, Float64Array> {
    return new Map([...this.entries.values()].map((e) => [e.name, Float64Array.from(e.leaves, (leaf) => adjoint[leaf])]));
  }
}
