/**
 * The hash-consed node store that compression works over: every distinct subterm of the
 * corpus is one integer id, children before parents, with its cost, free variables and
 * symbol counts computed once when it is added. Structural sharing is what makes a match
 * location stand for every place the same subtree occurs.
 */
import type { Index, Lambda, Term } from '../../dsl/term.ts';
import { app, idx, invention, lam, param, prim } from '../../dsl/term.ts';

export const PRIM = 0;
export const VAR = 1;
export const LAM = 2;
export const APP = 3;
export const IVAR = 4;

/** Stitch's cost model: 100 per terminal, 1 per application and per `lam`. */
export interface CostModel {
  readonly app: number;
  readonly lam: number;
  readonly variable: number;
  readonly param: number;
  readonly primitive: number;
  /** Per-primitive overrides (Stitch's `--cost-prim`). */
  readonly primitives?: Readonly<Record<string, number>>;
}

export const STITCH_COST: CostModel = { app: 1, lam: 1, variable: 100, param: 100, primitive: 100 };

/** A lambda or variable carrying a Stitch tag (`lam_1`, `$0_1`); untagged terms use -1. */
export interface TaggedLambda extends Lambda {
  readonly tag: number;
}
export interface TaggedIndex extends Index {
  readonly tag: number;
}
export const taggedLam = (body: Term, tag: number): TaggedLambda => ({ kind: 'lambda', body, tag });
export const taggedIdx = (index: number, tag: number): TaggedIndex => ({ kind: 'index', index, tag });

function tagOf(t: Term): number {
  const tag = (t as { tag?: unknown }).tag;
  return typeof tag === 'number' ? tag : -1;
}

const NO_FREE: readonly number[] = [];

export class NodeSet {
  readonly kind: number[] = [];
  /** PRIM: symbol id; VAR: index; LAM: body; APP: function; IVAR: index. */
  readonly a: number[] = [];
  /** VAR and LAM: tag; APP: argument. */
  readonly b: number[] = [];
  readonly cost: number[] = [];
  /** Free de Bruijn indices relative to the node, sorted ascending. */
  readonly freeVars: (readonly number[])[] = [];
  readonly hasParams: boolean[] = [];
  readonly symbolCount: number[] = [];
  /** Interned id of what a hole expands to at this node (kind plus payload). */
  readonly expandsKey: number[] = [];
  readonly symbols: string[] = [];
  private readonly symbolIds = new Map<string, number>();
  private readonly byKey = new Map<string, number>();
  private readonly expandsIds = new Map<string, number>();
  private readonly shiftMemo = new Map<string, number>();

  constructor(
    readonly costModel: CostModel = STITCH_COST,
    /** Symbols starting with this prefix are symbol variables (Stitch `--symvar-prefix`). */
    readonly symvarPrefix?: string,
  ) {}

  get size(): number {
    return this.kind.length;
  }

  symbolId(name: string): number {
    let id = this.symbolIds.get(name);
    if (id === undefined) {
      id = this.symbols.length;
      this.symbols.push(name);
      this.symbolIds.set(name, id);
    }
    return id;
  }

  primCost(symbol: number): number {
    return this.costModel.primitives?.[this.symbols[symbol]] ?? this.costModel.primitive;
  }

  isSymvar(symbol: number): boolean {
    return this.symvarPrefix !== undefined && this.symbols[symbol].startsWith(this.symvarPrefix);
  }

  prim(name: string): number {
    return this.add(PRIM, this.symbolId(name), 0);
  }
  variable(index: number, tag = -1): number {
    return this.add(VAR, index, tag);
  }
  lam(body: number, tag = -1): number {
    return this.add(LAM, body, tag);
  }
  app(fn: number, arg: number): number {
    return this.add(APP, fn, arg);
  }
  param(index: number): number {
    return this.add(IVAR, index, 0);
  }

  private add(kind: number, a: number, b: number): number {
    const key = `${kind},${a},${b}`;
    const found = this.byKey.get(key);
    if (found !== undefined) return found;
    const id = this.kind.length;
    this.kind.push(kind);
    this.a.push(a);
    this.b.push(b);
    const m = this.costModel;
    let cost: number;
    let free: readonly number[] = NO_FREE;
    let params = false;
    let symbols = 0;
    let expands: string;
    switch (kind) {
      case PRIM:
        cost = this.primCost(a);
        symbols = this.isSymvar(a) ? 1 : 0;
        expands = `p${a}`;
        break;
      case VAR:
        cost = m.variable;
        free = [a];
        expands = `v${a},${b}`;
        break;
      case LAM:
        cost = m.lam + this.cost[a];
        free = this.freeVars[a].filter((v) => v > 0).map((v) => v - 1);
        params = this.hasParams[a];
        symbols = this.symbolCount[a];
        expands = `l${b}`;
        break;
      case APP:
        cost = m.app + this.cost[a] + this.cost[b];
        free = mergeSorted(this.freeVars[a], this.freeVars[b]);
        params = this.hasParams[a] || this.hasParams[b];
        symbols = this.symbolCount[a] + this.symbolCount[b];
        expands = 'a';
        break;
      default:
        cost = m.param;
        params = true;
        expands = `i${a}`;
    }
    this.cost.push(cost);
    this.freeVars.push(free.length === 0 ? NO_FREE : free);
    this.hasParams.push(params);
    this.symbolCount.push(symbols);
    let e = this.expandsIds.get(expands);
    if (e === undefined) {
      e = this.expandsIds.size;
      this.expandsIds.set(expands, e);
    }
    this.expandsKey.push(e);
    this.byKey.set(key, id);
    return id;
  }

  /** Shifts free variables at or above `cutoff` by `amount`. */
  shift(node: number, amount: number, cutoff = 0): number {
    const free = this.freeVars[node];
    if (amount === 0 || free.length === 0 || free[free.length - 1] < cutoff) return node;
    const key = `${node},${amount},${cutoff}`;
    const memo = this.shiftMemo.get(key);
    if (memo !== undefined) return memo;
    let out: number;
    switch (this.kind[node]) {
      case VAR: {
        const i = this.a[node];
        out = i >= cutoff ? this.variable(i + amount, this.b[node]) : node;
        break;
      }
      case LAM:
        out = this.lam(this.shift(this.a[node], amount, cutoff + 1), this.b[node]);
        break;
      case APP:
        out = this.app(this.shift(this.a[node], amount, cutoff), this.shift(this.b[node], amount, cutoff));
        break;
      default:
        out = node;
    }
    this.shiftMemo.set(key, out);
    return out;
  }

  /**
   * The argument a hole at lambda depth `lambdas` would take: free variables that point
   * above the abstraction are shifted down; ones bound inside it become `#` markers, which
   * make the argument invalid (an abstraction cannot capture them), as in Stitch.
   */
  argument(node: number, lambdas: number): number {
    if (lambdas === 0 || this.freeVars[node].length === 0) return node;
    const key = `a${node},${lambdas}`;
    const memo = this.shiftMemo.get(key);
    if (memo !== undefined) return memo;
    const go = (n: number, depth: number): number => {
      const free = this.freeVars[n];
      if (free.length === 0 || free[free.length - 1] < depth) return n;
      switch (this.kind[n]) {
        case VAR: {
          const i = this.a[n];
          if (i < depth) return n;
          return i - depth < lambdas ? this.param(1000 + i - depth) : this.variable(i - lambdas, this.b[n]);
        }
        case LAM:
          return this.lam(go(this.a[n], depth + 1), this.b[n]);
        case APP:
          return this.app(go(this.a[n], depth), go(this.b[n], depth));
        default:
          return n;
      }
    };
    const out = go(node, 0);
    this.shiftMemo.set(key, out);
    return out;
  }

  /** Adds a term; inventions enter as primitives named after the invention. */
  fromTerm(t: Term): number {
    switch (t.kind) {
      case 'primitive':
        return this.prim(t.name);
      case 'invention':
        return this.prim(t.name);
      case 'index':
        return this.variable(t.index, tagOf(t));
      case 'param':
        return this.param(t.index);
      case 'lambda':
        return this.lam(this.fromTerm(t.body), tagOf(t));
      case 'apply':
        return this.app(this.fromTerm(t.fn), this.fromTerm(t.arg));
    }
  }

  /** Copies a node of another set into this one. */
  copyFrom(other: NodeSet, node: number): number {
    switch (other.kind[node]) {
      case PRIM:
        return this.prim(other.symbols[other.a[node]]);
      case VAR:
        return this.variable(other.a[node], other.b[node]);
      case LAM:
        return this.lam(this.copyFrom(other, other.a[node]), other.b[node]);
      case APP:
        return this.app(this.copyFrom(other, other.a[node]), this.copyFrom(other, other.b[node]));
      default:
        return this.param(other.a[node]);
    }
  }

  /**
   * Back to a term. Names found in `inventions` become invention terms carrying their
   * (DreamCoder-form) bodies, so the result is self-contained.
   */
  toTerm(node: number, inventions?: ReadonlyMap<string, Term>): Term {
    switch (this.kind[node]) {
      case PRIM: {
        const name = this.symbols[this.a[node]];
        const body = inventions?.get(name);
        return body ? invention(name, body) : prim(name);
      }
      case VAR:
        return this.b[node] === -1 ? idx(this.a[node]) : taggedIdx(this.a[node], this.b[node]);
      case LAM: {
        const body = this.toTerm(this.a[node], inventions);
        return this.b[node] === -1 ? lam(body) : taggedLam(body, this.b[node]);
      }
      case APP:
        return app(this.toTerm(this.a[node], inventions), this.toTerm(this.b[node], inventions));
      default:
        return param(this.a[node]);
    }
  }

  /** Stitch's text form: `(f a b)`, `(lam b)`, `lam_1`, `$0`, `$0_1`, `#0`. */
  show(node: number): string {
    switch (this.kind[node]) {
      case PRIM:
        return this.symbols[this.a[node]];
      case VAR:
        return this.b[node] === -1 ? `$${this.a[node]}` : `$${this.a[node]}_${this.b[node]}`;
      case IVAR:
        return `#${this.a[node]}`;
      case LAM: {
        const tag = this.b[node] === -1 ? '' : `_${this.b[node]}`;
        return `(lam${tag} ${this.show(this.a[node])})`;
      }
      default: {
        const parts: string[] = [];
        let head = node;
        while (this.kind[head] === APP) {
          parts.push(this.show(this.b[head]));
          head = this.a[head];
        }
        parts.push(this.show(head));
        return `(${parts.reverse().join(' ')})`;
      }
    }
  }
}

function mergeSorted(x: readonly number[], y: readonly number[]): readonly number[] {
  if (x.length === 0) return y;
  if (y.length === 0) return x;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    const v = j >= y.length || (i < x.length && x[i] <= y[j]) ? x[i++] : y[j++];
    if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
  }
  return out;
}
