/** The original system's 119 program records, vendored in reference/ (see reference/README.md). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OriginalGraphJson } from '../../src/dsl/graphFormats.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const referenceDir = path.resolve(repoRoot, 'reference/gssnn-original');
export const dslFilePath = (k: number): string => path.join(referenceDir, 'dsls', `dsl_${k}.json`);

export interface ProgramRecord {
  file: string;
  program: string;
  stitch_program: string;
  size: number;
  mass: number;
  output: OriginalGraphJson;
}

export function loadProgramRecords(): ProgramRecord[] {
  const dir = path.join(referenceDir, 'programs');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Omit<ProgramRecord, 'file'>) }));
}
