import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TailCall, type DomainPrimitive, type ProgramFunction } from '../../src/dsl/domain.ts';
import {
  graphPrimitives,
  initialState,
  toProgramGraph,
  type GraphState,
} from '../../src/dsl/domains/graph.ts';
import { graphDsl } from '../../src/dsl/domains/graphDsl.ts';
import { programRequest, typeEnvOf } from '../../src/dsl/dsl.ts';
import { evaluate, evaluateGraphState } from '../../src/dsl/evaluate.ts';
import type { ProgramGraph } from '../../src/dsl/graph.ts';
import { fromOriginalJson, toDot, toGraphology, toOriginalJson } from '../../src/dsl/graphFormats.ts';
import { checkType } from '../../src/dsl/infer.ts';
import { programMass, programSize } from '../../src/dsl/metrics.ts';
import { printProgram } from '../../src/dsl/print.ts';
import { app, apps, idx, invention, lam, prim, type Term } from '../../src/dsl/term.ts';
import { showType } from '../../src/dsl/types.ts';
import { graphProgramArb, wellTypedGraphTermArb } from '../arbitraries.ts';

const dsl = graphDsl();
const show = (t: Term): string => printProgram(t, { form: 'combined' });

/** A second, obviously-correct evaluator: host recursion over JS closures, same primitive table. */
function oracle(term: Term, env: readonly unknown[] = []): unknown {
  switch (term.kind) {
    case 'lambda':
      return (x: unknown) => oracle(term.body, [x, ...env]);
    case 'index':
      return env[term.index];
    case 'apply':
      return (oracle(term.fn, env) as (x: unknown) => unknown)(oracle(term.arg, env));
    case 'invention':
      return oracle(term.body, []);
    case 'primitive': {
      const entry = graphPrimitives[term.name] as DomainPrimitive<GraphState>;
      const collect = (args: unknown[]): unknown => (x: unknown) => {
        if (args.length < entry.arity) return collect([...args, x]);
        const call = (f: ProgramFunction, s: GraphState) => (f as unknown as (s: GraphState) => GraphState)(s);
        const out = entry.implementation(args as ProgramFunction[], x as GraphState, call);
        return out instanceof TailCall ? call(out.fn, out.state as GraphState) : out;
      };
      return collect([]);
    }
    case 'param':
      throw new Error('parameter in a program');
  }
}

/** Connected components by union-find over node ids. */
function componentCount(graph: ProgramGraph): number {
  const parent = new Map(graph.nodes.map((n) => [n, n]));
  const find = (n: number): number => {
    while (parent.get(n) !== n) n = parent.get(n)!;
    return n;
  };
  for (const e of graph.edges) parent.set(find(e.source), find(e.target));
  return new Set(graph.nodes.map(find)).size;
}

function checkInvariants(state: GraphState): void {
  const graph = toProgramGraph(state.graph);
  const nodeSet = new Set(graph.nodes);
  // Ids: nodes and edges partition [0, nextId), each list strictly increasing.
  const ids = [...graph.nodes, ...graph.edges.map((e) => e.id)].sort((a, b) => a - b);
  expect(ids).toEqual(Array.from({ length: graph.nextId }, (_, i) => i));
  for (let i = 1; i < graph.nodes.length; i++) expect(graph.nodes[i]).toBeGreaterThan(graph.nodes[i - 1]);
  for (let i = 1; i < graph.edges.length; i++) expect(graph.edges[i].id).toBeGreaterThan(graph.edges[i - 1].id);
  const slots = new Set<string>();
  for (const e of graph.edges) {
    expect(e.source).not.toBe(e.target);
    expect(nodeSet.has(e.source) && nodeSet.has(e.target)).toBe(true);
    // An edge is younger than both of its ends.
    expect(e.id).toBeGreaterThan(Math.max(e.source, e.target));
    for (const [node, port] of [
      [e.source, e.sourcePort],
      [e.target, e.targetPort],
    ]) {
      expect(port).toBeGreaterThanOrEqual(0);
      expect(port).toBeLessThan(graph.maxConn);
      const slot = `${node}:${port}`;
      expect(slots.has(slot)).toBe(false);
      slots.add(slot);
    }
  }
  expect(state.graph.size).toBe(graph.nodes.length);
  // The component counter is exact; the only node ever left unconnected is the newest, under the cursor.
  const components = componentCount(graph);
  expect(components).toBe(state.graph.components);
  if (components > 1) {
    expect(components).toBe(2);
    const newest = graph.nodes[graph.nodes.length - 1];
    expect(state.pos).toBe(newest);
    expect(graph.edges.some((e) => e.source === newest || e.target === newest)).toBe(false);
  }
  expect(state.port).toBeGreaterThanOrEqual(0);
  expect(state.port).toBeLessThan(graph.maxConn);
  for (let n = state.conn; n !== null; n = n.below) expect(nodeSet.has(n.node)).toBe(true);
}

describe('graph evaluator: properties over generated programs', () => {
  it('generated programs are well typed at S -> S', () => {
    fc.assert(
      fc.property(graphProgramArb(), (term) => {
        const typed = checkType(term, programRequest(dsl), typeEnvOf(dsl));
        if (!typed.ok) throw new Error(`${show(term)}: ${typed.error.message}`);
      }),
      { numRuns: 200, seed: 1 },
    );
  });

  it('keeps the graph invariants: ids, ports, no self-loops, connected but for the newest node', () => {
    fc.assert(
      fc.property(graphProgramArb(), fc.integer({ min: 1, max: 12 }), (term, maxConn) => {
        const result = evaluateGraphState(term, { maxConn });
        if (!result.ok) throw new Error(`${show(term)}: ${result.error.message}`);
        checkInvariants(result.value);
      }),
      { numRuns: 400, seed: 2 },
    );
  });

  it('agrees with a direct recursive evaluator of the same table', () => {
    fc.assert(
      fc.property(graphProgramArb(), (term) => {
        const result = evaluateGraphState(term);
        const expected = (oracle(term) as (s: GraphState) => GraphState)(initialState());
        expect(result.ok && toOriginalJson(toProgramGraph(result.value.graph))).toEqual(
          toOriginalJson(toProgramGraph(expected.graph)),
        );
        expect(result.ok && [result.value.pos, result.value.port]).toEqual([expected.pos, expected.port]);
      }),
      { numRuns: 300, seed: 3 },
    );
  });

  it('keeps the invariants and agrees with the direct evaluator on the language suite\'s well-typed terms too', () => {
    const programs = wellTypedGraphTermArb().filter((t) => showType(t.type) === 'S -> S').map((t) => t.term);
    fc.assert(
      fc.property(programs, (term) => {
        const result = evaluateGraphState(term);
        if (!result.ok) throw new Error(`${show(term)}: ${result.error.message}`);
        checkInvariants(result.value);
        const expected = (oracle(term) as (s: GraphState) => GraphState)(initialState());
        expect(toOriginalJson(toProgramGraph(result.value.graph))).toEqual(toOriginalJson(toProgramGraph(expected.graph)));
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('output formats round-trip and agree on counts', () => {
    fc.assert(
      fc.property(graphProgramArb(), (term) => {
        const result = evaluate(term);
        if (!result.ok) throw new Error(result.error.message);
        const json = toOriginalJson(result.value);
        const back = fromOriginalJson(JSON.parse(JSON.stringify(json)));
        if (!back.ok) throw new Error(back.error);
        expect(toOriginalJson(back.value)).toEqual(json);
        expect(back.value.nodes).toEqual(result.value.nodes);
        expect(back.value.edges.map((e) => [e.id, Math.min(e.source, e.target), Math.max(e.source, e.target)])).toEqual(
          result.value.edges.map((e) => [e.id, Math.min(e.source, e.target), Math.max(e.source, e.target)]),
        );
        const g = toGraphology(result.value);
        expect([g.order, g.size]).toEqual([result.value.nodes.length, result.value.edges.length]);
        expect(toDot(result.value).split('\n')).toHaveLength(result.value.nodes.length + result.value.edges.length + 2);
      }),
      { numRuns: 200, seed: 4 },
    );
  });

  it('mass is never below size minus inventions, and size counts an invention as one leaf', () => {
    fc.assert(
      fc.property(graphProgramArb(), (term) => {
        const mass = programMass(term);
        expect(mass.ok).toBe(true);
        expect(programSize(term)).toBeGreaterThanOrEqual(1);
        if (!/\{fn_/.test(show(term))) expect(mass.ok && mass.value).toBe(programSize(term));
      }),
      { numRuns: 200, seed: 5 },
    );
  });
});

describe('graph evaluator: budgets', () => {
  const twice = invention('twice', lam(lam(app(idx(1), app(idx(1), idx(0))))));

  it('any program iterated by a tower of exponentials ends in a budget error; budgets never change a result', () => {
    fc.assert(
      fc.property(graphProgramArb(4), fc.integer({ min: 1, max: 50_000 }), (program, maxSteps) => {
        // (twice^6 (lam p . compose p program)) iterates `program` 2^65536 times.
        const compose = lam(lam(app(idx(1), app(program, idx(0)))));
        const runaway = lam(apps(twice, twice, twice, twice, twice, twice, compose, prim('identity'), idx(0)));
        const result = evaluate(runaway, { budget: { maxSteps: 20_000 } });
        if (result.ok) throw new Error(`${show(program)} ended`);
        expect(result.error.kind).toBe('budget');
        // A budget either stops a program or leaves its result exactly as without it.
        const limited = evaluate(program, { budget: { maxSteps } });
        if (limited.ok) expect(limited.value).toEqual((evaluate(program) as { value: unknown }).value);
        else expect(limited.error).toMatchObject({ kind: 'budget', limit: 'steps' });
      }),
      { numRuns: 60, seed: 6 },
    );
  });

  it('a typed tower of exponentials ends in a step budget error', () => {
    // twice^6 applies next_port 2^65536 times: well typed, finite, far too long.
    const tower = lam(apps(twice, twice, twice, twice, twice, twice, prim('next_port'), prim('identity'), idx(0)));
    expect(checkType(tower, programRequest(dsl), typeEnvOf(dsl)).ok).toBe(true);
    const result = evaluate(tower, { budget: { maxSteps: 200_000 } });
    expect(result).toMatchObject({ ok: false, error: { kind: 'budget', limit: 'steps' } });
    expect(programMass(tower, 200_000)).toMatchObject({ ok: false, error: { kind: 'budget' } });
  });

  it('self-application without end ends in a step budget error, not a hang', () => {
    const omega = app(lam(app(idx(0), idx(0))), lam(app(idx(0), idx(0))));
    expect(evaluate(omega, { budget: { maxSteps: 100_000 } })).toMatchObject({
      ok: false,
      error: { kind: 'budget', limit: 'steps' },
    });
    expect(programMass(omega)).toMatchObject({ ok: false, error: { kind: 'budget' } });
  });

  it('recursion through func nests sub-programs until the depth budget, without a stack overflow', () => {
    // Z = lam x. func (lam s. x x s) identity; (Z Z) reruns itself inside func for ever.
    const z = lam(apps(prim('func'), lam(apps(idx(1), idx(1), idx(0))), prim('identity')));
    const result = evaluate(app(z, z), { budget: { maxDepth: 500 } });
    expect(result).toMatchObject({ ok: false, error: { kind: 'budget', limit: 'depth' } });
    // A depth budget beyond the JS stack still ends in a budget error.
    const deep = evaluate(app(z, z), { budget: { maxDepth: 1_000_000, maxSteps: 100_000_000, maxMillis: 60_000 } });
    expect(deep).toMatchObject({ ok: false, error: { kind: 'budget', limit: 'depth' } });
  });

  it('the wall-clock budget stops a long run', () => {
    const tower = lam(apps(twice, twice, twice, twice, twice, twice, prim('next_port'), prim('identity'), idx(0)));
    const result = evaluate(tower, { budget: { maxSteps: Number.POSITIVE_INFINITY, maxMillis: 20 } });
    expect(result).toMatchObject({ ok: false, error: { kind: 'budget', limit: 'time' } });
  });

  it('a long continuation chain runs in constant stack', () => {
    let program: Term = prim('identity');
    for (let i = 0; i < 30_000; i++) program = app(prim(i % 2 === 0 ? 'next_port' : 'prev_port'), program);
    const result = evaluateGraphState(program, { budget: { maxMillis: Number.POSITIVE_INFINITY } });
    expect(result.ok && result.value.port).toBe(0);
  });
});
