/**
 * Conformance with Stitch's own expected outputs (reference/stitch/expected): on the small
 * cases and on the cogsci corpora, every abstraction (body up to renaming of parameters,
 * arity, utility, uses) and the final cost equal Stitch's. The one exception is a tie:
 * where two candidates have the same utility, Stitch's internal order picks one and ours
 * the other; those steps are listed and checked for equal utility and uses.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseProgramOrThrow } from '../../src/dsl/parse.ts';
import { canonicalKey, compress, type CompressOptions, parseStitchCorpus, type Tdfa } from '../../src/synth/compress/index.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const reference = path.resolve(repoRoot, 'reference/stitch');

interface Expected {
  programs: string[];
  original_cost: number;
  final_cost: number | null;
  abstractions: { name: string; arity: number; body: string; utility: number; num_uses: number; final_cost?: number; cumulative_compression_ratio?: number }[];
}

function expected(name: string): Expected {
  return JSON.parse(readFileSync(path.join(reference, 'expected', `${name}.json`), 'utf8')) as Expected;
}

function corpus(programs: string[]) {
  const parsed = parseStitchCorpus(JSON.stringify(programs));
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

/** Bodies compared up to renaming of `#i` (first-occurrence order). */
function bodyKey(text: string): string {
  return canonicalKey(parseProgramOrThrow(text, { form: 'stitch' }), new Map());
}

// The part of Stitch's Python-AST typed DFA (test_data/dfa.json) these programs touch.
const pythonDfa: Tdfa = {
  M: { Module: ['seqS', '[TI]'] },
  seqS: { '/seq': ['S'], '/subseq': ['S'], '/choiceseq': ['S'] },
  S: { If: ['E', 'seqS', 'seqS'], Assign: ['[L]', 'E', 'TC'] },
  E: { Compare: ['E', '[O]', '[E]'], Name: ['Name', 'Ctx'], BinOp: ['E', 'O', 'E'], Constant: ['Const', 'ConstKind'] },
  L: { Name: ['Name', 'Ctx'] },
  '[E]': { list: ['E'] },
  '[L]': { list: ['L'] },
  '[O]': { list: ['O'] },
  '[TI]': { list: ['TI'] },
};

const smallCases: [string, CompressOptions][] = [
  ['simple1-a1-i1', { maxArity: 1, iterations: 1 }],
  ['simple2-a1-i1', { maxArity: 1, iterations: 1 }],
  ['simple3-a1-i1', { maxArity: 1, iterations: 1 }],
  ['simple4-a1-i1', { maxArity: 1, iterations: 1 }],
  ['simple5-a1-i1', { maxArity: 1, iterations: 1 }],
  ['symbol-reuse', { maxArity: 0, iterations: 1, symvarPrefix: '&' }],
  [
    'pick-up-on-abstractions-0-arity',
    {
      maxArity: 0,
      iterations: 1,
      symvarPrefix: '&',
      tdfa: {
        dfa: pythonDfa,
        root: 'M',
        validMetavars: ['S', 'E', 'seqS'],
        validRoots: ['S', 'E', 'seqS'],
        nonEtaLongStates: { seqS: 'S' },
        split: '~',
      },
    },
  ],
];

describe('Stitch reference: small cases', () => {
  for (const [name, options] of smallCases) {
    it(`${name}: same abstractions, utilities and costs as Stitch`, () => {
      const want = expected(name);
      const got = compress(corpus(want.programs), options);
      expect(got.originalCost).toBe(want.original_cost);
      expect(got.abstractions.map((a) => bodyKey(a.bodyText))).toEqual(want.abstractions.map((a) => bodyKey(a.body)));
      expect(got.abstractions.map((a) => [a.arity, a.utility, a.numUses])).toEqual(
        want.abstractions.map((a) => [a.arity, a.utility, a.num_uses]),
      );
      expect(got.finalCost).toBe(want.final_cost);
    });
  }
});

const cogsci: [string, string, CompressOptions][] = [
  ['bridge', 'bridge-a1-i1', { maxArity: 1, iterations: 1 }],
  ['dials', 'dials-a2-i10', { maxArity: 2, iterations: 10 }],
  ['furniture', 'furniture-a2-i10', { maxArity: 2, iterations: 10 }],
  ['wheels', 'wheels-a2-i10', { maxArity: 2, iterations: 10 }],
  ['nuts-bolts', 'nuts-bolts-a3-i10', { maxArity: 3, iterations: 10 }],
];

/**
 * Steps where Stitch chose between candidates of equal utility. nuts-bolts steps 5 and 6
 * (utility 18885 each): Stitch takes (C #2 (fn_1 #1 1.5 #0)) then (C #2 (fn_1 #1 3 #0)),
 * we take (C #2 (fn_1 #1 #0 c)) then (C #2 (fn_1 #1 #0 r)); everything after agrees again.
 */
const ties: Record<string, number[]> = { 'nuts-bolts-a3-i10': [5, 6] };

describe('Stitch reference: cogsci corpora', () => {
  for (const [corpusName, expectedName, options] of cogsci) {
    it(`${expectedName}: every abstraction, utility and the final cost equal Stitch's`, { timeout: 60_000 }, () => {
      const want = expected(expectedName);
      const programs = corpus(JSON.parse(readFileSync(path.join(reference, 'corpora', `${corpusName}.json`), 'utf8')) as string[]);
      const got = compress(programs, options);
      expect(got.originalCost).toBe(want.original_cost);
      const tied = new Set(ties[expectedName] ?? []);
      const bodies = (list: string[]) => list.map((body, i) => (tied.has(i) ? 'tie' : bodyKey(body)));
      expect(bodies(got.abstractions.map((a) => a.bodyText))).toEqual(bodies(want.abstractions.map((a) => a.body)));
      expect(got.abstractions.map((a) => [a.arity, a.utility, a.numUses])).toEqual(want.abstractions.map((a) => [a.arity, a.utility, a.num_uses]));
      // Stitch leaves the top-level final cost empty for one iteration; its abstraction carries it.
      expect(got.finalCost).toBe(want.final_cost ?? want.abstractions[want.abstractions.length - 1].final_cost);
      const stitchRatio = want.abstractions[want.abstractions.length - 1].cumulative_compression_ratio;
      if (stitchRatio !== undefined) expect(got.compressionRatio).toBeCloseTo(stitchRatio, 6);
    });
  }
});
