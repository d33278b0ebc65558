/**
 * The one way a command gets its DSL: the built-in graph DSL, or a DSL file (ours or the
 * original's) checked at load against the graph domain, so that an unknown or mistyped
 * primitive is refused with its file, entry and a suggestion before any work starts.
 */
import { existsSync } from 'node:fs';
import { loadDsl } from '../dsl/dslFile.ts';
import { graphDomain, graphDsl } from '../dsl/domains/graphDsl.ts';
import type { Dsl } from '../dsl/dsl.ts';
import { UserError } from './errors.ts';

export function dslFromFlag(file: string | undefined, flag = '--dsl'): Dsl {
  if (file === undefined) return graphDsl();
  if (!existsSync(file)) throw new UserError(`${flag}: no such file ${file}`, 'give the path of a DSL file: one of the original dsl_*.json files, or one written by `synth dsl convert`');
  const loaded = loadDsl(file, { domain: graphDomain });
  if (!loaded.ok) throw new UserError(`${flag}: ${loaded.error.message}`, 'fix the entry, or see `synth dsl show` for the graph domain\'s primitives and their types');
  return loaded.value;
}
