/**
 * Stitch's corpus format: a JSON list of program strings in s-expression (stitch) form.
 * Programs are read with the DSL parser; Stitch's tagged binders (`lam_1`, `$0_1`) become
 * tagged lambdas and variables.
 */
import type { Dsl } from '../../dsl/dsl.ts';
import { parseProgram } from '../../dsl/parse.ts';
import { err, ok, type Result } from '../../dsl/result.ts';
import type { Term } from '../../dsl/term.ts';
import { withStitchTags } from './inline.ts';
import { UserFacingError } from '../../util/errors.ts';

export class CorpusFormatError extends UserFacingError {
  declare readonly hint: string;

  constructor(message: string, hint: string) {
    super(message, { kind: 'program', hint });
  }
}

/** With a DSL, names of its inventions are read as those inventions (bodies included). */
export function parseStitchCorpus(text: string, source = '<corpus>', dsl?: Dsl, maxLength?: number): Result<Term[], CorpusFormatError> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return err(new CorpusFormatError(`${source} is not valid JSON: ${(e as Error).message}`, 'a corpus is a JSON list of program strings, e.g. ["(f a b)", "(f a c)"]'));
  }
  if (!Array.isArray(data)) {
    return err(new CorpusFormatError(`${source} must be a JSON list of program strings, found ${typeof data}`, 'wrap the programs in [ ... ]'));
  }
  const programs: Term[] = [];
  for (let i = 0; i < data.length; i++) {
    const entry: unknown = data[i];
    if (typeof entry !== 'string') {
      return err(new CorpusFormatError(`${source}: entry ${i} is a ${typeof entry}, not a program string`, 'write each program as a string, e.g. "(f a b)"'));
    }
    const parsed = parseProgram(entry, { form: 'stitch', source: `${source}[${i}]`, dsl, maxLength });
    if (!parsed.ok) {
      return err(new CorpusFormatError(`${source}: program ${i} does not parse: ${parsed.error.message}`, 'programs are s-expressions in stitch form: (f a b), (lam body), $0, inventions by name; no #i parameters'));
    }
    const term = withStitchTags(parsed.value);
    if (containsParam(term)) {
      return err(new CorpusFormatError(`${source}: program ${i} contains an abstraction parameter #i`, 'corpus programs are closed terms; #i only appears in abstraction bodies'));
    }
    programs.push(term);
  }
  return ok(programs);
}

function containsParam(t: Term): boolean {
  switch (t.kind) {
    case 'param':
      return true;
    case 'apply':
      return containsParam(t.fn) || containsParam(t.arg);
    case 'lambda':
      return containsParam(t.body);
    default:
      return false;
  }
}
