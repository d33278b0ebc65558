/**
 * Zippers: paths from a match location down to a hole, interned as small integers in a
 * trie. A pattern names its holes and parameters by zipper, so "the same place in every
 * match" is one number. Nodes at a zipper are found by walking the path, and patterns
 * carry them per match location so the walk happens once per expansion.
 */
import { APP, LAM, type NodeSet } from './nodes.ts';

export const FUNC = 0;
export const ARG = 1;
export const BODY = 2;
export const EMPTY_ZIPPER = 0;

export class Zippers {
  private readonly parent: number[] = [-1];
  private readonly step: number[] = [-1];
  /** Lambdas crossed on the way down: a `$i` at this zipper is bound inside iff `i < lambdas`. */
  readonly lambdas: number[] = [0];
  private readonly children: number[] = [-1, -1, -1];

  extend(zid: number, direction: number): number {
    const slot = zid * 3 + direction;
    let child = this.children[slot];
    if (child === -1) {
      child = this.parent.length;
      this.parent.push(zid);
      this.step.push(direction);
      this.lambdas.push(this.lambdas[zid] + (direction === BODY ? 1 : 0));
      this.children.push(-1, -1, -1);
      this.children[slot] = child;
    }
    return child;
  }

  /** The child zipper if it was ever created, else -1. */
  existing(zid: number, direction: number): number {
    return this.children[zid * 3 + direction];
  }

  /** Steps from the root of a match down to this zipper. */
  path(zid: number): number[] {
    const out: number[] = [];
    for (let z = zid; z !== EMPTY_ZIPPER; z = this.parent[z]) out.push(this.step[z]);
    return out.reverse();
  }

  private readonly paths: (Int8Array | undefined)[] = [];

  /** `path(zid)`, computed once per zipper. */
  cachedPath(zid: number): Int8Array {
    let p = this.paths[zid];
    if (p === undefined) this.paths[zid] = p = Int8Array.from(this.path(zid));
    return p;
  }

  /** Whether `ancestor` is a prefix of (or equal to) `zid`. */
  isPrefix(ancestor: number, zid: number): boolean {
    for (let z = zid; z !== -1; z = this.parent[z]) if (z === ancestor) return true;
    return false;
  }

  /** Zippers made so far (ids are 0 .. size - 1). */
  get size(): number {
    return this.parent.length;
  }

  /** The last step (FUNC, ARG or BODY) of the path to `zid`. */
  stepOf(zid: number): number {
    return this.step[zid];
  }

  parentOf(zid: number): number {
    return this.parent[zid];
  }
}

/** The child of `node` in `direction`, or -1 when the node has no such child. */
export function childOf(set: NodeSet, node: number, direction: number): number {
  const kind = set.kind[node];
  if (direction === BODY) return kind === LAM ? set.a[node] : -1;
  if (kind !== APP) return -1;
  return direction === FUNC ? set.a[node] : set.b[node];
}
