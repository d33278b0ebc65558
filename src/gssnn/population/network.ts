/**
 * The forward pass of K models of one architecture at once. Member k's weights are block k
 * of `[K, ...]` stacked copies of its own model's weights, every dense layer is one batched
 * matmul over the members, and the G-SSNN wiring of each member is a padded block of one
 * gather and one segment sum (graphTables.ts), so no kernel mixes two members' values: a
 * member whose values blow up cannot disturb the others. Every op mirrors the member's own
 * model (`models/gssnn.ts`, `models/heads.ts`, `encoders/vit.ts`, `encoders/mlp.ts`) on a
 * leading member axis; the differential tests hold them to each other.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Random, deriveSeed } from '../../util/random.ts';
import type { MlpEncoderConfig } from '../encoders/mlp.ts';
import { sinCos2dGrid } from '../encoders/positional.ts';
import type { VitEncoderConfig } from '../encoders/vit.ts';
import { gatherRows } from '../kernels/ops.ts';
import { registerSegmentKernels, SCATTER_ROWS } from '../kernels/register.ts';
import { outputWidth } from '../models/output.ts';
import { type ModelFamily, modelKindFromName, type ModelSpec } from '../models/spec.ts';
import { gelu } from '../nn/ops.ts';
import { dropoutBlock, type DropoutBlock, fillDropoutBlocks } from './dropoutMasks.ts';
import { messageIndices, planWiring, type PopulationWiring } from './graphTables.ts';

export type NetworkFamily = ModelFamily;

export function familyOf(spec: ModelSpec): NetworkFamily {
  return modelKindFromName(spec.kind).family;
}

/**
 * Why `spec` cannot train in a population (null when it can): the population implements the
 * original's linear GINE update; the library GINE (an MLP update) trains alone.
 */
export function populationUnsupported(spec: ModelSpec): string | null {
  if (familyOf(spec) === 'gssnn' && spec.gnn.update !== 'linear') return `GINE update "${spec.gnn.update}"`;
  return null;
}

/** What must be equal for models to share one population: everything but wiring and seed. */
export function architectureKey(spec: ModelSpec): string {
  const { dim, depth, update, dropout } = spec.gnn;
  return JSON.stringify([familyOf(spec), spec.inputShape, spec.numClasses, spec.encoder, dim, depth, update, dropout, spec.singleLogit ?? false]);
}

/** One training step's dropout multipliers, one tensor per dropout call of the model. */
type Masks = tf.Tensor[];

export class PopulationNetwork {
  readonly members: number;
  readonly family: NetworkFamily;
  readonly variables: tf.Variable[];
  private readonly weights = new Map<string, tf.Variable>();
  private readonly dropoutStreams: Random[];
  private readonly wiring: PopulationWiring | null;
  private readonly codes: { nodes: tf.Tensor; edges: tf.Tensor | null } | null = null;
  private readonly featureTables = new Map<number, { dispose(): void; nodes: tf.Tensor1D; edges: tf.Tensor1D | null }>();
  private readonly readoutWeights: tf.Tensor | null = null;
  private readonly nodeCounts: tf.Tensor | null = null;
  private readonly positions: tf.Tensor | null = null;
  private readonly convTaps: tf.Tensor1D | null = null;
  /** For q, k and v: the rows of `[tokens * 3 * heads]` that form `[heads, tokens]`. */
  private readonly attentionSplit: tf.Tensor1D[] | null = null;
  private readonly messageTables = new Map<number, { source: tf.Tensor1D; target: tf.Tensor1D; edgeRow: tf.Tensor1D }>();

  /**
   * `specs[k]` and `names`/`values[k]` describe member k: its spec and its model's weights
   * (the model's own initialization). The stacked copies are made here.
   */
  constructor(readonly specs: readonly ModelSpec[], names: readonly string[], values: readonly (readonly tf.Tensor[])[]) {
    registerSegmentKernels();
    this.members = specs.length;
    this.family = familyOf(specs[0]);
    const key = architectureKey(specs[0]);
    specs.forEach((s, k) => {
      if (architectureKey(s) !== key) throw new RangeError(`population member ${k} (${s.kind}) differs in architecture from member 0 (${specs[0].kind})`);
      const why = populationUnsupported(s);
      if (why) throw new RangeError(`population member ${k}: ${why} cannot train in a population`);
    });
    this.variables = names.map((name, i) => {
      const stacked = tf.tidy(() => tf.stack(values.map((v) => v[i])));
      const variable = tf.variable(stacked, true);
      stacked.dispose();
      this.weights.set(name, variable);
      return variable;
    });
    this.dropoutStreams = specs.map((s) => new Random(deriveSeed(s.seed, 'dropout')));
    const encoder = specs[0].encoder;
    if (encoder.kind === 'vit') {
      const s = encoder.downsampledSize;
      this.positions = tf.tensor2d(sinCos2dGrid(s, s, encoder.dim), [s * s, encoder.dim]);
      this.convTaps = tf.tensor1d(convTapRows(s), 'int32');
      this.attentionSplit = [0, 1, 2].map((which) => tf.tensor1d(attentionRows(which, s * s, encoder.heads), 'int32'));
    }
    if (this.family === 'gssnn') {
      const dim = specs[0].gnn.dim;
      const wiring = planWiring(specs.map((s) => s.graph!), dim, specs.map((s) => s.gnn.reproduceOriginal));
      this.wiring = wiring;
      const rows = wiring.nodesMax + wiring.edgeRowsMax;
      const codesOf = (from: number, count: number) => {
        const out = new Float32Array(this.members * count * dim);
        for (let k = 0; k < this.members; k++) out.set(wiring.codes.subarray((k * rows + from) * dim, (k * rows + from + count) * dim), k * count * dim);
        return tf.tensor4d(out, [this.members, 1, count, dim]);
      };
      this.codes = { nodes: codesOf(0, wiring.nodesMax), edges: wiring.edgeRowsMax > 0 ? codesOf(wiring.nodesMax, wiring.edgeRowsMax) : null };
      const readout = new Float32Array(this.members * wiring.nodesMax);
      wiring.nodes.forEach((n, k) => readout.fill(1, k * wiring.nodesMax, k * wiring.nodesMax + n));
      this.readoutWeights = tf.tensor4d(readout, [this.members, 1, wiring.nodesMax, 1]);
      this.nodeCounts = tf.tensor3d(Float32Array.from(wiring.nodes), [this.members, 1, 1]);
    } else {
      this.wiring = null;
    }
  }

  /** Weight `name` of every member, `[K, ...]`. */
  weight(name: string): tf.Variable {
    const w = this.weights.get(name);
    if (!w) throw new Error(`population has no weight ${name}`);
    return w;
  }

  /** Member k's value of every weight, in the models' order (the caller disposes them). */
  memberValues(k: number): tf.Tensor[] {
    return tf.tidy(() => this.variables.map((v) => tf.squeeze(tf.slice(v, [k], [1]), [0])));
  }

  /**
   * Draws one training step's dropout multipliers from every member's own stream, in the
   * order its model draws them. Returns tensors; null entries mean no dropout.
   */
  drawMasks(batch: number): Masks {
    const rate = this.specs[0].gnn.dropout;
    if (rate <= 0 || this.family === 'linear') return [];
    const { depth, dim } = this.specs[0].gnn;
    const K = this.members;
    // Each layer's masks, in the order a member's model draws them: [rowsMax, rows of member k].
    const w = this.wiring;
    const layerMasks: { rowsMax: number; rows: (k: number) => number }[] = w
      ? [
          { rowsMax: w.nodesMax, rows: (k) => w.nodes[k] },
          { rowsMax: w.messagesMax, rows: (k) => w.messages[k] },
        ]
      : [{ rowsMax: 1, rows: () => 1 }];
    const shapes = Array.from({ length: depth }, () => layerMasks).flat();
    const offsets: number[] = [];
    let size = 0;
    for (const { rowsMax } of shapes) {
      offsets.push(size);
      size += K * batch * rowsMax * dim;
    }
    const blocks: DropoutBlock[] = [];
    for (let k = 0; k < K; k++) {
      shapes.forEach(({ rowsMax, rows }, i) => {
        blocks.push(dropoutBlock(k, { batch, rows: rows(k), rowsMax, width: dim }, this.dropoutStreams[k], offsets[i]));
      });
    }
    // One buffer for every mask, so that the native generators all run in one call.
    const buffer = new Float32Array(size);
    fillDropoutBlocks(buffer, blocks, rate);
    return shapes.map(({ rowsMax }, i) => {
      const values = buffer.subarray(offsets[i], offsets[i] + K * batch * rowsMax * dim);
      return w ? tf.tensor4d(values, [K, batch, rowsMax, dim]) : tf.tensor3d(values, [K, batch, dim]);
    });
  }

  /**
   * Output-layer values `[K, batch, width]` (before `classLogits`) for staged inputs `x`
   * (`[K, batch * rows, rowSize]`, see staging.ts); `masks` from `drawMasks` when training.
   */
  outputs(x: tf.Tensor, batch: number, masks: Masks | null): tf.Tensor3D {
    const encoder = this.specs[0].encoder;
    const z = encoder.kind === 'vit' ? this.encodeVit(encoder, x, batch) : this.encodeMlp(encoder, x);
    if (this.family === 'linear') return z;
    if (this.family === 'mlp') return this.mlpHead(z, masks);
    return this.gssnnHead(z, batch, masks);
  }

  /** Class logits `[K, batch, classes]` (a single-logit model returns [0, l]). */
  logits(x: tf.Tensor, batch: number, masks: Masks | null): tf.Tensor3D {
    const out = this.outputs(x, batch, masks);
    return this.specs[0].singleLogit ? (tf.concat([tf.zerosLike(out), out], 2) as tf.Tensor3D) : out;
  }

  private dense(name: string, x: tf.Tensor, bias = true): tf.Tensor {
    const y = tf.matMul(x as tf.Tensor3D, this.weight(`${name}.weight`) as tf.Tensor3D);
    if (!bias) return y;
    const b = this.weight(`${name}.bias`);
    return tf.add(y, tf.reshape(b, [this.members, 1, b.shape[1]!]));
  }

  /** `nn/ops.ts`'s layerNorm (tf.moments' values) without moments' float32 cast and its copy. */
  private layerNorm(name: string, x: tf.Tensor, width: number): tf.Tensor {
    const { mean, variance } = tf.moments(x, [x.rank - 1], true);
    const normalized = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5)));
    const shape = [this.members, ...x.shape.slice(1, -1).map(() => 1), width];
    return tf.add(tf.mul(normalized, tf.reshape(this.weight(`${name}.gain`), shape)), tf.reshape(this.weight(`${name}.shift`), shape));
  }

  private encodeMlp(config: MlpEncoderConfig, x: tf.Tensor): tf.Tensor3D {
    const layers = config.hidden.length + 1;
    let h: tf.Tensor = x;
    for (let i = 0; i < layers; i++) {
      h = this.dense(`encoder.layer${i}`, h);
      if (i + 1 < layers) h = gelu(h);
    }
    return h as tf.Tensor3D;
  }

  private encodeVit(config: VitEncoderConfig, x: tf.Tensor, batch: number): tf.Tensor3D {
    const { downsampledSize: s, dim, heads, headDim } = config;
    const K = this.members;
    const tokens = s * s;
    const rows = K * batch;
    let h = this.dense('encoder.stem', x); // [K, B*T, dim]
    for (let i = 0; i < config.convDepth; i++) {
      const p = `encoder.block${i}`;
      // 3x3 'same' conv as one gather of the nine taps (a zero row stands for the border).
      const padded = tf.pad(tf.reshape(h, [rows, tokens, dim]), [[0, 0], [0, 1], [0, 0]]);
      const patches = tf.reshape(gatherRows(padded, this.convTaps!, 1), [K, batch * tokens, 9 * dim]);
      let y: tf.Tensor = tf.matMul(patches as tf.Tensor3D, tf.reshape(this.weight(`${p}.conv3`), [K, 9 * dim, dim]) as tf.Tensor3D);
      y = tf.reshape(this.layerNorm(`${p}.norm`, tf.reshape(y, [K, batch, tokens * dim]), tokens * dim), [K, batch * tokens, dim]);
      y = gelu(tf.matMul(y as tf.Tensor3D, this.weight(`${p}.mix1`) as tf.Tensor3D));
      y = tf.matMul(y as tf.Tensor3D, this.weight(`${p}.mix2`) as tf.Tensor3D);
      h = tf.add(h, y);
    }
    let t: tf.Tensor = tf.add(tf.reshape(h, [K, batch, tokens, dim]), this.positions!);
    for (let i = 0; i < config.depth; i++) {
      const p = `encoder.transformer${i}`;
      const normed = tf.reshape(this.layerNorm(`${p}.attnNorm`, t, dim), [K, batch * tokens, dim]);
      // The model's [3, batch, heads, tokens, headDim] split as three row gathers (wasm's
      // rank-5 transpose and its split are slow).
      const qkv = tf.reshape(this.dense(`${p}.qkv`, normed, false), [rows, tokens * 3 * heads, headDim]);
      const [q, k, v] = this.attentionSplit!.map((order) => tf.reshape(gatherRows(qkv, order, 1), [rows, heads, tokens, headDim]) as tf.Tensor4D);
      const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim));
      const mixed = tf.matMul(tf.softmax(scores), v);
      const merged = tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [K, batch * tokens, heads * headDim]);
      t = tf.add(t, tf.reshape(this.dense(`${p}.attnOut`, merged, false), [K, batch, tokens, dim]));
      const ffIn = this.dense(`${p}.ffIn`, tf.reshape(this.layerNorm(`${p}.ffNorm`, t, dim), [K, batch * tokens, dim]));
      t = tf.add(t, tf.reshape(this.dense(`${p}.ffOut`, gelu(ffIn)), [K, batch, tokens, dim]));
    }
    return this.dense('encoder.out', tf.mean(t, 2)) as tf.Tensor3D;
  }

  private mlpHead(z: tf.Tensor3D, masks: Masks | null): tf.Tensor3D {
    let h: tf.Tensor = z;
    for (let i = 0; i < this.specs[0].gnn.depth; i++) {
      if (masks && masks.length) h = tf.mul(h, masks[i]);
      h = tf.relu(this.dense(`mlp.layer${i}`, h));
    }
    return this.dense('head', h) as tf.Tensor3D;
  }

  private gssnnHead(z: tf.Tensor3D, batch: number, masks: Masks | null): tf.Tensor3D {
    const K = this.members;
    const w = this.wiring!;
    const { dim, depth } = this.specs[0].gnn;
    // Injection: every feature of every row is one value of the member's z, plus its code.
    const values = tf.reshape(z, [K * batch * dim, 1]);
    const tables = this.featureTable(batch);
    const rowsOf = (index: tf.Tensor1D, codes: tf.Tensor, count: number) => tf.add(tf.reshape(gatherRows(values, index, 0), [K, batch, count, dim]), codes);
    let nodes: tf.Tensor = rowsOf(tables.nodes, this.codes!.nodes, w.nodesMax);
    const table = w.messagesMax > 0 ? this.messageTable(batch) : null;
    // Both directions of an edge carry its row (the model's concat of the edge rows with themselves).
    const edgeRows = tables.edges && table ? rowsOf(tables.edges, this.codes!.edges!, w.edgeRowsMax) : null;
    const messageEdges = edgeRows && table ? tf.reshape(gatherRows(tf.reshape(edgeRows, [K * batch * w.edgeRowsMax, dim]), table.edgeRow, 0), [K, batch, w.messagesMax, dim]) : null;
    const flatNodes = K * batch * w.nodesMax;
    for (let l = 0; l < depth; l++) {
      const dropping = masks !== null && masks.length > 0;
      if (dropping) nodes = tf.mul(nodes, masks[2 * l]);
      let summed = nodes;
      if (table && messageEdges) {
        const edges = dropping ? tf.mul(messageEdges, masks[2 * l + 1]) : messageEdges;
        const sources = gatherRows(tf.reshape(nodes, [flatNodes, dim]), table.source, 0);
        const messages = tf.relu(tf.add(sources, tf.reshape(edges, [K * batch * w.messagesMax, dim])));
        const aggregated = scatterRows(messages, table.target, flatNodes);
        summed = tf.add(nodes, tf.reshape(aggregated, [K, batch, w.nodesMax, dim]));
      }
      nodes = tf.reshape(this.dense(`gnn.layer${l}`, tf.reshape(summed, [K, batch * w.nodesMax, dim])), [K, batch, w.nodesMax, dim]);
    }
    const pooled = tf.div(tf.sum(tf.mul(nodes, this.readoutWeights!), 2), this.nodeCounts!);
    return this.dense('head', pooled) as tf.Tensor3D;
  }

  /** Where each injected value comes from in z flattened to `[K * batch * dim]`, per batch size. */
  private featureTable(batch: number): { nodes: tf.Tensor1D; edges: tf.Tensor1D | null } {
    let table = this.featureTables.get(batch);
    if (!table) {
      const w = this.wiring!;
      const { dim } = w;
      const rows = w.nodesMax + w.edgeRowsMax;
      const indexOf = (from: number, count: number) => {
        const out = new Int32Array(this.members * batch * count * dim);
        let at = 0;
        for (let k = 0; k < this.members; k++) {
          for (let b = 0; b < batch; b++) {
            const source = w.featureSource.subarray((k * rows + from) * dim, (k * rows + from + count) * dim);
            for (let i = 0; i < source.length; i++) out[at++] = (k * batch + b) * dim + source[i];
          }
        }
        // Cached across steps, so kept out of the step's tidy.
        return tf.keep(tf.tensor1d(out, 'int32'));
      };
      const nodes = indexOf(0, w.nodesMax);
      const edges = w.edgeRowsMax > 0 ? indexOf(w.nodesMax, w.edgeRowsMax) : null;
      table = { nodes, edges, dispose: () => tf.dispose(edges ? [nodes, edges] : [nodes]) };
      this.featureTables.set(batch, table);
    }
    return table;
  }

  private messageTable(batch: number): { source: tf.Tensor1D; target: tf.Tensor1D; edgeRow: tf.Tensor1D } {
    let table = this.messageTables.get(batch);
    if (!table) {
      const indices = messageIndices(this.wiring!, batch);
      // Cached across steps, so kept out of the step's tidy.
      const keep = (values: Int32Array) => tf.keep(tf.tensor1d(values, 'int32'));
      table = { source: keep(indices.source), target: keep(indices.target), edgeRow: keep(indices.edgeRow) };
      this.messageTables.set(batch, table);
    }
    return table;
  }

  /** Width of the output layer (the model's). */
  get outputWidth(): number {
    return outputWidth(this.specs[0]);
  }

  dispose(): void {
    tf.dispose(this.variables);
    tf.dispose([this.codes?.nodes ?? null, this.codes?.edges ?? null, this.readoutWeights, this.nodeCounts, this.positions, this.convTaps, ...(this.attentionSplit ?? [])].filter((t): t is tf.Tensor => t !== null));
    for (const t of this.featureTables.values()) t.dispose();
    this.featureTables.clear();
    for (const t of this.messageTables.values()) tf.dispose([t.source, t.target, t.edgeRow]);
    this.messageTables.clear();
  }
}

/** For q (0), k (1) or v (2): the row of `[tokens, 3, heads]` behind each row of `[heads, tokens]`. */
export function attentionRows(which: number, tokens: number, heads: number): Int32Array {
  const out = new Int32Array(heads * tokens);
  for (let h = 0; h < heads; h++) for (let t = 0; t < tokens; t++) out[h * tokens + t] = (t * 3 + which) * heads + h;
  return out;
}

/** Sums rows of `x` into rows `indices` of a `[numRows, ...]` result (the adjoint of gatherRows). */
function scatterRows(x: tf.Tensor, indices: tf.Tensor1D, numRows: number): tf.Tensor {
  return tf.engine().runKernel(SCATTER_ROWS, { dy: x, indices }, { axis: 0, numRows }) as tf.Tensor;
}

/**
 * For each token of an s x s grid and each of the nine taps (dy, dx) of a 3x3 'same'
 * convolution, the token it reads, or s*s (a zero row) outside the grid; ordered as
 * `conv3x3Same`'s patches (token-major, then dy, dx).
 */
export function convTapRows(s: number): Int32Array {
  const out = new Int32Array(s * s * 9);
  let at = 0;
  for (let i = 0; i < s; i++) {
    for (let j = 0; j < s; j++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const r = i + dy;
          const c = j + dx;
          out[at++] = r >= 0 && r < s && c >= 0 && c < s ? r * s + c : s * s;
        }
      }
    }
  }
  return out;
}
