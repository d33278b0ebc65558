/**
 * Throughput of the program language: parsing (ohm grammar + name resolution), printing and
 * type checking, over the original system's 119 records and one Stitch corpus. Reported in
 * characters and programs per second (wall and process CPU time, best of several rounds).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { programRequest, typeEnvOf } from '../src/dsl/dsl.ts';
import { loadDsl } from '../src/dsl/dslFile.ts';
import { checkType } from '../src/dsl/infer.ts';
import { parseProgram, type ParseOptions } from '../src/dsl/parse.ts';
import { printProgram } from '../src/dsl/print.ts';
import type { Term } from '../src/dsl/term.ts';
import { loadNote, machineInfo, reportBenchmark, throughput } from './machine.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reference = path.resolve(repoRoot, 'reference');
const programsDir = path.join(reference, 'gssnn-original/programs');
const records = readdirSync(programsDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(path.join(programsDir, f), 'utf8')) as { program: string; stitch_program: string });
const corpus = JSON.parse(readFileSync(path.join(reference, 'stitch/corpora/furniture.json'), 'utf8')) as string[];
const loaded = loadDsl(path.join(reference, 'gssnn-original/dsls/dsl_11.json'));
if (!loaded.ok) throw loaded.error;
const dsl = loaded.value;

function parseAll(texts: readonly string[], options: ParseOptions): Term[] {
  return texts.map((t) => {
    const parsed = parseProgram(t, options);
    if (!parsed.ok) throw parsed.error;
    return parsed.value;
  });
}

const combinedTexts = records.map((r) => r.program);
const stitchTexts = records.map((r) => r.stitch_program);
const combinedTerms = parseAll(combinedTexts, { form: 'combined' });
const meanChars = (texts: readonly string[]) => Math.round(texts.reduce((a, t) => a + t.length, 0) / texts.length);
const perChar = (rate: { wall: number; cpu: number }, chars: number) => ({ wall: rate.wall * chars, cpu: rate.cpu * chars });

const parseCombined = throughput(combinedTexts, (t) => parseProgram(t, { form: 'combined' }));
const parseStitch = throughput(stitchTexts, (t) => parseProgram(t, { form: 'stitch', dsl }));
const parseCorpus = throughput(corpus, (t) => parseProgram(t, { form: 'stitch' }), 3);
const print = throughput(combinedTerms, (t) => printProgram(t));
const env = typeEnvOf(dsl);
const request = programRequest(dsl);
const typeCheck = throughput(combinedTerms, (t) => checkType(t, request, env));

reportBenchmark('dsl-language', {
  benchmark: 'dsl-language',
  unit: 'programs per second (wall, process CPU); charsPerSecond for parsing',
  records: { programs: records.length, meanCharsCombined: meanChars(combinedTexts), meanCharsStitch: meanChars(stitchTexts) },
  corpus: { name: 'stitch/corpora/furniture.json', programs: corpus.length, meanChars: meanChars(corpus) },
  parseCombined: { programsPerSecond: parseCombined, charsPerSecond: perChar(parseCombined, meanChars(combinedTexts)) },
  parseStitchWithDsl: { programsPerSecond: parseStitch, charsPerSecond: perChar(parseStitch, meanChars(stitchTexts)) },
  parseCorpus: { programsPerSecond: parseCorpus, charsPerSecond: perChar(parseCorpus, meanChars(corpus)) },
  printCombined: { programsPerSecond: print },
  checkTypeAtSToS: { programsPerSecond: typeCheck },
  machine: machineInfo({ backend: 'none (pure TypeScript)' }),
  note: loadNote(),
});
