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
  readonly messagesMax: number;
  readonly nodes: readonly number[];
  readonly messages: readonly number[];
  /**
   * For every member, row and feature (`[K, nodesMax + messagesMax, dim]`): the column of
   * the member's z that feeds it (padding rows read column 0).
   */
  readonly featureSource: Int32Array;
  /** The fixed codes added to those rows (`[K, rows, dim]`; padding rows 0). */
  readonly codes: Float32Array;
  /** Per member and message: source and target node (padding messages: -1). */
  readonly messageSource: Int32Array;
  readonly messageTarget: Int32Array;
}

export function planWiring(graphs: readonly ProgramGraph[], dim: number, reproduceOriginal: readonly boolean[]): PopulationWiring {
  const plans: InjectionPlan[] = graphs.map((g, k) => planInjection(g, dim, { reproduceOriginal: reproduceOriginal[k] }));
  const nodes = plans.map((p) => p.nodeRows.length);
  const messages = plans.map((p) => p.messages.length);
  const messagesMax = Math.max(...messages);
  // One spare node row (masked out of the readout) receives the padding messages.
  const nodesMax = Math.max(...nodes) + (messagesMax > 0 ? 1 : 0);
  const rows = nodesMax + messagesMax;
  const members = plans.length;
  const featureSource = new Int32Array(members * rows * dim);
  const codes = new Float32Array(members * rows * dim);
  const messageSource = new Int32Array(members * messagesMax).fill(-1);
  const messageTarget = new Int32Array(members * messagesMax).fill(-1);
  plans.forEach((plan, k) => {
    const maxConn = graphs[k].maxConn;
    const nodeTiling = tilingIndex(plan, plan.nodeRows);
    const edgeTiling = tilingIndex(plan, plan.edgeRows);
    const base = k * rows * dim;
    plan.nodeRows.forEach((row, n) => {
      const at = base + n * dim;
      for (let j = 0; j < dim; j++) featureSource[at + j] = nodeTiling[n * dim + j];
      codes.set(elementCode(plan, row, maxConn), at);
    });
    plan.messages.forEach((message, m) => {
      const at = base + (nodesMax + m) * dim;
      const edgeRow = message.edgeRow;
      for (let j = 0; j < dim; j++) featureSource[at + j] = edgeTiling[edgeRow * dim + j];
      codes.set(elementCode(plan, plan.edgeRows[edgeRow], maxConn), at);
      messageSource[k * messagesMax + m] = message.source;
      messageTarget[k * messagesMax + m] = message.target;
    });
  });
  return { members, dim, nodesMax, messagesMax, nodes, messages, featureSource, codes, messageSource, messageTarget };
}

/**
 * Row indices of message passing for a batch of `batch` examples, node features flattened
 * to `[K * batch * nodesMax, dim]`: where each message's source is read, and which node it
 * is summed into (padding messages go into the member's last node row, which is padding).
 */
export function messageIndices(wiring: PopulationWiring, batch: number): { source: Int32Array; target: Int32Array } {
  const { members, nodesMax, messagesMax } = wiring;
  const source = new Int32Array(members * batch * messagesMax);
  const target = new Int32Array(members * batch * messagesMax);
  for (let k = 0; k < members; k++) {
    for (let b = 0; b < batch; b++) {
      const offset = (k * batch + b) * nodesMax;
      const at = (k * batch + b) * messagesMax;
      for (let m = 0; m < messagesMax; m++) {
        const s = wiring.messageSource[k * messagesMax + m];
        source[at + m] = offset + Math.max(s, 0);
        target[at + m] = offset + (s >= 0 ? wiring.messageTarget[k * messagesMax + m] : nodesMax - 1);
      }
    }
  }
  return { source, target };
}
