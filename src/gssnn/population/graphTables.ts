/**
 * The wiring of every G-SSNN member as padded index tables, so that one set of kernels runs
 * the whole population: member k's nodes fill the first `nodes[k]` of `nodesMax` rows and its
 * messages the first `messages[k]` of `messagesMax` rows. Everything comes from the member's
 * own injection plan (`inject.ts`), so chunks, tiling, codes and message order are the model's.
 */
import type { ProgramGraph } from '../../dsl/graph.ts';
import { elementCode, planInjection, tilingIndex, type InjectionPlan } from '../inject.ts';

export interface PopulationWiring {
  readonly members: number;
  readonly dim: number;
  readonly nodesMax: number;
  /** Edge feature rows (each edge once, or twice with `reproduceOriginal`). */
  readonly edgeRowsMax: number;
  readonly messagesMax: number;
  readonly nodes: readonly number[];
  readonly edgeRows: readonly number[];
  readonly messages: readonly number[];
  /**
   * For every member, row and feature (`[K, nodesMax + edgeRowsMax, dim]`, node rows then edge
   * rows): the column of the member's z that feeds it (padding rows read column 0).
   */
  readonly featureSource: Int32Array;
  /** The fixed codes added to those rows (`[K, rows, dim]`; padding rows 0). */
  readonly codes: Float32Array;
  /** Per member and message: source and target node (padding messages: -1), and the edge row it carries (padding: 0). */
  readonly messageSource: Int32Array;
  readonly messageTarget: Int32Array;
  readonly messageEdgeRow: Int32Array;
}

export function planWiring(graphs: readonly ProgramGraph[], dim: number, reproduceOriginal: readonly boolean[]): PopulationWiring {
  const plans: InjectionPlan[] = graphs.map((g, k) => planInjection(g, dim, { reproduceOriginal: reproduceOriginal[k] }));
  const nodes = plans.map((p) => p.nodeRows.length);
  const edgeRows = plans.map((p) => p.edgeRows.length);
  const messages = plans.map((p) => p.messages.length);
  const messagesMax = Math.max(...messages);
  const edgeRowsMax = Math.max(...edgeRows);
  // One spare node row (masked out of the readout) receives the padding messages.
  const nodesMax = Math.max(...nodes) + (messagesMax > 0 ? 1 : 0);
  const rows = nodesMax + edgeRowsMax;
  const members = plans.length;
  const featureSource = new Int32Array(members * rows * dim);
  const codes = new Float32Array(members * rows * dim);
  const messageSource = new Int32Array(members * messagesMax).fill(-1);
  const messageTarget = new Int32Array(members * messagesMax).fill(-1);
  const messageEdgeRow = new Int32Array(members * messagesMax);
  plans.forEach((plan, k) => {
    const maxConn = graphs[k].maxConn;
    const base = k * rows * dim;
    const place = (tiling: Int32Array, elementRows: typeof plan.nodeRows, firstRow: number) =>
      elementRows.forEach((row, r) => {
        const at = base + (firstRow + r) * dim;
        featureSource.set(tiling.subarray(r * dim, (r + 1) * dim), at);
        codes.set(elementCode(plan, row, maxConn), at);
      });
    place(tilingIndex(plan, plan.nodeRows), plan.nodeRows, 0);
    place(tilingIndex(plan, plan.edgeRows), plan.edgeRows, nodesMax);
    plan.messages.forEach((message, m) => {
      messageSource[k * messagesMax + m] = message.source;
      messageTarget[k * messagesMax + m] = message.target;
      messageEdgeRow[k * messagesMax + m] = message.edgeRow;
    });
  });
  return { members, dim, nodesMax, edgeRowsMax, messagesMax, nodes, edgeRows, messages, featureSource, codes, messageSource, messageTarget, messageEdgeRow };
}

/**
 * Row indices of message passing for a batch of `batch` examples, node features flattened
 * to `[K * batch * nodesMax, dim]` and edge rows to `[K * batch * edgeRowsMax, dim]`: where
 * each message's source is read, which node it is summed into (padding messages go into the
 * member's last node row, which is padding) and which edge row it carries.
 */
export function messageIndices(wiring: PopulationWiring, batch: number): { source: Int32Array; target: Int32Array; edgeRow: Int32Array } {
  const { members, nodesMax, edgeRowsMax, messagesMax } = wiring;
  const source = new Int32Array(members * batch * messagesMax);
  const target = new Int32Array(members * batch * messagesMax);
  const edgeRow = new Int32Array(members * batch * messagesMax);
  for (let k = 0; k < members; k++) {
    for (let b = 0; b < batch; b++) {
      const offset = (k * batch + b) * nodesMax;
      const at = (k * batch + b) * messagesMax;
      for (let m = 0; m < messagesMax; m++) {
        const s = wiring.messageSource[k * messagesMax + m];
        source[at + m] = offset + Math.max(s, 0);
        target[at + m] = offset + (s >= 0 ? wiring.messageTarget[k * messagesMax + m] : nodesMax - 1);
        edgeRow[at + m] = (k * batch + b) * edgeRowsMax + wiring.messageEdgeRow[k * messagesMax + m];
      }
    }
  }
  return { source, target, edgeRow };
}
