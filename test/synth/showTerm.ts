/** A plain s-expression of a term, independent of the printer, for comparing sets in tests. */
import type { Term } from '../../src/dsl/term.ts';

export function showTerm(t: Term): string {
  switch (t.kind) {
    case 'primitive':
      return t.name;
    case 'invention':
      return `{${t.name}}`;
    case 'apply':
      return `(${showTerm(t.fn)} ${showTerm(t.arg)})`;
    case 'lambda':
      return `(lam ${showTerm(t.body)})`;
    case 'index':
      return `$${t.index}`;
    case 'param':
      return `#${t.index}`;
  }
}
