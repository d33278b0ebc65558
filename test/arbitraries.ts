
// ---- graphs (synth): small multigraphs and vertex permutations ----
import fc from 'fast-check';

/** A multigraph on 1..maxOrder vertices: an edge list that may repeat pairs (no self-loops). */
export const smallMultigraphArb = (maxOrder: number): fc.Arbitrary<{ order: number; edges: [number, number][] }> =>
  fc.integer({ min: 1, max: maxOrder }).chain((order) =>
    fc
      .array(fc.tuple(fc.integer({ min: 0, max: order - 1 }), fc.integer({ min: 0, max: order - 1 })), {
        maxLength: (order * (order - 1)) / 2 + 3,
      })
      .map((pairs) => ({ order, edges: pairs.filter(([u, v]) => u !== v) })),
  );

/** A permutation of 0..n-1. */
export const permutationArb = (n: number): fc.Arbitrary<number[]> =>
  fc.shuffledSubarray(
    Array.from({ length: n }, (_, i) => i),
    { minLength: n, maxLength: n },
  );

// ---- graph programs (dsl evaluator): closed CPS programs of type S -> S ----
import fcGraphPrograms from 'fast-check';
import * as graphProgramTerms from '../src/dsl/term.ts';

/**
 * Well-typed graph programs `S -> S` built from the ten graph primitives: continuation chains
 * with `func` / `if_positions_equal` branches, plus higher-order inventions: an invention
 * `{fn_k}(lam body)` whose body uses `$0` as a continuation, applied to a program.
 */
export const graphProgramArb = (maxDepth = 6): fcGraphPrograms.Arbitrary<graphProgramTerms.Term> => {
  const fc = fcGraphPrograms;
  const T = graphProgramTerms;
  const steps = ['next_port', 'prev_port', 'move', 'add', 'push', 'pop', 'connect'] as const;
  let inventionCount = 0;
  // `withVariable`: `$0` (an S -> S bound by the enclosing invention's lambda) may appear as a leaf.
  const transformer = (withVariable: boolean) =>
    fc.letrec<{ program: graphProgramTerms.Term }>((tie) => ({
      program: fc.oneof(
        { depthSize: 'small', maxDepth, depthIdentifier: withVariable ? 'graph-program-body' : 'graph-program' },
        fc.constant(withVariable ? T.idx(0) : T.prim('identity')),
        fc.constant(T.prim('identity')),
        fc.tuple(fc.constantFrom(...steps), tie('program')).map(([op, k]) => T.app(T.prim(op), k)),
        fc.tuple(fc.constantFrom(...steps), fc.constantFrom(...steps), tie('program')).map(([a, b, k]) =>
          T.app(T.prim(a), T.app(T.prim(b), k)),
        ),
        fc.tuple(tie('program'), tie('program')).map(([f, g]) => T.apps(T.prim('func'), f, g)),
        fc
          .tuple(tie('program'), tie('program'), tie('program'), tie('program'), tie('program'))
          .map((branches) => T.apps(T.prim('if_positions_equal'), ...branches)),
      ),
    })).program;
  const closed = transformer(false);
  const body = transformer(true);
  return fc.oneof(
    closed,
    fc.tuple(body, closed).map(([b, arg]) => T.app(T.invention(`fn_${inventionCount++ % 13}`, T.lam(b)), arg)),
    fc.tuple(body, body, closed).map(([b1, b2, arg]) => {
      // An invention calling another: fn_outer = lam (fn_inner $0) applied twice in a chain.
      const inner = T.invention('fn_inner', T.lam(b1));
      const outer = T.invention('fn_outer', T.lam(T.app(inner, T.app(T.lam(b2), T.idx(0)))));
      return T.app(outer, T.app(outer, arg));
    }),
  );
};

// ---- message-passing graphs (gssnn): directed edge lists, self-loops and repeats allowed ----
import fcEdgeLists from 'fast-check';

/** A directed graph on 1..maxNodes nodes with up to maxEdges edges, as source/target arrays. */
export const edgeListArb = (
  maxNodes: number,
  maxEdges: number,
): fcEdgeLists.Arbitrary<{ numNodes: number; source: Int32Array; target: Int32Array }> =>
  fcEdgeLists.integer({ min: 1, max: maxNodes }).chain((numNodes) =>
    fcEdgeLists
      .array(fcEdgeLists.tuple(fcEdgeLists.nat(numNodes - 1), fcEdgeLists.nat(numNodes - 1)), { maxLength: maxEdges })
      .map((pairs) => ({
        numNodes,
        source: Int32Array.from(pairs, ([s]) => s),
        target: Int32Array.from(pairs, ([, t]) => t),
      })),
  );
