/**
 * Conformance with Stitch's own expected outputs (reference/stitch/expected):
 * same abstraction bodies up to renaming of parameters on the small cases, and at least
 * 0.98 of Stitch's cumulative compression ratio on the cogsci corpora.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseProgramOrThrow } from '../../src/dsl/parse.ts';
import { compress, type CompressOptions } from '../../src/synth/compress.ts';
import { canonicalKey } from '../../src/synth/compressInline.ts';
import { parseStitchCorpus } from '../../src/synth/compressIo.ts';
import type { Tdfa } from '../../src/synth/compressTdfa.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const reference = path.resolve(repoRoot, 'reference/stitch');

interface Expected {
  programs: string[];
  original_cost: number;
  final_cost: number | null;
  abstractions: { name: string; arity: number; body: string; utility: number; num_uses: number; cumulative_compression_ratio?: number }[];
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
  ['dials', 'dials-a2-i10', { maxArity: 2, iterations: 10 }],
  ['furniture', 'furniture-a2-i10', { maxArity: 2, iterations: 10 }],
  ['wheels', 'wheels-a2-i10', { maxArity: 2, iterations: 10 }],
  ['nuts-bolts', 'nuts-bolts-a3-i10', { maxArity: 3, iterations: 10 }],
];

describe('Stitch reference: cogsci corpora', () => {
  for (const [corpusName, expectedName, options] of cogsci) {
    it(`${expectedName}: cumulative compression at least 0.98 of Stitch's`, { timeout: 60_000 }, () => {
      const want = expected(expectedName);
      const programs = corpus(JSON.parse(readFileSync(path.join(reference, 'corpora', `${corpusName}.json`), 'utf8')) as string[]);
      const got = compress(programs, options);
      expect(got.originalCost).toBe(want.original_cost);
      const stitchRatio = want.abstractions[want.abstractions.length - 1].cumulative_compression_ratio!;
      expect(got.compressionRatio).toBeGreaterThanOrEqual(0.98 * stitchRatio);
      // The first abstraction is never a tie in these corpora: it is Stitch's.
      expect(bodyKey(got.abstractions[0].bodyText)).toBe(bodyKey(want.abstractions[0].body));
      expect(got.abstractions[0].utility).toBe(want.abstractions[0].utility);
    });
  }
});
