/**
 * Heap Search (Fijalkow et al., 2022) over a `Grammar`: a lazy stream of complete programs
 * in exactly non-increasing probability, each program once.
 *
 * Each grammar symbol is split by exact program size (symbol, s): a production of size s
 * spreads s - 1 over its arguments in every possible way, so a size limit prunes without
 * losing completeness, and every (symbol, s) holds a finite set of programs. The frontier
 * (one heap per sized symbol) therefore never holds more than the programs up to the size
 * limit. The start symbol's streams for s = 1..maxSize are merged by one more heap.
 *
 * Size counts primitives, inventions, variables and lambdas (applications are free).
 */
import type { Term } from '../../dsl/term.ts';
import { applyProduction, type Grammar, type Production } from '../grammar.ts';
import { MaxHeap } from './priorityQueue.ts';

export interface EnumeratedProgram {
  readonly term: Term;
  readonly logProbability: number;
  readonly size: number;
}

export interface EnumerationProgress {
  readonly programs: number;
  readonly seconds: number;
  readonly logProbability: number;
}

export interface HeapSearchOptions {
  /** Largest program size enumerated (default 12). */
  readonly maxSize?: number;
  /** Stop after this many programs. */
  readonly maxPrograms?: number;
  /** Stop after this many wall-clock seconds. */
  readonly seconds?: number;
  /** Called every `progressEvery` programs (default 10,000). */
  readonly onProgress?: (progress: EnumerationProgress) => void;
  readonly progressEvery?: number;
}

/** A program of one sized symbol; unique per (production, children), so it can carry its successor. */
interface Node {
  readonly id: number;
  readonly owner: SizedSymbol;
  readonly production: SizedProduction;
  readonly children: readonly Node[];
  readonly logProbability: number;
  /** The next program of `owner` in order: undefined = not computed yet, null = none. */
  next: Node | null | undefined;
}

interface SizedProduction {
  readonly index: number;
  readonly production: Production;
  readonly childSymbols: readonly SizedSymbol[];
}

interface SizedSymbol {
  readonly symbol: number;
  readonly size: number;
  productions: SizedProduction[];
  heap: MaxHeap<Node> | undefined;
  first: Node | null | undefined;
}

export class HeapSearch {
  private readonly sized = new Map<number, SizedSymbol>();
  private nodeCount = 0;
  private readonly stride: number;

  constructor(private readonly grammar: Grammar, readonly maxSize: number) {
    if (!Number.isInteger(maxSize) || maxSize < 1) throw new RangeError(`maxSize must be a positive integer, got ${maxSize}`);
    this.stride = maxSize + 1;
  }

  /** Programs of the start symbol, best first, across all sizes up to the limit. */
  *programs(): Generator<EnumeratedProgram> {
    const heads = new MaxHeap<Node>();
    for (let s = 1; s <= this.maxSize; s++) {
      const sym = this.sizedSymbol(this.grammar.start, s);
      if (sym === undefined) continue;
      const first = this.first(sym);
      if (first) heads.push(first, first.logProbability);
    }
    for (;;) {
      const best = heads.pop();
      if (best === undefined) return;
      yield { term: termOf(best), logProbability: best.logProbability, size: best.owner.size };
      const following = this.next(best);
      if (following) heads.push(following, following.logProbability);
    }
  }

  /** Number of programs currently held in all frontiers and memo tables (for memory checks). */
  get heldPrograms(): number {
    return this.nodeCount;
  }

  /** The sized symbol, or undefined when it has no program of exactly that size. */
  private sizedSymbol(symbol: number, size: number): SizedSymbol | undefined {
    const key = symbol * this.stride + size;
    if (this.sized.has(key)) return this.sized.get(key);
    // Mark as empty while building: sizes strictly decrease, so no cycle can read it.
    this.sized.set(key, undefined as unknown as SizedSymbol);
    const productions: SizedProduction[] = [];
    const source = this.grammar.symbols[symbol].productions;
    source.forEach((production, index) => {
      const arity = production.argumentSymbols.length;
      if (arity === 0) {
        if (size === 1) productions.push({ index, production, childSymbols: [] });
        return;
      }
      for (const split of compositions(size - 1, arity)) {
        const childSymbols: SizedSymbol[] = [];
        for (let i = 0; i < arity; i++) {
          const child = this.sizedSymbol(production.argumentSymbols[i], split[i]);
          if (child === undefined) break;
          childSymbols.push(child);
        }
        if (childSymbols.length === arity) productions.push({ index, production, childSymbols });
      }
    });
    if (productions.length === 0) return undefined;
    const sym: SizedSymbol = { symbol, size, productions, heap: undefined, first: undefined };
    this.sized.set(key, sym);
    return sym;
  }

  private first(sym: SizedSymbol): Node | null {
    if (sym.first !== undefined) return sym.first;
    const heap = new MaxHeap<Node>();
    sym.heap = heap;
    for (const production of sym.productions) {
      const children = production.childSymbols.map((c) => this.first(c)!);
      this.offer(sym, production, children);
    }
    sym.first = this.popAndExpand(sym);
    return sym.first;
  }

  /** The program following `node` among its symbol's programs. */
  private next(node: Node): Node | null {
    if (node.next !== undefined) return node.next;
    node.next = this.popAndExpand(node.owner);
    return node.next;
  }

  private popAndExpand(sym: SizedSymbol): Node | null {
    const best = sym.heap!.pop();
    if (best === undefined) return null;
    const children = best.children;
    // Each tuple of children has one parent: the tuple with its last non-first child stepped
    // back. So a tuple steps child i forward only while every child after i is still first;
    // the parent is at least as probable, so it is popped first, and no tuple comes twice.
    let last = Math.max(children.length - 1, 0);
    while (last > 0 && children[last].owner.first === children[last]) last--;
    for (let i = last; i < children.length; i++) {
      const successor = this.next(children[i]);
      if (successor === null) continue;
      const replaced = children.slice();
      replaced[i] = successor;
      this.offer(sym, best.production, replaced);
    }
    return best;
  }

  private offer(sym: SizedSymbol, production: SizedProduction, children: Node[]): void {
    let logProbability = production.production.logProbability;
    for (const c of children) logProbability += c.logProbability;
    const node: Node = {
      id: this.nodeCount++,
      owner: sym,
      production,
      children,
      logProbability,
      next: undefined,
    };
    sym.heap!.push(node, logProbability);
  }
}

/** Enumerates programs best first under count / time budgets, reporting progress. */
export function* enumeratePrograms(grammar: Grammar, options: HeapSearchOptions = {}): Generator<EnumeratedProgram> {
  const search = new HeapSearch(grammar, options.maxSize ?? 12);
  const maxPrograms = options.maxPrograms ?? Infinity;
  const deadline = options.seconds === undefined ? Infinity : performance.now() + options.seconds * 1000;
  const every = options.progressEvery ?? 10_000;
  const started = performance.now();
  let count = 0;
  if (count >= maxPrograms) return;
  for (const program of search.programs()) {
    yield program;
    count++;
    if (count >= maxPrograms) return;
    // Checking the clock every 256 programs keeps its cost out of the inner loop.
    if ((count & 255) === 0 && performance.now() >= deadline) return;
    if (options.onProgress && count % every === 0) {
      options.onProgress({ programs: count, seconds: (performance.now() - started) / 1000, logProbability: program.logProbability });
    }
  }
}

/** Built on demand, not kept: a kept term would hold memory for every program ever built. */
function termOf(node: Node): Term {
  return applyProduction(node.production.production, node.children.map(termOf));
}

/** All ways of writing `total` as an ordered sum of `parts` positive integers. */
function compositions(total: number, parts: number): number[][] {
  if (parts === 1) return total >= 1 ? [[total]] : [];
  const out: number[][] = [];
  for (let first = 1; first <= total - (parts - 1); first++) {
    for (const rest of compositions(total - first, parts - 1)) out.push([first, ...rest]);
  }
  return out;
}
