/**
 * Per-step facts about the corpus that the search prunes with: how often each node occurs
 * (paths from the roots), which programs contain it (an abstraction useful to one program
 * only is rejected, as in DreamCoder), and the cost a node could save at most.
 */
import type { NodeSet } from './nodes.ts';
import { APP, LAM } from './nodes.ts';

/** Marks a node that occurs in more than one program. */
export const MANY_PROGRAMS = -2;

export interface CorpusFacts {
  readonly set: NodeSet;
  readonly roots: readonly number[];
  /** Nodes below this id are corpus nodes; later ones were made by shifting. */
  readonly corpusSize: number;
  readonly numPaths: Int32Array;
  /** The one program containing the node, or MANY_PROGRAMS. */
  readonly programOf: Int32Array;
  /** Upper bound on what rewriting every occurrence of the node could save. */
  readonly savingBound: Float64Array;
  readonly initialCost: number;
}

export function corpusFacts(set: NodeSet, roots: readonly number[]): CorpusFacts {
  const n = set.size;
  const numPaths = new Int32Array(n);
  for (const r of roots) numPaths[r] += 1;
  // Children have smaller ids than parents, so one descending sweep pushes counts down.
  for (let node = n - 1; node >= 0; node--) {
    const count = numPaths[node];
    if (count === 0) continue;
    if (set.kind[node] === APP) {
      numPaths[set.a[node]] += count;
      numPaths[set.b[node]] += count;
    } else if (set.kind[node] === LAM) {
      numPaths[set.a[node]] += count;
    }
  }
  const programOf = new Int32Array(n).fill(-1);
  const seen = new Int32Array(n).fill(-1);
  roots.forEach((root, program) => {
    const stack = [root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (seen[node] === program) continue;
      seen[node] = program;
      programOf[node] = programOf[node] === -1 ? program : programOf[node] === program ? program : MANY_PROGRAMS;
      if (set.kind[node] === APP) stack.push(set.a[node], set.b[node]);
      else if (set.kind[node] === LAM) stack.push(set.a[node]);
    }
  });
  const newPrimCost = set.costModel.primitive;
  const savingBound = new Float64Array(n);
  for (let node = 0; node < n; node++) {
    savingBound[node] = Math.max(0, numPaths[node] * (set.cost[node] - newPrimCost));
  }
  const initialCost = roots.reduce((sum, r) => sum + set.cost[r], 0);
  return { set, roots, corpusSize: n, numPaths, programOf, savingBound, initialCost };
}
