/**
 * The selected wiring differs from its fixed controls: a search whose best graph is a star
 * (or chain, or complete graph) of the control's size would compare a model with itself.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chainGraph, completeGraph, randomGraph, starGraph } from '../../src/gssnn/models/wiring.ts';
import { controlReproducing, graphOfProgram } from '../../src/leaderboard/selected.ts';
import { isomorphic, simpleGraphOf } from '../../src/synth/graphs/index.ts';

describe('controlReproducing', () => {
  it('names the fixed control a graph is, up to isomorphism', () => {
    expect(controlReproducing(starGraph(6))).toBe('star');
    expect(controlReproducing(chainGraph(6))).toBe('chain');
    expect(controlReproducing(completeGraph(4))).toBe('complete');
  });

  // Three of the best programs of the small suite's RAVEN search: a star, a chain, and a tree
  // with a branch point that neither fixed control reproduces.
  it('tells a searched star and chain from a branching tree', () => {
    const star = '(push (add (connect (prev_port (add (connect (prev_port (add (connect (prev_port (add (connect (add (prev_port (connect identity)))))))))))))))';
    const chain = '(push (add (connect (next_port (add (connect (push (add (prev_port (connect (next_port (push (add (connect (prev_port (push (add (connect identity))))))))))))))))))';
    const tree = '(push (add (connect (next_port (add (connect (push (add (prev_port (connect (next_port (push (add (connect (next_port (add (connect identity)))))))))))))))))';
    expect(controlReproducing(graphOfProgram(star, 'star'))).toBe('star');
    expect(controlReproducing(graphOfProgram(chain, 'chain'))).toBe('chain');
    const branching = graphOfProgram(tree, 'tree');
    expect(branching.nodes.length).toBe(6);
    expect(controlReproducing(branching)).toBeNull();
  });

  it('agrees with a direct isomorphism test on random graphs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 7 }), fc.integer({ min: 0, max: 21 }), fc.integer({ min: 0, max: 1000 }), (n, extra, seed) => {
        const e = Math.min(n - 1 + extra, (n * (n - 1)) / 2);
        const graph = randomGraph(n, e, seed);
        const verdict = controlReproducing(graph);
        const g = simpleGraphOf(graph);
        const isStar = isomorphic(g, simpleGraphOf(starGraph(n)));
        const isChain = isomorphic(g, simpleGraphOf(chainGraph(n)));
        if (e !== n - 1) expect(verdict === null || verdict === 'complete').toBe(true);
        if (verdict === null) expect(isStar || isChain).toBe(false);
        if (isChain) expect(verdict).toBe('chain');
        else if (isStar) expect(verdict).toBe('star');
      }),
      { numRuns: 200 },
    );
  });
});
