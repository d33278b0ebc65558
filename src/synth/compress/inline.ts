/**
 * Abstractions as terms: substituting arguments for `#i`, inlining learned abstractions
 * back into programs, the DreamCoder-form invention (`#i` turned into lambda-bound
 * variables), and a canonical key that identifies alpha-equivalent abstractions.
 */
import type { Term } from '../../dsl/term.ts';
import { app, apps, idx, invention, lam, unApply } from '../../dsl/term.ts';

/** What inlining needs to know about a learned abstraction. */
export interface AbstractionBody {
  readonly name: string;
  readonly arity: number;
  /** Stitch form: parameters as `#i` (the i-th applied argument). */
  readonly body: Term;
}

/** Shifts free de Bruijn indices at or above `cutoff` by `amount`. */
export function shiftTerm(t: Term, amount: number, cutoff = 0): Term {
  if (amount === 0) return t;
  switch (t.kind) {
    case 'index':
      return t.index >= cutoff ? { ...t, index: t.index + amount } : t;
    case 'lambda':
      return { ...t, body: shiftTerm(t.body, amount, cutoff + 1) };
    case 'apply':
      return app(shiftTerm(t.fn, amount, cutoff), shiftTerm(t.arg, amount, cutoff));
    default:
      return t;
  }
}

/** Replaces `#i` with `args[i]`, lifting each argument over the lambdas of the body. */
export function substituteParams(body: Term, args: readonly Term[]): Term {
  return mapLeaves(body, (t, depth) => {
    if (t.kind !== 'param') return t;
    const arg = args[t.index];
    if (arg === undefined) throw new Error(`abstraction body uses #${t.index} but only ${args.length} arguments were given`);
    return shiftTerm(arg, depth);
  });
}

/** `t` rebuilt with every leaf (a term that is not a lambda or an application) replaced by `leaf(it, lambdas around it)`. */
function mapLeaves(t: Term, leaf: (t: Term, depth: number) => Term, depth = 0): Term {
  switch (t.kind) {
    case 'lambda':
      return { ...t, body: mapLeaves(t.body, leaf, depth + 1) };
    case 'apply':
      return app(mapLeaves(t.fn, leaf, depth), mapLeaves(t.arg, leaf, depth));
    default:
      return leaf(t, depth);
  }
}

/**
 * Inlines every application of a learned abstraction (named as a primitive or an
 * invention), innermost library entries included, until none is left.
 */
export function inlineAbstractions(t: Term, library: ReadonlyMap<string, AbstractionBody>): Term {
  const { head, args } = unApply(t);
  const entry = head.kind === 'primitive' || head.kind === 'invention' ? library.get(head.name) : undefined;
  if (entry && args.length >= entry.arity) {
    const inlinedArgs = args.map((a) => inlineAbstractions(a, library));
    const body = substituteParams(inlineAbstractions(entry.body, library), inlinedArgs.slice(0, entry.arity));
    // Substitution can put an abstraction in head position again, so inline the result.
    return inlineAbstractions(apps(body, ...inlinedArgs.slice(entry.arity)), library);
  }
  const newHead = head.kind === 'lambda' ? { ...head, body: inlineAbstractions(head.body, library) } : head;
  return apps(newHead, ...args.map((a) => inlineAbstractions(a, library)));
}

/**
 * DreamCoder form of an abstraction: `arity` lambdas around the body, `#i` becoming the
 * variable bound by the i-th lambda from the outside, so `(inv a0 a1)` beta-reduces to
 * the body with `#0 := a0`, `#1 := a1` (Stitch: `#i` at depth d is `$(d + arity - 1 - i)`).
 * Earlier abstractions named in the body become invention terms carrying their own form.
 */
export function dreamcoderBody(abstraction: AbstractionBody, earlier: ReadonlyMap<string, Term> = new Map()): Term {
  const { arity } = abstraction;
  let out = mapLeaves(abstraction.body, (t, depth) => {
    if (t.kind === 'param') return idx(depth + arity - 1 - t.index);
    if (t.kind !== 'primitive') return t;
    const body = earlier.get(t.name);
    return body ? invention(t.name, body) : t;
  });
  for (let i = 0; i < arity; i++) out = lam(out);
  return out;
}

/**
 * A key equal for exactly the alpha-equivalent abstractions: library references inlined,
 * parameters renumbered by first occurrence (left to right).
 */
export function canonicalKey(body: Term, library: ReadonlyMap<string, AbstractionBody>): string {
  const inlined = inlineAbstractions(body, library);
  const renumber = new Map<number, number>();
  const go = (t: Term): string => {
    switch (t.kind) {
      case 'param': {
        let n = renumber.get(t.index);
        if (n === undefined) renumber.set(t.index, (n = renumber.size));
        return `#${n}`;
      }
      case 'primitive':
      case 'invention':
        return t.name;
      case 'index':
        return `$${t.index}_${(t as { tag?: number }).tag ?? -1}`;
      case 'lambda':
        return `(lam_${(t as { tag?: number }).tag ?? -1} ${go(t.body)})`;
      case 'apply':
        return `(${go(t.fn)} ${go(t.arg)})`;
    }
  };
  return go(inlined);
}

/** Stitch's text form of a term: `(f a b)`, `(lam b)`, `lam_1`, `$0_1`, `#0`. */
export function stitchText(t: Term): string {
  switch (t.kind) {
    case 'primitive':
    case 'invention':
      return t.name;
    case 'param':
      return `#${t.index}`;
    case 'index': {
      const tag = (t as { tag?: number }).tag;
      return tag === undefined || tag === -1 ? `$${t.index}` : `$${t.index}_${tag}`;
    }
    case 'lambda': {
      const tag = (t as { tag?: number }).tag;
      return `(lam${tag === undefined || tag === -1 ? '' : `_${tag}`} ${stitchText(t.body)})`;
    }
    case 'apply': {
      const { head, args } = unApply(t);
      return `(${[head, ...args].map(stitchText).join(' ')})`;
    }
  }
}

/**
 * Stitch's tagged binders as our grammar reads them: `(lam_1 body)` parses as the primitive
 * `lam_1` applied to `body`, and `$0_1` as a primitive. This turns them into tagged
 * lambdas and variables so that they bind and cost what Stitch says (1 per `lam`).
 */
export function withStitchTags(t: Term): Term {
  const { head, args } = unApply(t);
  if (head.kind === 'primitive') {
    const lamTag = /^lam_(\d+)$/.exec(head.name);
    if (lamTag && args.length === 1) return { kind: 'lambda', body: withStitchTags(args[0]), tag: Number(lamTag[1]) } as Term;
    const varTag = /^\$(\d+)_(\d+)$/.exec(head.name);
    if (varTag && args.length === 0) return { kind: 'index', index: Number(varTag[1]), tag: Number(varTag[2]) } as Term;
  }
  const newHead = head.kind === 'lambda' ? { ...head, body: withStitchTags(head.body) } : head;
  return apps(newHead, ...args.map(withStitchTags));
}
