/**
 * The original system's network in float64 on a scalar tape, written from its source and its
 * pinned dependencies, in PyTorch's layouts (NCHW images, `nn.Linear` weights [out, in]):
 * - symbolically_synthesized_networks@f960ecd `network.py`: PositionalEmbedding2d,
 *   GlobalAvgPool, ConvResidual, PixelShuffle_ViT_Encoder, GraphStructured and the
 *   BCEWithLogitsLoss of `Network`; `raven.py`: pixels fed as 2 * x / 255 - 1;
 * - vit-pytorch 0.38.1 `simple_vit.py`: posemb_sincos_2d, Attention, FeedForward, Transformer;
 * - DGL 0.9.1: GINEConv (eps 0, not learned), AvgPooling;
 * - PyTorch: nn.LayerNorm (eps 1e-5, biased variance), nn.GELU (exact), nn.PixelUnshuffle.
 * Line numbers in comments are those of the original files. Nothing here imports the toolkit.
 */
import type { Scalar, Tape } from './tape.ts';

/** `nn.Linear(in, out)`: y = x W^T + b, weight [out, in]. */
export interface LinearParams {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight(out: number, inp: number): Scalar;
  readonly bias: ((out: number) => Scalar) | null;
}

/** `nn.Conv2d(cin, cout, k)`, weight [cout, cin, k, k]. */
export interface Conv2dParams {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  weight(out: number, inp: number, ky: number, kx: number): Scalar;
  readonly bias: ((out: number) => Scalar) | null;
}

/** `nn.LayerNorm(shape)`: weight and bias over the flattened normalized shape. */
export interface LayerNormParams {
  readonly size: number;
  weight(k: number): Scalar;
  bias(k: number): Scalar;
}

/** A [C, H, W] feature map of one example. */
export interface FeatureMap {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  /** (c * height + y) * width + x. */
  readonly data: readonly Scalar[];
}

const at = (m: FeatureMap, c: number, y: number, x: number) => m.data[(c * m.height + y) * m.width + x];

export function linear(t: Tape, p: LinearParams, x: readonly Scalar[]): Scalar[] {
  if (x.length !== p.inFeatures) throw new Error(`linear: ${x.length} inputs, expected ${p.inFeatures}`);
  const out: Scalar[] = [];
  for (let o = 0; o < p.outFeatures; o++) {
    const y = t.sum(x.map((xi, i) => t.mul(xi, p.weight(o, i))));
    out.push(p.bias ? t.add(y, p.bias(o)) : y);
  }
  return out;
}

/** nn.LayerNorm: (x - mean) / sqrt(var + eps) * weight + bias, biased variance, eps 1e-5. */
export function layerNorm(t: Tape, p: LayerNormParams, x: readonly Scalar[]): Scalar[] {
  if (x.length !== p.size) throw new Error(`layerNorm: ${x.length} values, expected ${p.size}`);
  const mean = t.mean(x);
  const centred = x.map((v) => t.sub(v, mean));
  const variance = t.mean(centred.map((v) => t.mul(v, v)));
  const inverse = t.div(t.leaf(1), t.sqrt(t.shift(variance, 1e-5)));
  return centred.map((v, k) => t.add(t.mul(t.mul(v, inverse), p.weight(k)), p.bias(k)));
}

/** nn.GELU() (approximate='none'): x * Phi(x) = x / 2 * (1 + erf(x / sqrt 2)). */
export function gelu(t: Tape, x: Scalar): Scalar {
  return t.mul(t.scale(x, 0.5), t.shift(t.erf(t.scale(x, Math.SQRT1_2)), 1));
}

/** nn.PixelUnshuffle(r): out[c r^2 + i r + j, y, x] = in[c, y r + i, x r + j]. */
export function pixelUnshuffle(m: FeatureMap, r: number): FeatureMap {
  const height = m.height / r;
  const width = m.width / r;
  const data: Scalar[] = [];
  for (let c = 0; c < m.channels; c++)
    for (let i = 0; i < r; i++)
      for (let j = 0; j < r; j++)
        for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.push(at(m, c, y * r + i, x * r + j));
  return { channels: m.channels * r * r, height, width, data };
}

/** nn.Conv2d with stride 1 and zero padding `padding` (cross-correlation, as PyTorch). */
export function conv2d(t: Tape, p: Conv2dParams, m: FeatureMap, padding: number): FeatureMap {
  const data: Scalar[] = [];
  for (let o = 0; o < p.outChannels; o++)
    for (let y = 0; y < m.height; y++)
      for (let x = 0; x < m.width; x++) {
        const terms: Scalar[] = [];
        for (let i = 0; i < p.inChannels; i++)
          for (let ky = 0; ky < p.kernel; ky++)
            for (let kx = 0; kx < p.kernel; kx++) {
              const sy = y + ky - padding;
              const sx = x + kx - padding;
              if (sy >= 0 && sy < m.height && sx >= 0 && sx < m.width) terms.push(t.mul(at(m, i, sy, sx), p.weight(o, i, ky, kx)));
            }
        const sum = t.sum(terms);
        data.push(p.bias ? t.add(sum, p.bias(o)) : sum);
      }
  return { channels: p.outChannels, height: m.height, width: m.width, data };
}

export interface ConvResidualParams {
  readonly conv3: Conv2dParams;
  /** nn.LayerNorm([channels, size, size]). */
  readonly norm: LayerNormParams;
  readonly mix1: Conv2dParams;
  readonly mix2: Conv2dParams;
}

/** network.py 31-43: x + conv1x1(GELU(conv1x1(LayerNorm([C,H,W])(conv3x3(x))))), all convs bias-free. */
export function convResidual(t: Tape, p: ConvResidualParams, m: FeatureMap): FeatureMap {
  let y = conv2d(t, p.conv3, m, 1);
  y = { ...y, data: layerNorm(t, p.norm, y.data) };
  y = conv2d(t, p.mix1, y, 0);
  y = { ...y, data: y.data.map((v) => gelu(t, v)) };
  y = conv2d(t, p.mix2, y, 0);
  return { ...m, data: m.data.map((v, k) => t.add(v, y.data[k])) };
}

/**
 * The 2D sin-cos table of posemb_sincos_2d (simple_vit.py 12-23) for an h x w grid, rows in
 * (h w) order: with y, x = meshgrid(arange(h), arange(w), 'ij') and
 * omega = 1 / temperature^(arange(dim/4) / (dim/4 - 1)), row (y w + x) is
 * [sin(x omega), cos(x omega), sin(y omega), cos(y omega)].
 */
export function posembSincos2d(h: number, w: number, dim: number, temperature = 10000): number[][] {
  const rows: number[][] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rows.push(sinCosCode(x, y, dim, temperature));
  return rows;
}

/** cat(x.sin(), x.cos(), y.sin(), y.cos()) for one (x, y), frequencies as posemb_sincos_2d. */
export function sinCosCode(x: number, y: number, dim: number, temperature = 10000): number[] {
  if (dim % 4 !== 0) throw new Error('feature dimension must be multiple of 4 for sincos emb');
  const quarter = dim / 4;
  const omega = Array.from({ length: quarter }, (_, k) => 1 / temperature ** (k / (quarter - 1)));
  return [...omega.map((o) => Math.sin(x * o)), ...omega.map((o) => Math.cos(x * o)), ...omega.map((o) => Math.sin(y * o)), ...omega.map((o) => Math.cos(y * o))];
}

export interface TransformerLayerParams {
  /** Attention.norm, to_qkv (bias-free, [3 inner, dim]), to_out (bias-free). */
  readonly attnNorm: LayerNormParams;
  readonly toQkv: LinearParams;
  readonly toOut: LinearParams;
  /** FeedForward: LayerNorm, Linear(dim, mlp), GELU, Linear(mlp, dim). */
  readonly ffNorm: LayerNormParams;
  readonly ffIn: LinearParams;
  readonly ffOut: LinearParams;
}

/** simple_vit.py 39-64, on the tokens [n, dim] of one example. */
export function attention(t: Tape, p: TransformerLayerParams, tokens: readonly (readonly Scalar[])[], heads: number, headDim: number): Scalar[][] {
  const normed = tokens.map((x) => layerNorm(t, p.attnNorm, x));
  const qkv = normed.map((x) => linear(t, p.toQkv, x));
  const inner = heads * headDim;
  const scale = headDim ** -0.5;
  // qkv.chunk(3, dim=-1), then 'b n (h d) -> b h n d'.
  const part = (which: number, n: number, h: number) => qkv[n].slice(which * inner + h * headDim, which * inner + (h + 1) * headDim);
  const merged: Scalar[][] = tokens.map(() => []);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < tokens.length; i++) {
      const dots = tokens.map((_, j) => t.scale(t.dot(part(0, i, h), part(1, j, h)), scale));
      const attn = softmax(t, dots);
      for (let d = 0; d < headDim; d++) merged[i].push(t.sum(attn.map((a, j) => t.mul(a, part(2, j, h)[d]))));
    }
  }
  // 'b h n d -> b n (h d)': head h's values sit at h * headDim + d, as pushed above.
  return merged.map((x) => linear(t, p.toOut, x));
}

export function softmax(t: Tape, xs: readonly Scalar[]): Scalar[] {
  // Shifting by a constant leaves softmax and its derivative unchanged.
  const top = Math.max(...xs.map((x) => t.value(x)));
  const exps = xs.map((x) => t.exp(t.shift(x, -top)));
  const total = t.sum(exps);
  return exps.map((e) => t.div(e, total));
}

/** simple_vit.py 66-79: x = attn(x) + x; x = ff(x) + x per layer; no final norm. */
export function transformer(t: Tape, layers: readonly TransformerLayerParams[], tokens: readonly (readonly Scalar[])[], heads: number, headDim: number): Scalar[][] {
  let x = tokens.map((v) => [...v]);
  for (const p of layers) {
    const a = attention(t, p, x, heads, headDim);
    x = x.map((v, n) => v.map((s, k) => t.add(a[n][k], s)));
    const ff = x.map((v) => linear(t, p.ffOut, linear(t, p.ffIn, layerNorm(t, p.ffNorm, v)).map((s) => gelu(t, s))));
    x = x.map((v, n) => v.map((s, k) => t.add(ff[n][k], s)));
  }
  return x;
}

export interface VitSizes {
  readonly inputSize: number;
  readonly channels: number;
  readonly downsampledSize: number;
  readonly dim: number;
  readonly heads: number;
  readonly headDim: number;
}

export interface VitParams {
  /** nn.Conv2d(channels r^2, dim, kernel_size=1) with bias. */
  readonly stem: Conv2dParams;
  readonly blocks: readonly ConvResidualParams[];
  readonly layers: readonly TransformerLayerParams[];
  /** GlobalAvgPool's nn.Linear(dim, output_dim). */
  readonly out: LinearParams;
}

/**
 * PixelShuffle_ViT_Encoder (network.py 46-87) of one image given as its data-loader tensor
 * [C, H, W] (raven.py 107-108 has already mapped pixels to [-1, 1]).
 */
export function pixelShuffleVitEncoder(t: Tape, sizes: VitSizes, p: VitParams, image: FeatureMap): Scalar[] {
  const r = sizes.inputSize / sizes.downsampledSize;
  let m = conv2d(t, p.stem, pixelUnshuffle(image, r), 0);
  for (const block of p.blocks) m = convResidual(t, block, m);
  // Rearrange 'b c h w -> b h w c', PositionalEmbedding2d, Rearrange 'b h w c -> b (h w) c'.
  const s = sizes.downsampledSize;
  const pe = posembSincos2d(s, s, sizes.dim);
  const tokens: Scalar[][] = [];
  for (let y = 0; y < s; y++)
    for (let x = 0; x < s; x++) tokens.push(Array.from({ length: sizes.dim }, (_, c) => t.shift(at(m, c, y, x), pe[y * s + x][c])));
  const encoded = transformer(t, p.layers, tokens, sizes.heads, sizes.headDim);
  // GlobalAvgPool: self.net(x.mean(dim=1)).
  const pooled = Array.from({ length: sizes.dim }, (_, c) => t.mean(encoded.map((token) => token[c])));
  return linear(t, p.out, pooled);
}

/** One entry of the original's graph JSON: [[node_1, port], [edge_id, node_2]]. */
export type GraphJsonEdge = readonly [readonly [number, number], readonly [number, number]];

export interface GraphStructuredOptions {
  readonly maxConn: number;
  readonly dim: number;
  /**
   * `xy`: the original's table (network.py 121-130: an 'xy' meshgrid of (n_elt, max_conn + 1)
   * read back as 'h w'); `posemb`: posemb_sincos_2d's 'ij' grid with rows = element ids and
   * columns = ports, the layout the original meant.
   */
  readonly codeTable: 'xy' | 'posemb';
  readonly temperature?: number;
}

export interface GraphStructuredParams {
  /** The `nn.Linear(dim, dim)` apply_func of each GINEConv. */
  readonly convs: readonly LinearParams[];
  readonly linearOut: LinearParams;
}

/**
 * GraphStructured (network.py 90-199) for one example's code z. `edges` are the graph JSON's
 * entries, used as the original's constructor uses them: its dedupe never fires (the set is
 * never added to, and the two canonical forms of one edge differ), so every entry is a row.
 */
export function graphStructured(t: Tape, edges: readonly GraphJsonEdge[], o: GraphStructuredOptions, p: GraphStructuredParams, z: readonly Scalar[]): Scalar[] {
  const { dim, maxConn } = o;
  if (z.length !== dim) throw new Error(`graphStructured: z has ${z.length} values, expected ${dim}`);
  // network.py 102-118.
  const edgeStart: number[] = [];
  const edgeEnd: number[] = [];
  const edgeOrderIds: number[] = [];
  const ports: number[] = [];
  const nodeSet = new Set<number>();
  for (const [[node1, port], [edgeId, node2]] of edges) {
    edgeStart.push(node1);
    edgeEnd.push(node2);
    edgeOrderIds.push(edgeId);
    ports.push(port + 1);
    nodeSet.add(node1);
    nodeSet.add(node2);
  }
  const nodeOrderIds = [...nodeSet].sort((a, b) => a - b);
  const nNodes = nodeOrderIds.length;
  const nEdges = edgeOrderIds.length;
  const nElt = nNodes + nEdges;
  // network.py 121-130: emb_matrix[a, b] for a < n_elt, b <= max_conn.
  const h = nElt;
  const w = maxConn + 1;
  const code = codeTable(o.codeTable, h, w, dim, o.temperature ?? 10000);
  const emb = (a: number, b: number) => {
    if (a >= h || b >= w) throw new Error(`the original's code table has no entry (${a}, ${b}) (torch.gather would fail)`);
    return code[a * w + b];
  };
  // network.py 131-154: nodes take port 0, edge rows their port + 1.
  const nodePosemb = nodeOrderIds.map((id) => emb(id, 0));
  const edgePosemb = edgeOrderIds.map((id, i) => emb(id, ports[i]));
  // network.py 155-158.
  const increment = Math.floor(dim / nElt);
  if (increment < 1) throw new Error('range() arg 3 must not be zero (dim < n_elt)');
  const remainder = dim - increment * nElt;
  const increments: number[] = [];
  for (let v = increment + remainder; v <= dim; v += increment) increments.push(v);
  const starts = [0, ...increments.slice(0, -1)];
  // network.py 186-190: row k of choice_matrix is z[start:stop] tiled ceil(dim / increment) times, cut to dim.
  const choiceMatrix = increments.map((stop, k) => {
    const piece = z.slice(starts[k], stop);
    const tiled: Scalar[] = [];
    for (let rep = 0; rep < Math.ceil(dim / increment); rep++) tiled.push(...piece);
    return tiled.slice(0, dim);
  });
  // network.py 159-166, 191-194: gather(choice_matrix, 0, index filled with the ORDER ID).
  const choice = (id: number) => {
    if (id >= choiceMatrix.length) throw new Error(`element id ${id} has no row in choice_matrix (torch.gather would fail)`);
    return choiceMatrix[id];
  };
  let nodeFeats = nodeOrderIds.map((id, i) => choice(id).map((v, k) => t.shift(v, nodePosemb[i][k])));
  const edgeRows = edgeOrderIds.map((id, i) => choice(id).map((v, k) => t.shift(v, edgePosemb[i][k])));
  // network.py 145-149 and 194: DGL edges (start + end -> end + start), features tiled (2, 1).
  const unitSpaced = new Map(nodeOrderIds.map((id, i) => [id, i]));
  const src = [...edgeStart, ...edgeEnd].map((id) => unitSpaced.get(id)!);
  const dst = [...edgeEnd, ...edgeStart].map((id) => unitSpaced.get(id)!);
  const edgeFeats = [...edgeRows, ...edgeRows];
  // network.py 196-198 (dropout off): DGL GINEConv, rst = apply_func((1 + eps) h_dst + sum ReLU(h_src + e)), eps 0.
  for (const conv of p.convs) {
    const aggregated = nodeFeats.map((hv, v) => {
      const messages: Scalar[][] = [];
      for (let m = 0; m < src.length; m++) if (dst[m] === v) messages.push(nodeFeats[src[m]].map((s, k) => t.relu(t.add(s, edgeFeats[m][k]))));
      return hv.map((s, k) => t.add(s, t.sum(messages.map((msg) => msg[k]))));
    });
    nodeFeats = aggregated.map((x) => linear(t, conv, x));
  }
  // network.py 199: dgl AvgPooling (mean over the graph's nodes), then linear_out.
  const pooled = Array.from({ length: dim }, (_, k) => t.mean(nodeFeats.map((x) => x[k])));
  return linear(t, p.linearOut, pooled);
}

/** The code table of GraphStructured, entry (a, b) at a * w + b. */
function codeTable(kind: 'xy' | 'posemb', h: number, w: number, dim: number, temperature: number): number[][] {
  if (kind === 'posemb') return posembSincos2d(h, w, dim, temperature);
  // x, y = th.meshgrid(th.arange(h), th.arange(w), indexing="xy"): both [w, h], x[i][j] = j, y[i][j] = i.
  const xFlat: number[] = [];
  const yFlat: number[] = [];
  for (let i = 0; i < w; i++)
    for (let j = 0; j < h; j++) {
      xFlat.push(j);
      yFlat.push(i);
    }
  // y.flatten()[:, None] * omega, rearranged '(h w) qc -> h w qc': entry (a, b) is flat index a * w + b.
  return xFlat.map((x, k) => sinCosCode(x, yFlat[k], dim, temperature));
}

/** nn.BCEWithLogitsLoss(reduction='mean'): -[y log sigmoid(l) + (1 - y) log(1 - sigmoid(l))], averaged. */
export function bceWithLogits(t: Tape, logits: readonly Scalar[], targets: readonly number[]): Scalar {
  // log sigmoid(l) = -softplus(-l); log(1 - sigmoid(l)) = -softplus(l).
  const terms = logits.map((l, i) => t.add(t.scale(t.softplus(t.scale(l, -1)), targets[i]), t.scale(t.softplus(l), 1 - targets[i])));
  return t.mean(terms);
}

/** Softmax cross-entropy (nn.CrossEntropyLoss, mean): logsumexp(logits) - logits[label], averaged. */
export function softmaxCrossEntropy(t: Tape, logits: readonly (readonly Scalar[])[], labels: readonly number[]): Scalar {
  const terms = logits.map((row, i) => {
    const top = Math.max(...row.map((x) => t.value(x)));
    const logSumExp = t.shift(t.log(t.sum(row.map((x) => t.exp(t.shift(x, -top))))), top);
    return t.sub(logSumExp, row[labels[i]]);
  });
  return t.mean(terms);
}
