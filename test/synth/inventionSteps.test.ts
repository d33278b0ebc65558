import { describe, expect, it } from 'vitest';
import { evaluate, evaluateGraphState, runOnState } from '../../src/dsl/evaluate.ts';
import { toOriginalJson } from '../../src/dsl/graphFormats.ts';
import { loadProgramRecords } from '../dsl/referenceData.ts';
import { graphPrimitives } from '../../src/dsl/domains/graph.ts';
import { graphDsl } from '../../src/dsl/domains/graphDsl.ts';
import { normalForm, programSize } from '../../src/dsl/metrics.ts';
import { parseProgramOrThrow } from '../../src/dsl/parse.ts';
import { printProgram } from '../../src/dsl/print.ts';
import { app, idx, invention, lam, param, prim, unApply, type Term } from '../../src/dsl/term.ts';
import { type AbstractionBody, compress, withAbstractions } from '../../src/synth/compress/index.ts';
import { canonicalStateKey, explore, isGraphStep, isGraphStepWith, unusedInventions } from '../../src/synth/graphs/index.ts';
import { grammarFromDsl } from '../../src/synth/grammar.ts';

/** Every application spine of a term whose head is an invention, with its arguments. */
function inventionCalls(term: Term): { head: Term; args: Term[] }[] {
  const out: { head: Term; args: Term[] }[] = [];
  const visit = (t: Term) => {
    if (t.kind === 'lambda') return visit(t.body);
    if (t.kind !== 'apply' && t.kind !== 'invention') return;
    const { head, args } = unApply(t);
    if (head.kind === 'invention') out.push({ head, args });
    args.forEach(visit);
  };
  visit(term);
  return out;
}

describe('inventions as macro steps', () => {
  it('normal forms inline inventions and beta-reduce', () => {
    const twice = invention('twice', lam(lam(app(idx(1), app(idx(1), idx(0))))));
    const term = lam(app(app(twice, prim('next_port')), idx(0)));
    expect(printProgram(normalForm(term)!)).toBe('(lam (next_port (next_port $0)))');
  });

  it('normal forms of the original\'s 119 programs have its mass as size and build its graphs', () => {
    for (const record of loadProgramRecords()) {
      const normal = normalForm(parseProgramOrThrow(record.program, { form: 'combined' }));
      expect(normal).not.toBeNull();
      expect(programSize(normal!)).toBe(record.mass);
      const built = evaluate(normal!);
      expect(built.ok && JSON.stringify(toOriginalJson(built.value))).toBe(JSON.stringify(record.output));
    }
  });

  it('an invention that takes its continuation first, or calls a function argument, is a step once its arguments are fixed', () => {
    // fn k op = push (op k): a step for op = next_port, not for op = func identity ... (still a step), not for op = lam(identity).
    const fn = invention('fn', lam(lam(app(prim('push'), app(idx(0), idx(1))))));
    expect(isGraphStep(fn, 2)).toBe(false);
    expect(isGraphStepWith(fn, [null, prim('next_port')])).toBe(true);
    expect(isGraphStepWith(fn, [null, lam(prim('identity'))])).toBe(false); // drops its continuation
    const doubled = invention('doubled', lam(app(app(prim('func'), idx(0)), idx(0)))); // calls k twice
    expect(isGraphStepWith(doubled, [null])).toBe(false);
    // As a step it behaves as one: fn k next_port s = k (fn (lam $0) next_port s).
    const s = evaluateGraphState(parseProgramOrThrow('(push (add (connect identity)))'));
    if (!s.ok) throw new Error('setup');
    const k = parseProgramOrThrow('(add (connect identity))');
    const direct = runOnState(app(app(fn, k), prim('next_port')), s.value, graphPrimitives);
    const once = runOnState(app(app(fn, lam(idx(0))), prim('next_port')), s.value, graphPrimitives);
    if (!direct.ok || !once.ok) throw new Error('evaluation failed');
    const composed = runOnState(k, once.value, graphPrimitives);
    expect(composed.ok && canonicalStateKey(composed.value)).toBe(canonicalStateKey(direct.value));
  });

  it('says which inventions a search cannot use, and why', () => {
    // Learned from novelty programs: its first argument has type (S -> S) -> S, which no program has.
    const body = app(prim('connect'), app(param(1), app(param(0), app(prim('connect'), prim('identity')))));
    const dsl = withAbstractions(graphDsl(), [{ name: 'fn_0', arity: 2, body }]);
    if (!dsl.ok) throw new Error(dsl.error.message);
    const grammar = grammarFromDsl(dsl.value);
    const result = explore(grammar, { strategy: 'novelty', maxPrograms: 50 });
    const unused = unusedInventions(dsl.value.inventions, grammar, result);
    expect(unused.map((u) => u.name)).toEqual(['fn_0']);
    expect(unused[0].why).toMatch(/argument type/);
  });

  it('a search with learned inventions builds programs that call an invention with arguments, and they evaluate to what was recorded', () => {
    const base = graphDsl();
    const first = explore(grammarFromDsl(base), { strategy: 'novelty', stopAfterGraphs: 40, maxNodes: 6, maxSize: 30 });
    const learned = compress(first.graphs.map((g) => g.term), { maxArity: 2, iterations: 4, abstractionPrefix: 'fn_', reservedNames: [...base.primitives.keys()] });
    let dsl = base;
    const earlier: AbstractionBody[] = [];
    for (const a of learned.abstractions) {
      const extended = withAbstractions(dsl, [a], earlier);
      earlier.push(a);
      if (extended.ok) dsl = extended.value;
    }
    expect(dsl.inventions.size).toBeGreaterThan(0);
    const next = explore(grammarFromDsl(dsl), { strategy: 'novelty', maxPrograms: 3000, maxSize: 30 });
    const uses = next.states!.inventions;
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) if (u.steps + u.terminals === 0) expect(u.unused).toBeTruthy();
    // A call that is not a tail chain of its own: a macro step, with a fixed argument besides the continuation.
    const macro = next.graphs.filter((g) => inventionCalls(g.term).some((c) => c.args.length >= 2 && !isGraphStep(c.head, c.args.length)));
    expect(macro.length, JSON.stringify(uses)).toBeGreaterThan(0);
    for (const g of macro) {
      const out = evaluateGraphState(g.term);
      expect(out.ok).toBe(true);
      if (out.ok) expect(out.value.graph.nextId).toBe(g.graph.nextId);
      if (out.ok) expect(out.value.graph.size).toBe(g.graph.nodes.length);
    }
  });
});
