/** Small in-memory data sets and graphs for the model and trainer tests. */
import type { Dataset, Split } from '../../src/data/dataset.ts';
import type { ProgramGraph } from '../../src/dsl/graph.ts';
import { Random } from '../../src/util/random.ts';

/** Two Gaussian blobs in `features` dimensions, linearly separable by a wide margin. */
export function blobs(seed: number, counts = { train: 96, validation: 48, test: 96 }, features = 4): Dataset {
  const rng = new Random(seed);
  const split = (count: number): Split => {
    const x = new Float32Array(count * features);
    const y = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      y[i] = i % 2;
      for (let f = 0; f < features; f++) x[i * features + f] = (y[i] ? 1.5 : -1.5) * (f === 0 ? 1 : 0.5) + rng.normal(0, 0.5);
    }
    return { x, y, count };
  };
  return {
    name: 'blobs',
    description: 'two separable Gaussian blobs',
    inputShape: [features],
    numClasses: 2,
    classNames: ['left', 'right'],
    train: split(counts.train),
    validation: split(counts.validation),
    test: split(counts.test),
    labels: { kind: 'real' },
    provenance: { seed },
  };
}

/** Random images with a bright left or right half (for image-encoder smoke tests). */
export function halves(seed: number, size: number, count = 32): Dataset {
  const rng = new Random(seed);
  const split = (n: number): Split => {
    const x = new Float32Array(n * size * size);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 2;
      for (let r = 0; r < size; r++)
        for (let c = 0; c < size; c++) x[i * size * size + r * size + c] = (c < size / 2) === (y[i] === 1) ? 0.8 + 0.2 * rng.next() : 0.2 * rng.next();
    }
    return { x, y, count: n };
  };
  return {
    name: 'halves',
    description: 'bright left or right half',
    inputShape: [size, size, 1],
    numClasses: 2,
    classNames: ['right', 'left'],
    train: split(count),
    validation: split(count / 2),
    test: split(count / 2),
    labels: { kind: 'real' },
    provenance: { seed },
  };
}

/** The original's output JSON (edges listed from both ends) as a ProgramGraph. */
export function graphFromOriginal(output: { edges: [[number, number], [number, number]][]; next_id: number; max_conn: number }): ProgramGraph {
  const ends = new Map<number, { node: number; port: number }[]>();
  const nodes = new Set<number>();
  for (const [[node, port], [edge]] of output.edges) {
    nodes.add(node);
    ends.set(edge, [...(ends.get(edge) ?? []), { node, port }]);
  }
  const edges = [...ends.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([id, [a, b]]) => ({ id, source: a.node, sourcePort: a.port, target: b.node, targetPort: b.port }));
  return { nodes: [...nodes].sort((a, b) => a - b), edges, nextId: output.next_id, maxConn: output.max_conn };
}

/** Two nodes (ids 0 and 2) joined by edge 1 on port 3 at node 0 and port 5 at node 2. */
export const PAIR: ProgramGraph = {
  nodes: [0, 2],
  edges: [{ id: 1, source: 0, sourcePort: 3, target: 2, targetPort: 5 }],
  nextId: 3,
  maxConn: 10,
};
