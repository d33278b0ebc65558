
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
    fc
      .tuple(body, closed, fc.integer({ min: 0, max: 12 }))
      .map(([b, arg, k]) => T.app(T.invention(`fn_${k}`, T.lam(b)), arg)),
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

// ---- program language (dsl): types, program text, well-typed graph-DSL terms ----
import fcLang from 'fast-check';
import * as langTerms from '../src/dsl/term.ts';
import * as langTypes from '../src/dsl/types.ts';
import { printProgram as printLangProgram } from '../src/dsl/print.ts';

/** Types over S, a few other constructors (some with parameters), arrows and variables t0..t3. */
export const typeArb = (maxDepth = 4): fcLang.Arbitrary<langTypes.Type> =>
  fcLang.letrec<{ type: langTypes.Type }>((tie) => ({
    type: fcLang.oneof(
      { depthSize: 'small', maxDepth, depthIdentifier: 'lang-type' },
      fcLang.constantFrom('S', 'int', 'graph_state_2', 'Bool').map((n) => langTypes.tcon(n)),
      fcLang.integer({ min: 0, max: 3 }).map(langTypes.tvar),
      fcLang.tuple(tie('type'), tie('type')).map(([a, b]) => langTypes.arrow(a, b)),
      tie('type').map((t) => langTypes.tcon('list', [t])),
      fcLang.tuple(tie('type'), tie('type')).map(([a, b]) => langTypes.tcon('pair', [a, b])),
    ),
  })).type;

/** Names of every shape the Stitch corpora use (and a few more symbol shapes). */
export const programNameArb: fcLang.Arbitrary<string> = fcLang.oneof(
  fcLang.constantFrom('T', 'C', 'r_s', 'c', '1', '-1.5', '0.53033', '+', '*', '/', '/seq', '&x', '&y:0', 'lam_1', '$0_1', 'lambdas', 'identity', 'next_port', 'if_positions_equal'),
  fcLang.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/),
);

/**
 * Syntactic terms (not necessarily well-typed). `stitch`: names and `#i` parameters, no inline
 * inventions; `combined`: inline inventions `{fn_k}(body)`, no parameters.
 */
export const programTermArb = (form: 'combined' | 'stitch', maxDepth = 5): fcLang.Arbitrary<langTerms.Term> => {
  const T = langTerms;
  return fcLang.letrec<{ term: langTerms.Term }>((tie) => ({
    term: fcLang.oneof(
      { depthSize: 'small', maxDepth, depthIdentifier: `lang-term-${form}` },
      programNameArb.map(T.prim),
      fcLang.nat(4).map(T.idx),
      form === 'stitch' ? fcLang.nat(3).map(T.param) : fcLang.nat(4).map(T.idx),
      fcLang.tuple(tie('term'), fcLang.array(tie('term'), { minLength: 1, maxLength: 3 })).map(([f, xs]) => T.apps(f, ...xs)),
      tie('term').map(T.lam),
      form === 'combined'
        ? fcLang.tuple(fcLang.nat(20), tie('term')).map(([k, body]) => T.invention(`fn_${k}`, body))
        : tie('term').map(T.lam),
    ),
  })).term;
};

/** A well-typed term of the graph DSL and the type it was built at. */
export interface TypedGraphTerm {
  readonly term: langTerms.Term;
  /** `S -> S` (a program) or `(S -> S) -> S -> S` (an operation on continuations). */
  readonly type: langTypes.Type;
}

/**
 * Well-typed graph-DSL terms, built type-directed: programs `S -> S` and operations
 * `(S -> S) -> S -> S`, with lambdas binding states (`(lam (op k $0))`) and continuations
 * (`(lam (add ($0 identity)))`), and closed inventions `{fn_k}(lam ...)`. Variables are placed
 * as holes and bound afterwards to an enclosing lambda of the right type; inventions are named
 * fn_0, fn_1, ... by distinct body, so a term never gives one name two bodies.
 */
export const wellTypedGraphTermArb = (maxDepth = 5): fcLang.Arbitrary<TypedGraphTerm> => {
  const T = langTerms;
  const S = langTypes.tcon('S');
  const transformType = langTypes.arrow(S, S);
  const operationType = langTypes.arrow(transformType, transformType);
  const steps = ['next_port', 'prev_port', 'move', 'add', 'push', 'pop', 'connect'] as const;
  // Holes: a state variable or a continuation variable, with a choice among those in scope.
  const stateHole = (k: number) => T.prim(`?state:${k}`);
  const transformHole = (k: number) => T.prim(`?transform:${k}`);
  const arbs = fcLang.letrec<{ transform: langTerms.Term; state: langTerms.Term; operation: langTerms.Term }>((tie) => ({
    transform: fcLang.oneof(
      { depthSize: 'small', maxDepth, depthIdentifier: 'lang-graph-term' },
      fcLang.constant(T.prim('identity')),
      fcLang.nat(3).map(transformHole),
      fcLang.tuple(tie('operation'), tie('transform')).map(([op, k]) => T.app(op, k)),
      fcLang.tuple(tie('transform'), tie('transform')).map(([f, g]) => T.apps(T.prim('func'), f, g)),
      fcLang.array(tie('transform'), { minLength: 5, maxLength: 5 }).map((b) => T.apps(T.prim('if_positions_equal'), ...b)),
      tie('state').map(T.lam),
    ),
    // Only ever generated under a lambda binding a state, so a state hole always has a binder.
    state: fcLang.oneof(
      { depthSize: 'small', maxDepth, depthIdentifier: 'lang-graph-term' },
      fcLang.tuple(tie('transform'), fcLang.nat(3)).map(([f, k]) => T.app(f, stateHole(k))),
      fcLang.tuple(tie('transform'), tie('state')).map(([f, s]) => T.app(f, s)),
    ),
    operation: fcLang.oneof(
      { depthSize: 'small', maxDepth, depthIdentifier: 'lang-graph-term' },
      fcLang.constantFrom(...steps).map(T.prim),
      tie('transform').map((k) => T.lam(k)),
      tie('transform').map((k) => T.invention('fn', T.lam(k))),
      fcLang.tuple(tie('operation'), tie('operation')).map(([a, b]) =>
        // Composition of two operations: (lam (a (b $0))) with $0 the continuation.
        T.lam(T.app(a, T.app(b, transformHole(0)))),
      ),
    ),
  }));
  type Binder = 'state' | 'transform';
  const bind = (term: langTerms.Term, context: Binder[], names: Map<string, string>): langTerms.Term => {
    switch (term.kind) {
      case 'primitive': {
        const hole = /^\?(state|transform):(\d+)$/.exec(term.name);
        if (!hole) return term;
        const candidates = context.flatMap((b, i) => (b === hole[1] ? [i] : []));
        if (candidates.length === 0) return T.prim('identity'); // only continuation holes can lack a binder
        return T.idx(candidates[Number(hole[2]) % candidates.length]);
      }
      case 'apply':
        return T.app(bind(term.fn, context, names), bind(term.arg, context, names));
      case 'lambda':
        return T.lam(bind(term.body, [lambdaBinds(term), ...context], names));
      case 'invention': {
        const body = bind(term.body, [], names); // inventions are closed
        const text = printLangProgram(body);
        let name = names.get(text);
        if (!name) {
          name = `fn_${names.size}`;
          names.set(text, name);
        }
        return T.invention(name, body);
      }
      default:
        return term;
    }
  };
  // The generator builds `(lam state)` for transforms and `(lam transform)` for operations.
  // A state is an application whose last argument is a state hole or a state; a transform's
  // last argument is always a transform, so this tells the two apart.
  const isState = (t: langTerms.Term): boolean =>
    t.kind === 'apply' && ((t.arg.kind === 'primitive' && t.arg.name.startsWith('?state:')) || isState(t.arg));
  const lambdaBinds = (l: langTerms.Lambda): Binder => (isState(l.body) ? 'state' : 'transform');
  return fcLang.oneof(
    arbs.transform.map((t) => ({ term: bind(t, [], new Map()), type: transformType })),
    arbs.operation.map((t) => ({ term: bind(t, [], new Map()), type: operationType })),
  );
};

// ---- compression corpora (synth/compress): closed lambda terms with much shared structure ----
import fcCorpus from 'fast-check';
import * as corpusTerms from '../src/dsl/term.ts';

/**
 * Closed terms over a small alphabet (so subtrees repeat across programs), with lambdas and
 * bound `$i`: a raw variable leaf is taken modulo the binders in scope, or becomes a
 * primitive where there is none.
 */
export const compressionTermArb = (maxDepth = 5): fcCorpus.Arbitrary<corpusTerms.Term> => {
  const fc = fcCorpus;
  const T = corpusTerms;
  type Raw = { k: 'p'; n: string } | { k: 'v'; i: number } | { k: 'l'; b: Raw } | { k: 'a'; f: Raw; x: Raw };
  const raw = fc.letrec<{ t: Raw }>((tie) => ({
    t: fc.oneof(
      { depthSize: 'small', maxDepth, depthIdentifier: 'compression-term' },
      fc.constantFrom('a', 'b', 'c', 'f', 'g').map((n): Raw => ({ k: 'p', n })),
      fc.nat(3).map((i): Raw => ({ k: 'v', i })),
      tie('t').map((b): Raw => ({ k: 'l', b })),
      fc.tuple(tie('t'), tie('t')).map(([f, x]): Raw => ({ k: 'a', f, x })),
      fc.tuple(tie('t'), tie('t')).map(([f, x]): Raw => ({ k: 'a', f: { k: 'a', f: { k: 'p', n: 'f' }, x: f }, x })),
    ),
  })).t;
  const close = (r: Raw, binders: number): corpusTerms.Term => {
    switch (r.k) {
      case 'p':
        return T.prim(r.n);
      case 'v':
        return binders === 0 ? T.prim('c') : T.idx(r.i % binders);
      case 'l':
        return T.lam(close(r.b, binders + 1));
      case 'a':
        return T.app(close(r.f, binders), close(r.x, binders));
    }
  };
  return raw.map((r) => close(r, 0));
};

/** A corpus: programs built by combining a few shared fragments, so compression has work. */
export const compressionCorpusArb = (): fcCorpus.Arbitrary<corpusTerms.Term[]> => {
  const fc = fcCorpus;
  const T = corpusTerms;
  return fc
    .tuple(fc.array(compressionTermArb(4), { minLength: 1, maxLength: 4 }), fc.array(fc.array(fc.nat(7), { minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 8 }))
    .map(([fragments, recipes]) =>
      recipes.map((recipe) => recipe.map((k) => fragments[k % fragments.length]).reduce((acc, t) => T.apps(T.prim('seq'), acc, t))),
    );
};

// ---- data (RAVEN): generated matrices from any seed, ruleset and configuration ----
import { generateMatrix, type RavenMatrix } from '../src/data/raven/generate.ts';
import { CONFIGURATIONS, type ConfigurationName } from '../src/data/raven/domains.ts';
import { FULL_RULESET, ORIGINAL_RULESET } from '../src/data/raven/rules.ts';
import { Random } from '../src/util/random.ts';

/** A RAVEN matrix drawn with a random seed, either ruleset, and any of the eight configurations. */
export const ravenMatrixArb: fc.Arbitrary<RavenMatrix> = fc
  .record({
    seed: fc.nat(),
    full: fc.boolean(),
    configuration: fc.constantFrom(...(Object.keys(CONFIGURATIONS) as ConfigurationName[])),
  })
  .map(({ seed, full, configuration }) =>
    generateMatrix(new Random(seed), { ruleset: full ? FULL_RULESET : ORIGINAL_RULESET, configurations: [[configuration, 1]] }),
  );

// ---- G-SSNN wirings (gssnn models): connected program-shaped graphs ----
import fcWirings from 'fast-check';
import type { ProgramGraph as WiringGraph } from '../src/dsl/graph.ts';
import { randomGraph as randomWiring } from '../src/gssnn/models/wiring.ts';

/** A connected ProgramGraph with 1..maxNodes nodes, ids from one shared counter, ports per end. */
export const connectedWiringArb = (maxNodes = 10): fcWirings.Arbitrary<WiringGraph> =>
  fcWirings
    .record({ n: fcWirings.integer({ min: 1, max: maxNodes }), extra: fcWirings.nat(20), seed: fcWirings.nat() })
    .map(({ n, extra, seed }) => randomWiring(n, Math.min(n - 1 + extra, (n * (n - 1)) / 2), seed));

// ---- analysis: symmetric matrices and paired samples ----

/** A symmetric n x n matrix (row-major float64) with 1 <= n <= maxN and entries in [-10, 10]. */
export const symmetricMatrixArb = (maxN = 10): fc.Arbitrary<{ n: number; data: Float64Array }> =>
  fc.integer({ min: 1, max: maxN }).chain((n) =>
    fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: (n * (n + 1)) / 2, maxLength: (n * (n + 1)) / 2 }).map((upper) => {
      const data = new Float64Array(n * n);
      let k = 0;
      for (let i = 0; i < n; i++) for (let j = i; j < n; j++) data[i * n + j] = data[j * n + i] = upper[k++];
      return { n, data };
    }),
  );

// ---- queue: Redis locations ----
import type { QueueLocation } from '../src/queue/location.ts';

/** A Redis location: hostname or IPv4, port, database, TLS, optional credentials (passwords upper case, hosts lower). */
export const queueLocations = (): fc.Arbitrary<QueueLocation> => {
  const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);
  const hostname = fc.array(label, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.'));
  const ipv4 = fc.tuple(fc.integer({ min: 1, max: 254 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })).map((p) => p.join('.'));
  return fc
    .record({
      host: fc.oneof(hostname, ipv4),
      port: fc.integer({ min: 1, max: 65535 }),
      db: fc.nat(15),
      tls: fc.boolean(),
      username: fc.option(fc.stringMatching(/^[a-z]{1,8}$/), { nil: undefined }),
      password: fc.option(fc.stringMatching(/^[A-Z0-9]{4,12}$/), { nil: undefined }),
    })
    .map(({ username, password, ...rest }) => ({
      ...rest,
      ...(username !== undefined ? { username } : {}),
      ...(password !== undefined ? { password } : {}),
    }));
};
