/**
 * The graph a program builds: the output of the graph domain and the wiring of a
 * G-SSNN module. Nodes and edges draw ids from one shared counter (`nextId`);
 * every edge occupies a port in `[0, maxConn)` at each of its two ends.
 * This is the shared currency between `dsl`, `synth` and `gssnn`.
 */
export interface GraphEdge {
  readonly id: number;
  /** The two endpoints, each with the port the edge occupies there. */
  readonly source: number;
  readonly sourcePort: number;
  readonly target: number;
  readonly targetPort: number;
}

export interface ProgramGraph {
  /** Node ids in increasing order. */
  readonly nodes: readonly number[];
  /** Edges in increasing id order, each listed once. */
  readonly edges: readonly GraphEdge[];
  /** The next free id of the shared node/edge counter. */
  readonly nextId: number;
  readonly maxConn: number;
}
