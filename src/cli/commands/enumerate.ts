/** `synth enumerate`: best-first enumeration of graph programs, deduped by graph isomorphism. */
import type { Command } from 'commander';
import { printProgram } from '../../dsl/print.ts';
import { DEFAULT_MAX_STATES, DEFAULT_PER_CLASS_EXPANSIONS, ENUMERATION_STRATEGY_NAMES, isEnumerationStrategy } from '../../synth/enumerate/index.ts';
import { explore, type ExploreResult, unusedInventions } from '../../synth/graphs/index.ts';
import { grammarFromDsl, GrammarError } from '../../synth/grammar.ts';
import { dslFromFlag } from '../dslFlag.ts';
import { UserError } from '../errors.ts';
import { createStatusLine } from '../progress.ts';

interface EnumerateFlags {
  dsl?: string;
  seconds: string;
  maxPrograms?: string;
  maxSize: string;
  json?: boolean;
  graphs?: boolean;
  progress?: boolean;
  strategy: string;
  maxNodes?: string;
  stopAfterGraphs?: string;
  maxStates?: string;
  noveltyBound?: string;
  argumentPool?: string;
}

export function register(program: Command): void {
  program
    .command('enumerate')
    .description('Enumerate programs best first, evaluate them, and keep one program per new connected graph (up to isomorphism)')
    .option('--dsl <file>', 'DSL file to search (default: the built-in uniform graph DSL)')
    .option('--seconds <s>', 'wall-clock budget in seconds: the only setting whose result depends on the machine (programs are evaluated under step budgets)', '15')
    .option('--max-programs <n>', 'stop after this many programs')
    .option('--max-size <n>', 'largest program size (primitives, inventions, variables, lambdas)', '20')
    .option('--strategy <name>', 'heap (every program, best first), windows (every program, best first up to a window of 1.5 nats, in flat memory), states (straight-line programs, one per distinct state) or novelty (states, a bounded number per graph class)', 'heap')
    .option('--max-nodes <n>', 'states / novelty: extend only graphs with at most this many nodes')
    .option('--stop-after-graphs <n>', 'stop once this many distinct graphs were found')
    .option('--max-states <n>', `states / novelty: most distinct program states held (default ${DEFAULT_MAX_STATES.toLocaleString('en-US')}); the summary says how many new ones it dropped`)
    .option('--argument-pool <n>', 'states / novelty: closed programs tried per branch argument, as the branches of func (default 4)')
    .option('--novelty-bound <n>', `novelty: states extended per graph class before the bound widens (default ${DEFAULT_PER_CLASS_EXPANSIONS})`)
    .option('--json', 'print a JSON summary as the last line')
    .option('--graphs', 'include every graph found (program text and graph) in the output')
    .option('--progress', 'report progress on stderr (a status line on a terminal; a line every 10 s when piped)')
    .action(async (flags: EnumerateFlags) => {
      const seconds = positiveNumber(flags.seconds, '--seconds', 'for example --seconds 15');
      const maxSize = positiveInteger(flags.maxSize, '--max-size', 'for example --max-size 20');
      const maxPrograms = flags.maxPrograms === undefined ? undefined : positiveInteger(flags.maxPrograms, '--max-programs', 'for example --max-programs 100000');
      const strategy = flags.strategy;
      if (!isEnumerationStrategy(strategy)) {
        throw new UserError(`--strategy: unknown strategy "${strategy}"`, `use --strategy ${ENUMERATION_STRATEGY_NAMES.join(', --strategy ')}`);
      }
      const maxNodes = flags.maxNodes === undefined ? undefined : positiveInteger(flags.maxNodes, '--max-nodes', 'for example --max-nodes 6');
      const stopAfterGraphs = flags.stopAfterGraphs === undefined ? undefined : positiveInteger(flags.stopAfterGraphs, '--stop-after-graphs', 'for example --stop-after-graphs 20');
      const maxStates = flags.maxStates === undefined ? undefined : positiveInteger(flags.maxStates, '--max-states', 'for example --max-states 4000000');
      const argumentPool = flags.argumentPool === undefined ? undefined : positiveInteger(flags.argumentPool, '--argument-pool', 'for example --argument-pool 16');
      const perClassExpansions = flags.noveltyBound === undefined ? undefined : positiveInteger(flags.noveltyBound, '--novelty-bound', 'for example --novelty-bound 16');
      const dsl = dslFromFlag(flags.dsl);
      let grammar;
      try {
        grammar = grammarFromDsl(dsl);
      } catch (e) {
        if (e instanceof GrammarError) throw new UserError(`${flags.dsl ?? 'the DSL'}: ${e.message}`, 'check the types of the DSL entries');
        throw e;
      }
      const status = flags.progress ? createStatusLine(process.stderr) : undefined;
      const result = explore(grammar, {
        strategy,
        seconds,
        maxSize,
        maxPrograms,
        maxNodes,
        stopAfterGraphs,
        maxStates,
        perClassExpansions,
        argumentPool,
        onProgress: status ? (p) => status.update(`${p.programs.toLocaleString('en-US')} programs, ${p.seconds.toFixed(1)} s, ${p.distinctGraphs} graphs`) : undefined,
      });
      status?.done();
      const unused = unusedInventions(dsl.inventions, grammar, result);
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ ...summaryJson(result, flags.graphs === true), unusedInventions: unused })}\n`
          : `${formatSummary(result, flags.graphs === true)}${unused.map((u) => `invention not used: ${u.name} (${u.why})\n`).join('')}`,
      );
    });
}

export function summaryJson(result: ExploreResult, withGraphs: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    strategy: result.strategy,
    programs: result.programs,
    seconds: round(result.seconds, 3),
    programsPerSecond: Math.round(result.programsPerSecond),
    distinctGraphs: result.distinctGraphs,
    rejected: result.rejected,
    skippedEquivalent: result.skippedEquivalent,
    failures: result.failures,
    ...(result.states ? { states: result.states } : {}),
    ...(result.windows ? { windows: result.windows } : {}),
  };
  if (withGraphs) {
    out.graphs = result.graphs.map((g) => ({
      program: printProgram(g.term),
      stitchProgram: printProgram(g.term, { form: 'stitch' }),
      size: g.size,
      mass: g.mass,
      logProbability: round(g.logProbability, 6),
      firstFoundAt: g.firstFoundAt,
      programs: g.programs,
      graph: g.graph,
    }));
  }
  return out;
}

function strategyCounts(result: ExploreResult): string {
  if (result.states) return ` (${result.states.distinct} distinct states, ${result.states.pruned} equivalent steps pruned)`;
  if (result.windows) return ` (${result.windows.windows} probability windows, ${result.windows.evaluations} steps and terminals evaluated)`;
  return '';
}

function formatSummary(result: ExploreResult, withGraphs: boolean): string {
  const lines = [
    `strategy: ${result.strategy}${strategyCounts(result)}`,
    ...(result.states && result.states.dropped > 0
      ? [`state cap reached: ${result.states.dropped} new states dropped at --max-states ${result.states.maxStates} (raise it to search them)`]
      : []),
    `programs enumerated and evaluated: ${result.programs} in ${result.seconds.toFixed(2)} s (${Math.round(result.programsPerSecond)}/s)`,
    `not evaluated (first step idle, same graph as a more probable program): ${result.skippedEquivalent}`,
    `rejected (one node or disconnected): ${result.rejected}; evaluation failures: ${result.failures.budget} budget, ${result.failures.runtime} runtime`,
    `distinct connected graphs (up to isomorphism): ${result.distinctGraphs}`,
  ];
  const shown = withGraphs ? result.graphs : result.graphs.slice(0, 20);
  for (const g of shown) {
    lines.push(`  ${String(g.graph.nodes.length).padStart(3)} nodes ${String(g.graph.edges.length).padStart(3)} edges  mass ${String(g.mass).padStart(3)}  ${printProgram(g.term, { form: 'stitch' })}`);
  }
  if (shown.length < result.graphs.length) lines.push(`  ... ${result.graphs.length - shown.length} more (use --graphs)`);
  return `${lines.join('\n')}\n`;
}

function positiveNumber(text: string, flag: string, hint: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UserError(`${flag}: expected a positive number, got "${text}"`, hint);
  return value;
}

function positiveInteger(text: string, flag: string, hint: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new UserError(`${flag}: expected a positive integer, got "${text}"`, hint);
  return value;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
