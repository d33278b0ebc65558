/**
 * Rewriting the corpus with a found abstraction, top down as Stitch does: at a used match
 * location emit `(fn a0 a1 ...)` with the arguments (themselves rewritten), elsewhere copy
 * the node. Arguments that refer to lambdas above the match are shifted down by the
 * lambdas the abstraction body puts between them and their binders.
 */
import type { CorpusFacts } from './corpus.ts';
import { APP, LAM, PRIM, VAR, type NodeSet } from './nodes.ts';
import type { FoundAbstraction } from './abstractionSearch.ts';

interface ShiftRule {
  readonly depthCutoff: number;
  readonly shift: number;
}

/** Rewrites every program into `out`; returns the new roots. */
export function rewriteCorpus(facts: CorpusFacts, found: FoundAbstraction, name: string, out: NodeSet): number[] {
  const set = facts.set;
  const use = new Map<number, number>();
  found.locs.forEach((loc, i) => {
    if (!found.unused.has(loc)) use.set(loc, i);
  });
  const rules: ShiftRule[] = [];
  const lambdasAt = found.varZid.map((z) => found.zippers.lambdas[z]);

  const rewrite = (node: number, depth: number): number => {
    const at = use.get(node);
    if (at !== undefined) {
      let expr = out.prim(name);
      for (let v = 0; v < found.arity; v++) {
        const raw = found.varNodes[v][at];
        const shift = lambdasAt[v] > 0 && set.freeVars[raw].length > 0 ? -lambdasAt[v] : 0;
        if (shift !== 0) rules.push({ depthCutoff: depth, shift });
        const arg = rewrite(raw, depth - shift);
        if (shift !== 0) rules.pop();
        expr = out.app(expr, arg);
      }
      return expr;
    }
    switch (set.kind[node]) {
      case PRIM:
        return out.prim(set.symbols[set.a[node]]);
      case VAR: {
        const i = set.a[node];
        let j = i;
        for (const rule of rules) if (depth - i <= rule.depthCutoff) j += rule.shift;
        if (j < 0) throw new Error(`rewrite produced a negative de Bruijn index from $${i}`);
        return out.variable(j, set.b[node]);
      }
      case APP:
        return out.app(rewrite(set.a[node], depth), rewrite(set.b[node], depth));
      case LAM:
        return out.lam(rewrite(set.a[node], depth + 1), set.b[node]);
      default:
        throw new Error('corpus programs cannot contain abstraction parameters');
    }
  };
  return facts.roots.map((root) => rewrite(root, 0));
}
