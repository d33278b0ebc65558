/** `synth find`: the smallest program (then the most probable) that builds a given graph, with the evaluation as proof. */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { evaluateGraphState } from '../../dsl/evaluate.ts';
import { toProgramGraph } from '../../dsl/domains/graph.ts';
import { printProgram } from '../../dsl/print.ts';
import { DEFAULT_FIND_MAX_STATES, edgeCount, explore, findGraphProgram, findIsomorphism, type FoundProgram, isomorphic, parseTargetGraph, type SimpleGraph, simpleGraphOf, simpleGraphOfState, type TargetGraph } from '../../synth/graphs/index.ts';
import type { Grammar } from '../../synth/grammar.ts';
import type { Term } from '../../dsl/term.ts';
import { grammarFromDsl } from '../../synth/grammar.ts';
import { dslFromFlag } from '../dslFlag.ts';
import { UserError } from '../errors.ts';

interface FindFlags {
  dsl?: string;
  allWithin?: string;
  limit?: string;
  maxStates: string;
  maxConn: string;
  explore?: string;
  json?: boolean;
}

/** Programs of a novelty exploration (best first, graphs up to the target's size) that build the target. */
function exploredPrograms(target: SimpleGraph, grammar: Grammar, programs: number, maxConn: number): Term[] {
  const found = explore(grammar, { strategy: 'novelty', maxNodes: target.order, maxSize: 40, maxPrograms: programs, maxConn });
  return found.graphs.filter((g) => isomorphic(simpleGraphOf(g.graph), target)).map((g) => g.term);
}

export function register(program: Command): void {
  program
    .command('find')
    .description('Find the smallest program (then the most probable) whose graph is isomorphic to GRAPH, and show its evaluation as proof')
    .argument('<graph>', 'a file, or the graph itself: an edge list ("0-1 1-2 2-0"), DOT ("graph { a -- b; b -- c }"), or the original\'s graph JSON')
    .option('--dsl <file>', 'DSL whose primitive weights break ties between programs of one size (default: the built-in uniform graph DSL)')
    .option('--all-within <size>', 'also list other programs of at most this size (one per distinct final state)')
    .option('--limit <n>', 'most programs listed with --all-within', '20')
    .option('--max-states <n>', 'most program states the exact search holds; beyond it the best program found is shown, not proven smallest', String(DEFAULT_FIND_MAX_STATES))
    .option('--max-conn <n>', 'ports per node', '10')
    .option('--explore <programs>', 'first run a novelty exploration of this many programs (graphs up to the target\'s node count, size <= 40); a program it finds for the target is a first upper bound')
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExit code 1 when the graph cannot be read, is not connected, or no program is found within the limits.')
    .action((graphArgument: string, flags: FindFlags) => {
      const target = readTarget(graphArgument);
      const maxStates = positiveInteger(flags.maxStates, '--max-states');
      const maxConn = positiveInteger(flags.maxConn, '--max-conn');
      const allWithin = flags.allWithin === undefined ? undefined : positiveInteger(flags.allWithin, '--all-within');
      const limit = allWithin === undefined ? 1 : positiveInteger(flags.limit ?? '20', '--limit');
      const explorePrograms = flags.explore === undefined ? 0 : positiveInteger(flags.explore, '--explore');
      const grammar = grammarFromDsl(dslFromFlag(flags.dsl));
      const known = explorePrograms > 0 ? exploredPrograms(target.graph, grammar, explorePrograms, maxConn) : [];
      const result = findGraphProgram(target.graph, grammar, { maxStates, maxConn, allWithin, limit, known });
      if ('error' in result) {
        throw new UserError(`synth find: ${result.error} (${target.graph.order} nodes)`, 'raise --max-states, or --max-conn for nodes of high degree');
      }
      const proofs = result.programs.map((p) => proofOf(p, target.graph, maxConn));
      // The exact search runs up to the answer's size even when that is above --all-within.
      const listed = allWithin === undefined ? [] : result.programs.filter((p) => p.size <= allWithin);
      const unused = result.search.unused;
      if (flags.json) {
        const json = {
          target: { nodes: target.graph.order, edges: edgeCount(target.graph), format: target.format },
          proven: result.proven,
          lowerBound: result.lowerBound,
          source: result.source,
          search: { configurations: result.search.configurations, expanded: result.search.expanded, notEmbeddable: result.search.notEmbeddable, stop: result.search.stop, maxStates },
          unused,
          ...(allWithin === undefined ? {} : { withinSize: listed.length }),
          programs: result.programs.map((p, i) => ({
            program: printProgram(p.term),
            size: p.size,
            logProbability: Math.round(p.logProbability * 1e6) / 1e6,
            graph: proofs[i].graph,
            isomorphism: proofs[i].mapping,
          })),
        };
        process.stdout.write(`${JSON.stringify(json)}\n`);
        return;
      }
      const lines: string[] = [];
      const [first] = result.programs;
      lines.push(`target: ${target.graph.order} nodes, ${edgeCount(target.graph)} edges (${target.format})`);
      lines.push(`program: ${printProgram(first.term)}`);
      lines.push(`size: ${first.size}${result.proven ? ' (smallest: every smaller program was ruled out)' : ` (not proven smallest: no program is smaller than ${result.lowerBound}; raise --max-states to search further)`}`);
      lines.push(`log-probability: ${first.logProbability.toFixed(4)}`);
      lines.push(...proofLines(proofs[0], target));
      lines.push(`search: ${result.search.configurations} states held, ${result.search.expanded} expanded, ${result.search.notEmbeddable} not embeddable in the target; stopped: ${result.search.stop} (--max-states ${maxStates})`);
      for (const u of unused) lines.push(`not used: ${u.name} (${u.why})`);
      if (allWithin !== undefined) {
        lines.push(`programs of size at most ${allWithin}: ${listed.length}${result.programs.length >= limit ? ` (first ${limit}; see --limit)` : ''}`);
        for (const p of listed) lines.push(`  ${String(p.size).padStart(3)}  ${p.logProbability.toFixed(4).padStart(9)}  ${printProgram(p.term)}`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

interface Proof {
  graph: ReturnType<typeof toProgramGraph>;
  /** Target vertex i is output node mapping[i]. */
  mapping: number[];
}

/** Re-evaluates the program with the evaluator and maps the target onto its graph; a mismatch is a bug. */
function proofOf(program: FoundProgram, target: SimpleGraph, maxConn: number): Proof {
  const out = evaluateGraphState(program.term, { maxConn });
  if (!out.ok) throw new Error(`the program found does not evaluate: ${out.error.message}`);
  const graph = toProgramGraph(out.value.graph);
  const mapping = findIsomorphism(target, simpleGraphOfState(out.value));
  if (mapping === null) throw new Error(`the program found builds a graph that is not isomorphic to the target: ${printProgram(program.term)}`);
  return { graph, mapping: mapping.map((i) => graph.nodes[i]) };
}

function proofLines(proof: Proof, target: TargetGraph): string[] {
  const edges = proof.graph.edges.map((e) => `${e.source}-${e.target}@${e.sourcePort}`).join(' ');
  return [
    `proof: the evaluator builds ${proof.graph.nodes.length} nodes, ${proof.graph.edges.length} edges (node-node@port): ${edges}`,
    `isomorphism (target -> built): ${proof.mapping.map((node, i) => `${target.names[i]}->${node}`).join(' ')}`,
  ];
}

function readTarget(argument: string): TargetGraph {
  let text = argument;
  let where = 'GRAPH';
  if (existsSync(argument)) {
    where = argument;
    try {
      text = readFileSync(argument, 'utf8');
    } catch (e) {
      throw new UserError(`cannot read ${argument}: ${(e as Error).message}`, 'give a readable file, or the graph itself as text');
    }
  }
  const parsed = parseTargetGraph(text);
  if (!parsed.ok) throw new UserError(`${where}: ${parsed.error}`, 'write the graph as an edge list ("0-1 1-2"), DOT ("graph { a -- b }"), or the original\'s graph JSON');
  return parsed.value;
}

function positiveInteger(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag}: expected a positive integer, got "${value}"`, `for example ${flag} 10`);
  return n;
}
