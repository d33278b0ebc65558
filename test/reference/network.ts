/**
 * The float64 reference of a whole model, built from its `ModelSpec` and its named weights:
 * the original's encoder and G-SSNN (original.ts), our own baselines from their documented
 * definitions (the original has neither an MLP encoder nor an MLP head), the class logits and
 * the loss, and the gradient of the loss with respect to every weight.
 */
import type { GraphEdge, ProgramGraph } from '../../src/dsl/graph.ts';
import type { ModelSpec } from '../../src/gssnn/models/spec.ts';
import {
  bceWithLogits,
  type FeatureMap,
  gelu,
  type GraphJsonEdge,
  graphStructured,
  linear,
  type LinearParams,
  pixelShuffleVitEncoder,
  softmaxCrossEntropy,
  type VitParams,
} from './original.ts';
import { type Scalar, Tape } from './tape.ts';
import { type NamedWeight, ReferenceWeights } from './weights.ts';

export interface ReferenceResult {
  /** Class logits [batch][classes]: [0, l] for a one-logit model. */
  readonly logits: number[][];
  readonly loss: number;
  /** d loss / d weight, in our layout, by weight name. */
  readonly gradients: Map<string, Float64Array>;
  /** The sum of the magnitudes of the terms of each gradient value (Tape.gradientMagnitude). */
  readonly gradientMagnitudes: Map<string, Float64Array>;
  /** Weights of the model that the reference never read. */
  readonly unused: string[];
  readonly weights: ReferenceWeights;
}

/**
 * The original's graph JSON entries of `graph`: antireduce-graphs lists each edge from both of
 * its ends, `[[node, port at node], [edge id, other node]]`.
 */
export function originalJsonEdges(graph: ProgramGraph): GraphJsonEdge[] {
  return graph.edges.flatMap((e: GraphEdge): GraphJsonEdge[] => [
    [[e.source, e.sourcePort], [e.id, e.target]],
    [[e.target, e.targetPort], [e.id, e.source]],
  ]);
}

/** Our default listing: each edge once, from its source end. */
export function edgesListedOnce(graph: ProgramGraph): GraphJsonEdge[] {
  return graph.edges.map((e): GraphJsonEdge => [[e.source, e.sourcePort], [e.id, e.target]]);
}

/**
 * Runs the reference on a batch: `input` is the model's input tensor flattened (images NHWC
 * with values in [0, 1]), `labels` the class of each example. The loss is the original's
 * BCEWithLogits of the one logit for a one-logit model, softmax cross-entropy otherwise.
 */
export function referenceRun(spec: ModelSpec, weights: readonly NamedWeight[], input: ArrayLike<number>, labels: readonly number[]): ReferenceResult {
  const t = new Tape();
  const w = new ReferenceWeights(t, weights);
  const batch = labels.length;
  const perExample = input.length / batch;
  const examples = Array.from({ length: batch }, (_, b) => Array.from({ length: perExample }, (_, k) => input[b * perExample + k]));
  const encode = encoderOf(t, spec, w);
  const head = headOf(t, spec, w);
  const outputs = examples.map((x) => head(encode(x)));
  const loss = spec.singleLogit
    ? bceWithLogits(
        t,
        outputs.map((o) => o[0]),
        labels,
      )
    : softmaxCrossEntropy(t, outputs, labels);
  const logits = outputs.map((o) => (spec.singleLogit ? [0, t.value(o[0])] : o.map((s) => t.value(s))));
  return {
    logits,
    loss: t.value(loss),
    gradients: w.gradients(t.gradient(loss)),
    gradientMagnitudes: w.gradients(t.gradientMagnitude(loss)),
    unused: w.unused(),
    weights: w,
  };
}

function encoderOf(t: Tape, spec: ModelSpec, w: ReferenceWeights): (x: number[]) => Scalar[] {
  const config = spec.encoder;
  if (config.kind === 'mlp') {
    // Ours (src/gssnn/encoders/mlp.ts): flatten, Linear + GELU per hidden width, Linear out.
    const widths = [config.inputDim, ...config.hidden, config.outputDim];
    const layers = widths.slice(0, -1).map((width, i) => w.linear(`encoder.layer${i}`, width, widths[i + 1]));
    return (x) => {
      let h = x.map((v) => t.leaf(v));
      layers.forEach((layer, i) => {
        h = linear(t, layer, h);
        if (i + 1 < layers.length) h = h.map((v) => gelu(t, v));
      });
      return h;
    };
  }
  const { inputSize: size, channels, downsampledSize: s, dim, heads, headDim, mlpDim, depth, convDepth } = config;
  const r = size / s;
  const params: VitParams = {
    stem: w.unshuffleStem('encoder.stem', channels, r, dim),
    blocks: Array.from({ length: convDepth }, (_, i) => ({
      conv3: w.conv3x3(`encoder.block${i}.conv3`, dim, dim),
      norm: w.layerNormChw(`encoder.block${i}.norm`, dim, s, s),
      mix1: w.conv1x1(`encoder.block${i}.mix1`, dim, dim),
      mix2: w.conv1x1(`encoder.block${i}.mix2`, dim, dim),
    })),
    layers: Array.from({ length: depth }, (_, i) => {
      const p = `encoder.transformer${i}`;
      return {
        attnNorm: w.layerNorm(`${p}.attnNorm`, dim),
        toQkv: w.linear(`${p}.qkv`, dim, 3 * heads * headDim, false),
        toOut: w.linear(`${p}.attnOut`, heads * headDim, dim, false),
        ffNorm: w.layerNorm(`${p}.ffNorm`, dim),
        ffIn: w.linear(`${p}.ffIn`, dim, mlpDim),
        ffOut: w.linear(`${p}.ffOut`, mlpDim, dim),
      };
    }),
    out: w.linear('encoder.out', dim, config.outputDim),
  };
  return (x) => {
    // Our images are NHWC in [0, 1]; the original's loader gives [C, H, W] in [-1, 1] (raven.py 107-108).
    const data: Scalar[] = [];
    for (let c = 0; c < channels; c++)
      for (let y = 0; y < size; y++) for (let xx = 0; xx < size; xx++) data.push(t.leaf(2 * x[(y * size + xx) * channels + c] - 1));
    const image: FeatureMap = { channels, height: size, width: size, data };
    return pixelShuffleVitEncoder(t, { inputSize: size, channels, downsampledSize: s, dim, heads, headDim }, params, image);
  };
}

function headOf(t: Tape, spec: ModelSpec, w: ReferenceWeights): (z: Scalar[]) => Scalar[] {
  const width = spec.singleLogit ? 1 : spec.numClasses;
  const { dim, depth } = spec.gnn;
  if (spec.kind === 'linear') {
    // The original's baseline: the encoder's GlobalAvgPool linear is the classifier.
    if (spec.encoder.outputDim !== width) throw new Error(`linear: encoder output ${spec.encoder.outputDim}, expected ${width}`);
    return (z) => z;
  }
  if (spec.kind === 'mlp') {
    // Ours (src/gssnn/models/heads.ts): depth x (Linear(dim, dim), ReLU), then Linear(dim, out).
    const hidden: LinearParams[] = Array.from({ length: depth }, (_, i) => w.linear(`mlp.layer${i}`, dim, dim));
    const out = w.linear('head', dim, width);
    return (z) => linear(t, out, hidden.reduce((h, layer) => linear(t, layer, h).map((v) => t.relu(v)), z));
  }
  if (spec.gnn.update !== 'linear') throw new Error(`the original's GINEConv update is nn.Linear; the reference has no '${spec.gnn.update}' update`);
  const graph = spec.graph;
  if (!graph) throw new Error(`${spec.kind} needs a graph`);
  const convs = Array.from({ length: depth }, (_, i) => w.linear(`gnn.layer${i}`, dim, dim));
  const linearOut = w.linear('head', dim, width);
  const reproduce = spec.gnn.reproduceOriginal;
  const edges = reproduce ? originalJsonEdges(graph) : edgesListedOnce(graph);
  const options = { maxConn: graph.maxConn, dim, codeTable: reproduce ? ('xy' as const) : ('posemb' as const) };
  return (z) => graphStructured(t, edges, options, { convs, linearOut }, z);
}
