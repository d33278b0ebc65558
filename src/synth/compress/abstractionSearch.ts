/**
 * One step of Stitch-style compression: a best-first, top-down search over abstraction
 * patterns with holes. A pattern starts as one hole matching every node; expanding a hole
 * into a primitive, variable, `lam`, application or parameter `#i` splits its match
 * locations. Each partial pattern carries an upper bound on the utility of anything it can
 * still become, so whole subtrees of the search are cut once a better abstraction is known.
 *
 * Utility (Stitch's): corpus cost saved by rewriting with the abstraction, minus the cost
 * of the abstraction's body. Pruning rules follow Stitch: upper bound, free variables,
 * single use, single program, argument capture (useless parameter), redundant parameters.
 */
import type { CorpusFacts } from './corpus.ts';
import * as corpus from './corpus.ts';
import * as nodes from './nodes.ts';
import type { NodeSet } from './nodes.ts';
import type { TdfaAnnotations } from './tdfa.ts';
import * as zip from './zippers.ts';
import { Zippers } from './zippers.ts';

// Plain local copies: imported bindings are live and cost an accessor call in hot loops.
const MANY_PROGRAMS = corpus.MANY_PROGRAMS;
const APP = nodes.APP;
const LAM = nodes.LAM;
const PRIM = nodes.PRIM;
const VAR = nodes.VAR;
const FUNC = zip.FUNC;
const ARG = zip.ARG;
const BODY = zip.BODY;
const EMPTY_ZIPPER = zip.EMPTY_ZIPPER;
const childOf = zip.childOf;

export const METAVAR = 0;
export const SYMVAR = 1;

export interface AbstractionSearchOptions {
  readonly maxArity: number;
  /** Keep abstractions useful to a single program (DreamCoder and Stitch reject them). */
  readonly allowSingleProgram?: boolean;
  readonly tdfa?: TdfaAnnotations;
  /** Rejects a finished body (e.g. alpha-equivalent to a known abstraction). */
  readonly reject?: (body: number) => boolean;
  /**
   * Work budget (`AbstractionSearchStats.work`, counted across searches sharing the stats): past it the
   * search stops and returns the best abstraction found so far, setting `stats.exhausted`.
   */
  readonly maxWork?: number;
}

/** Where a pattern's parameters sit and what they match: shared by partial and finished abstractions. */
export interface PatternParameters {
  readonly argZids: readonly number[];
  readonly argVars: readonly number[];
  readonly varZid: readonly number[];
  readonly varType: readonly number[];
  /** Per parameter, the unshifted corpus node at its first zipper, per match location. */
  readonly varNodes: readonly Int32Array[];
  readonly locs: Int32Array;
}

interface Pattern extends PatternParameters {
  /** Zippers of the holes; the nodes under a hole are looked up when it is expanded. */
  readonly holes: readonly number[];
  readonly upperBound: number;
  readonly bodyUtility: number;
}

export interface FoundAbstraction extends PatternParameters {
  readonly zippers: Zippers;
  readonly arity: number;
  readonly utility: number;
  readonly compressiveUtility: number;
  readonly usages: number;
  /** Match locations that the rewrite skips (their saving was used up by an overlap). */
  readonly unused: ReadonlySet<number>;
  /** The body as a node of the step's set, parameters as `#i`. */
  readonly body: number;
}

export interface AbstractionSearchStats {
  expanded: number;
  finished: number;
  /** Match locations examined, the measure of a search's cost (deterministic, unlike time). */
  work: number;
  /** Whether a search stopped at its work budget. */
  exhausted: boolean;
}

/** Finds the abstraction of highest utility, or null when none compresses. */
export function searchBestAbstraction(facts: CorpusFacts, options: AbstractionSearchOptions, stats?: AbstractionSearchStats): FoundAbstraction | null {
  return new Search(facts, options, stats).run();
}

class Search {
  private readonly set: NodeSet;
  private readonly zippers = new Zippers();
  private cutoff = 0;
  private best: FoundAbstraction | null = null;
  private readonly heap: Pattern[] = [];
  private readonly newPrimCost: number;
  /** Scratch for grouping match locations by what a hole holds (indexed by expands key). */
  private readonly buckets: (number[] | undefined)[] = [];

  constructor(
    private readonly facts: CorpusFacts,
    private readonly options: AbstractionSearchOptions,
    private readonly stats: AbstractionSearchStats = { expanded: 0, finished: 0, work: 0, exhausted: false },
  ) {
    this.set = facts.set;
    this.newPrimCost = this.set.costModel.primitive;
  }

  run(): FoundAbstraction | null {
    const { corpusSize } = this.facts;
    const roots: number[] = [];
    for (let node = 0; node < corpusSize; node++) {
      if (this.options.tdfa && this.options.tdfa.invalidRoot(node)) continue;
      roots.push(node);
    }
    const locs = Int32Array.from(roots);
    this.primeWithArityZero(locs);
    this.push({
      holes: [EMPTY_ZIPPER],
      argZids: [],
      argVars: [],
      varZid: [],
      varType: [],
      varNodes: [],
      locs,
      upperBound: this.upperBound(locs),
      bodyUtility: 0,
    });
    const maxWork = this.options.maxWork ?? Number.POSITIVE_INFINITY;
    while (this.heap.length > 0) {
      if (this.stats.work > maxWork) {
        this.stats.exhausted = true;
        break;
      }
      const pattern = this.pop();
      if (pattern.upperBound <= this.cutoff) continue;
      this.expand(pattern);
    }
    return this.best;
  }

  // Arity-zero abstractions are cheap to score and give the bound a good start.
  private primeWithArityZero(locs: Int32Array): void {
    const { set, facts } = this;
    for (const node of locs) {
      if (set.freeVars[node].length > 0 || set.symbolCount[node] > 0) continue;
      if (!this.options.allowSingleProgram && facts.programOf[node] !== MANY_PROGRAMS) continue;
      const compressive = facts.numPaths[node] * (set.cost[node] - this.newPrimCost);
      const utility = compressive - set.cost[node];
      if (utility <= this.cutoff) continue;
      if (this.options.reject?.(node)) continue;
      this.cutoff = utility;
      this.best = {
        zippers: this.zippers,
        locs: Int32Array.of(node),
        argZids: [],
        argVars: [],
        varZid: [],
        varType: [],
        varNodes: [],
        arity: 0,
        utility,
        compressiveUtility: compressive,
        usages: facts.numPaths[node],
        unused: new Set(),
        body: node,
      };
    }
  }

  private upperBound(locs: Int32Array): number {
    const bound = this.facts.savingBound;
    let sum = 0;
    for (let i = 0; i < locs.length; i++) sum += bound[locs[i]];
    return sum;
  }

  private expand(pattern: Pattern): void {
    this.stats.expanded++;
    const { set, zippers } = this;
    const holeIndex = pattern.holes.length - 1; // depth first, as Stitch's default
    const holeZid = pattern.holes[holeIndex];
    const nodes = this.nodesAt(pattern.locs, holeZid);
    this.stats.work += nodes.length;
    const lambdasAbove = zippers.lambdas[holeZid];

    // Syntactic expansions: group match locations by what the hole holds there.
    const { buckets } = this;
    const keys: number[] = [];
    const expandsKey = set.expandsKey;
    for (let i = 0; i < nodes.length; i++) {
      const key = expandsKey[nodes[i]];
      let group = buckets[key];
      if (group === undefined) {
        buckets[key] = group = [];
        keys.push(key);
      }
      group.push(i);
    }
    const groups = keys.map((k) => buckets[k]!);
    for (const k of keys) buckets[k] = undefined;
    for (const positions of groups) {
      const sample = nodes[positions[0]];
      const kind = set.kind[sample];
      if (kind === PRIM && set.isSymvar(set.a[sample])) continue; // symbols must be abstracted
      // An abstraction body may only mention variables bound inside it.
      if (kind === VAR && set.a[sample] >= lambdasAbove) continue;
      const local =
        kind === APP ? set.costModel.app : kind === LAM ? set.costModel.lam : kind === VAR ? set.costModel.variable : set.primCost(set.a[sample]);
      this.consider(pattern, holeIndex, nodes, positions, pattern.bodyUtility + local, { kind: 'syntax', node: sample });
    }

    // Parameter expansions: reuse an existing `#i` where the arguments agree, or add one.
    const holeArgs = this.argumentsAt(nodes, lambdasAbove);
    // Positions where an existing symbol variable fits: a fresh one must differ from them.
    const reusable = set.symvarPrefix === undefined ? null : new Set<number>();
    let metavars = 0;
    for (let v = 0; v < pattern.varZid.length; v++) {
      const type = pattern.varType[v];
      if (type === METAVAR) metavars++;
      const varArgs = this.argumentsAt(pattern.varNodes[v], zippers.lambdas[pattern.varZid[v]]);
      const positions: number[] = [];
      for (let i = 0; i < nodes.length; i++) {
        if (holeArgs[i] !== varArgs[i]) continue;
        if (type === SYMVAR ? !this.holdsSymbol(nodes[i]) : !this.validMetavar(holeArgs[i])) continue;
        positions.push(i);
      }
      if (positions.length === 0) continue;
      if (reusable) for (const p of positions) reusable.add(p);
      this.consider(pattern, holeIndex, nodes, positions, pattern.bodyUtility, { kind: 'param', variable: v, type });
    }
    if (metavars < this.options.maxArity) {
      let positions: ArrayLike<number>;
      if (this.options.tdfa) {
        const valid: number[] = [];
        for (let i = 0; i < nodes.length; i++) if (this.validMetavar(holeArgs[i])) valid.push(i);
        positions = valid;
      } else {
        positions = this.everyPosition(nodes.length); // a fresh parameter matches everywhere
      }
      if (positions.length > 0) {
        this.consider(pattern, holeIndex, nodes, positions, pattern.bodyUtility, {
          kind: 'param',
          variable: pattern.varZid.length,
          type: METAVAR,
        });
      }
    }
    if (reusable) {
      const positions: number[] = [];
      for (let i = 0; i < nodes.length; i++) if (this.holdsSymbol(nodes[i]) && !reusable.has(i)) positions.push(i);
      if (positions.length > 0) {
        this.consider(pattern, holeIndex, nodes, positions, pattern.bodyUtility, {
          kind: 'param',
          variable: pattern.varZid.length,
          type: SYMVAR,
        });
      }
    }
  }

  private identity = new Int32Array(0);

  /** 0, 1, ..., n - 1 without allocating each time. */
  private everyPosition(n: number): Int32Array {
    if (this.identity.length < n) this.identity = Int32Array.from({ length: Math.max(n, 2 * this.identity.length) }, (_, i) => i);
    return this.identity.subarray(0, n);
  }

  /** The node under zipper `zid` at each match location. */
  private nodesAt(locs: Int32Array, zid: number): Int32Array {
    if (zid === EMPTY_ZIPPER) return locs;
    const path = this.zippers.cachedPath(zid);
    const { a, b } = this.set;
    const out = new Int32Array(locs.length);
    for (let i = 0; i < locs.length; i++) {
      let node = locs[i];
      for (let s = 0; s < path.length; s++) {
        const step = path[s];
        node = step === ARG ? b[node] : a[node]; // FUNC and BODY both follow the first child
      }
      out[i] = node;
    }
    return out;
  }

  private holdsSymbol(node: number): boolean {
    return this.set.kind[node] === PRIM && this.set.isSymvar(this.set.a[node]);
  }

  private validMetavar(argument: number): boolean {
    const tdfa = this.options.tdfa;
    if (!tdfa) return true;
    return argument < this.facts.corpusSize && !tdfa.invalidMetavar(argument);
  }

  private argumentsAt(nodes: Int32Array, lambdas: number): Int32Array {
    if (lambdas === 0) return nodes;
    const out = new Int32Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) out[i] = this.set.argument(nodes[i], lambdas);
    return out;
  }

  private consider(
    pattern: Pattern,
    holeIndex: number,
    holeNodesHere: Int32Array,
    positions: ArrayLike<number>,
    bodyUtility: number,
    expansion: { kind: 'syntax'; node: number } | { kind: 'param'; variable: number; type: number },
  ): void {
    const set = this.set;
    // The bound first: most expansions die here, before anything is allocated for them.
    const bound = this.facts.savingBound;
    let upperBound = 0;
    for (let i = 0; i < positions.length; i++) upperBound += bound[pattern.locs[positions[i]]];
    if (upperBound <= this.cutoff) return;
    const locs = gather(pattern.locs, positions);
    if (this.singleUse(locs) || this.singleProgram(locs)) return;

    const varNodes = pattern.varNodes.map((v) => gather(v, positions));
    if (this.uselessParameter(pattern, varNodes, locs.length) || this.redundantParameter(pattern, varNodes, locs.length)) return;

    const holeZid = pattern.holes[holeIndex];
    const holes = pattern.holes.slice(0, holeIndex);
    let argZids = pattern.argZids;
    let argVars = pattern.argVars;
    let varZid = pattern.varZid;
    let varType = pattern.varType;
    if (expansion.kind === 'syntax') {
      const kind = set.kind[expansion.node];
      if (kind === APP) {
        holes.push(this.zippers.extend(holeZid, FUNC), this.zippers.extend(holeZid, ARG));
      } else if (kind === LAM) {
        holes.push(this.zippers.extend(holeZid, BODY));
      }
    } else {
      argZids = [...argZids, holeZid];
      argVars = [...argVars, expansion.variable];
      if (expansion.variable === varZid.length) {
        varZid = [...varZid, holeZid];
        varType = [...varType, expansion.type];
        varNodes.push(gather(holeNodesHere, positions));
      }
    }
    const next: Pattern = { holes, argZids, argVars, varZid, varType, varNodes, locs, upperBound, bodyUtility };
    if (holes.length > 0) {
      this.push(next);
      return;
    }
    this.finish(next);
  }

  private singleUse(locs: Int32Array): boolean {
    if (locs.length !== 1) return false;
    return this.set.freeVars[locs[0]].length === 0 && this.set.symbolCount[locs[0]] === 0;
  }

  private singleProgram(locs: Int32Array): boolean {
    if (this.options.allowSingleProgram) return false;
    const programOf = this.facts.programOf;
    const first = programOf[locs[0]];
    if (first === MANY_PROGRAMS) return false;
    for (let i = 1; i < locs.length; i++) if (programOf[locs[i]] !== first) return false;
    return true;
  }

  // A parameter that takes the same closed argument everywhere should be inlined instead.
  private uselessParameter(pattern: Pattern, varNodes: Int32Array[], count: number): boolean {
    for (let v = 0; v < varNodes.length; v++) {
      if (pattern.varType[v] !== METAVAR) continue;
      const args = this.argumentsAt(varNodes[v], this.zippers.lambdas[pattern.varZid[v]]);
      let same = true;
      for (let i = 1; i < count && same; i++) same = args[i] === args[0];
      if (same && this.set.freeVars[args[0]].length === 0) return true;
    }
    return false;
  }

  // Two parameters equal at every location: the pattern using one `#i` twice is better.
  private redundantParameter(pattern: Pattern, varNodes: Int32Array[], count: number): boolean {
    const metas: Int32Array[] = [];
    for (let v = 0; v < varNodes.length; v++) {
      if (pattern.varType[v] === METAVAR) metas.push(this.argumentsAt(varNodes[v], this.zippers.lambdas[pattern.varZid[v]]));
    }
    for (let x = 0; x < metas.length; x++) {
      for (let y = x + 1; y < metas.length; y++) {
        let same = true;
        for (let i = 0; i < count && same; i++) same = metas[x][i] === metas[y][i];
        if (same) return true;
      }
    }
    return false;
  }

  private finish(pattern: Pattern): void {
    this.stats.finished++;
    const { set, facts } = this;
    const arity = pattern.varZid.length;
    const count = pattern.locs.length;
    this.stats.work += count;
    const uses = new Array<number>(arity).fill(0);
    for (const v of pattern.argVars) uses[v]++;
    const appPenalty = -(this.newPrimCost + set.costModel.app * arity);
    const marginal = new Float64Array(count);
    let anyPositive = false;
    const metaArgs = pattern.varNodes.map((nodes, v) =>
      pattern.varType[v] === METAVAR ? this.argumentsAt(nodes, this.zippers.lambdas[pattern.varZid[v]]) : null,
    );
    for (let i = 0; i < count; i++) {
      let capturesBinder = false;
      for (const args of metaArgs) if (args && set.hasParams[args[i]]) capturesBinder = true;
      if (capturesBinder) continue;
      let util = pattern.bodyUtility + appPenalty;
      for (let v = 0; v < arity; v++) if (uses[v] > 1) util += (uses[v] - 1) * set.cost[pattern.varNodes[v][i]];
      marginal[i] = util;
      if (util > 0) anyPositive = true;
    }
    if (!anyPositive) return;
    // Overlap correction only lowers the utility: skip it (quadratic in the body's depth) when
    // even the uncorrected utility cannot beat the best found.
    const compressiveOf = () => {
      let sum = 0;
      for (let i = 0; i < count; i++) if (marginal[i] > 0) sum += marginal[i] * facts.numPaths[pattern.locs[i]];
      return sum;
    };
    if (compressiveOf() - pattern.bodyUtility <= this.cutoff) return;
    this.correctSelfOverlap(pattern, marginal);
    const compressive = compressiveOf();
    if (compressive <= this.cutoff) return;
    const utility = compressive - pattern.bodyUtility;
    if (utility <= this.cutoff) return;
    const body = this.bodyOf(pattern);
    if (this.options.reject?.(body)) return;
    const unused = new Set<number>();
    let usages = 0;
    for (let i = 0; i < count; i++) {
      usages += facts.numPaths[pattern.locs[i]];
      if (!(marginal[i] > 0)) unused.add(pattern.locs[i]);
    }
    this.cutoff = utility;
    this.best = {
      zippers: this.zippers,
      locs: pattern.locs,
      argZids: pattern.argZids,
      argVars: pattern.argVars,
      varZid: pattern.varZid,
      varType: pattern.varType,
      varNodes: pattern.varNodes,
      arity,
      utility,
      compressiveUtility: compressive,
      usages,
      unused,
      body,
    };
  }

  /**
   * When the abstraction can match inside its own body (like `(#0 #1 x)` inside
   * `(#0 #1)`), the rewrite uses only one of two overlapping matches; Stitch subtracts
   * the inner match's saving from the outer one, bottom up.
   */
  private correctSelfOverlap(pattern: Pattern, marginal: Float64Array): void {
    const points = this.selfUnificationPoints(pattern);
    if (points.length === 0) return;
    const { set, zippers } = this;
    this.stats.work += pattern.locs.length * points.length;
    const position = new Map<number, number>();
    pattern.locs.forEach((loc, i) => position.set(loc, i));
    // The zippers on the way to the points, parents first: one walk per location finds the node
    // at every point (walking to each point separately made this cubic in the body's depth).
    const onTheWay = new Set<number>();
    for (const point of points) for (let z = point; z !== EMPTY_ZIPPER && !onTheWay.has(z); z = zippers.parentOf(z)) onTheWay.add(z);
    const order = [...onTheWay].sort((a, b) => zippers.cachedPath(a).length - zippers.cachedPath(b).length);
    const parents = order.map((z) => zippers.parentOf(z));
    const steps = order.map((z) => zippers.stepOf(z));
    const nodeAtZipper = new Int32Array(zippers.size);
    for (let i = 0; i < pattern.locs.length; i++) {
      nodeAtZipper[EMPTY_ZIPPER] = pattern.locs[i];
      for (let k = 0; k < order.length; k++) {
        const above = nodeAtZipper[parents[k]];
        nodeAtZipper[order[k]] = above === -1 ? -1 : childOf(set, above, steps[k]);
      }
      this.stats.work += order.length;
      let alternative = 0;
      for (const zid of points) {
        const j = position.get(nodeAtZipper[zid]);
        if (j !== undefined) alternative += marginal[j];
      }
      marginal[i] = Math.max(0, marginal[i] - alternative);
    }
  }

  private selfUnificationPoints(pattern: Pattern): number[] {
    const { set, zippers } = this;
    if (pattern.argZids.length === 0) return [];
    // Marks by zipper id (typed arrays: this runs once per finished pattern, on every zipper of it).
    const marks = this.zipperMarks(zippers.size);
    const PARAM = 1;
    const PREFIX = 2;
    const marked: number[] = [];
    for (const z of pattern.argZids) {
      marks[z] |= PARAM;
      for (let p = z; p !== -1 && !(marks[p] & PREFIX); p = zippers.parentOf(p)) {
        marks[p] |= PREFIX;
        marked.push(p);
      }
    }
    const isParam = (zid: number) => zid !== -1 && (marks[zid] & PARAM) !== 0;
    const slice = (zid: number, direction: number): number => {
      const c = zippers.existing(zid, direction);
      return c !== -1 && (marks[c] & PREFIX) !== 0 ? c : -1;
    };
    const stats = this.stats;
    const cost = set.cost;
    const unifies = (overall: number, partial: number, overallLoc: number, partialLoc: number): boolean => {
      stats.work++;
      if (isParam(overall) || isParam(partial)) return true;
      if (overallLoc === partialLoc) return true;
      if (overall === -1 && partial === -1) return false;
      const kind = set.kind[overallLoc];
      if (kind === APP) {
        if (set.kind[partialLoc] !== APP) return false;
        // The smaller side first: a mismatch there ends the check before the long side (down the
        // spine of a wide application) is walked, which made checking every point quadratic.
        // (No closures here: this runs millions of times, and each closure costs under tsx.)
        if (cost[set.b[partialLoc]] <= cost[set.a[partialLoc]]) {
          return (
            unifies(slice(overall, ARG), slice(partial, ARG), set.b[overallLoc], set.b[partialLoc]) &&
            unifies(slice(overall, FUNC), slice(partial, FUNC), set.a[overallLoc], set.a[partialLoc])
          );
        }
        return (
          unifies(slice(overall, FUNC), slice(partial, FUNC), set.a[overallLoc], set.a[partialLoc]) &&
          unifies(slice(overall, ARG), slice(partial, ARG), set.b[overallLoc], set.b[partialLoc])
        );
      }
      if (kind === LAM) {
        if (set.kind[partialLoc] !== LAM) return false;
        return unifies(slice(overall, BODY), slice(partial, BODY), set.a[overallLoc], set.a[partialLoc]);
      }
      return false; // distinct leaves (equal ones share an id and returned above)
    };
    const points: number[] = [];
    const root = pattern.locs[0];
    const visit = (partial: number, partialZid: number, partialLoc: number): void => {
      if (partial === -1 || isParam(partial)) return;
      if (partialZid !== EMPTY_ZIPPER && unifies(EMPTY_ZIPPER, partial, root, partialLoc)) points.push(partialZid);
      const kind = set.kind[partialLoc];
      if (kind === APP) {
        visit(slice(partial, FUNC), zippers.extend(partialZid, FUNC), set.a[partialLoc]);
        visit(slice(partial, ARG), zippers.extend(partialZid, ARG), set.b[partialLoc]);
      } else if (kind === LAM) {
        visit(slice(partial, BODY), zippers.extend(partialZid, BODY), set.a[partialLoc]);
      }
    };
    visit(EMPTY_ZIPPER, EMPTY_ZIPPER, root);
    for (const z of marked) marks[z] = 0;
    for (const z of pattern.argZids) marks[z] = 0;
    return points;
  }

  private marks = new Uint8Array(0);

  /** Zeroed scratch marks for `size` zippers (callers clear what they set). */
  private zipperMarks(size: number): Uint8Array {
    if (this.marks.length < size) {
      const grown = new Uint8Array(Math.max(size, 2 * this.marks.length));
      this.marks = grown;
    }
    return this.marks;
  }

  /** Builds the body from the first match location, parameters as `#i`. */
  private bodyOf(pattern: Pattern): number {
    const { set, zippers } = this;
    const paramAt = new Map<number, number>();
    pattern.argZids.forEach((z, i) => paramAt.set(z, pattern.argVars[i]));
    const build = (node: number, zid: number): number => {
      const v = paramAt.get(zid);
      if (v !== undefined) return set.param(v);
      switch (set.kind[node]) {
        case APP:
          return set.app(build(set.a[node], zippers.extend(zid, FUNC)), build(set.b[node], zippers.extend(zid, ARG)));
        case LAM:
          return set.lam(build(set.a[node], zippers.extend(zid, BODY)), set.b[node]);
        default:
          return node;
      }
    };
    return build(pattern.locs[0], EMPTY_ZIPPER);
  }

  private push(p: Pattern): void {
    const heap = this.heap;
    heap.push(p);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent].upperBound >= heap[i].upperBound) break;
      [heap[parent], heap[i]] = [heap[i], heap[parent]];
      i = parent;
    }
  }

  private pop(): Pattern {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l].upperBound > heap[m].upperBound) m = l;
        if (r < heap.length && heap[r].upperBound > heap[m].upperBound) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i], heap[m]];
        i = m;
      }
    }
    return top;
  }
}

function gather(values: Int32Array, positions: ArrayLike<number>): Int32Array {
  if (positions.length === values.length) return values;
  const out = new Int32Array(positions.length);
  for (let i = 0; i < positions.length; i++) out[i] = values[positions[i]];
  return out;
}
