import { describe, expect, it } from 'vitest';
import { dslFromPrimitives } from '../../src/dsl/dsl.ts';
import { graphPrimitives, graphStateType } from '../../src/dsl/domains/graph.ts';
import { evaluate } from '../../src/dsl/evaluate.ts';
import { programMass } from '../../src/dsl/metrics.ts';
import { grammarFromDsl } from '../../src/synth/grammar.ts';
import { explore, isConnected, isomorphic, simpleGraphOf } from '../../src/synth/graphs/index.ts';
import { reweight } from '../../src/synth/reweight.ts';
import { parseProgramOrThrow } from '../../src/dsl/parse.ts';

const uniform = grammarFromDsl(dslFromPrimitives(graphPrimitives, { name: 'graph', stateType: graphStateType }));

describe('exploration', () => {
  it('keeps connected multi-node graphs, one per isomorphism class, each reproduced by its program', () => {
    const seeds = [
      '(push (add (connect (push (add (connect (next_port (add (connect identity)))))))))',
      '(push (add (connect (add (next_port (connect identity))))))',
    ].map((text) => ({ term: parseProgramOrThrow(text), weight: 1 }));
    const grammar = reweight(uniform, seeds, { pseudoCount: 0.05 });
    const result = explore(grammar, { maxSize: 10, maxPrograms: 20_000 });
    expect(result.programs).toBe(20_000);
    expect(result.skippedEquivalent).toBeGreaterThan(0);
    expect(result.distinctGraphs).toBeGreaterThan(1);
    expect(result.graphs.length).toBe(result.distinctGraphs);
    result.graphs.forEach((found, i) => {
      const again = evaluate(found.term);
      expect(again.ok).toBe(true);
      const graph = simpleGraphOf(again.ok ? again.value : found.graph);
      expect(graph.order).toBeGreaterThan(1);
      expect(isConnected(graph)).toBe(true);
      expect(isomorphic(graph, simpleGraphOf(found.graph))).toBe(true);
      const mass = programMass(found.term);
      expect(mass.ok && mass.value).toBe(found.mass);
      for (const other of result.graphs.slice(i + 1)) expect(isomorphic(graph, simpleGraphOf(other.graph))).toBe(false);
    });
    expect(result.skippedEquivalent + result.rejected + result.failures.budget + result.failures.runtime + result.graphs.reduce((s, g) => s + g.programs, 0)).toBe(
      result.programs,
    );
  });

  it('keeps the program of smallest mass for each class', () => {
    const result = explore(uniform, { maxSize: 8, maxPrograms: 30_000 });
    const edge = result.graphs.find((g) => g.graph.nodes.length === 2);
    expect(edge).toBeDefined();
    expect(edge!.programs).toBeGreaterThan(1);
    expect(edge!.mass).toBe(4);
  });
});
