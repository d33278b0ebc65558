/**
 * Term -> program text, spaced exactly like the original system so that its records
 * round-trip byte for byte: `(f a b)`, `(lam body)`, `$i`, `#i`; an invention prints as
 * `{name}body` in combined form and as its bare name in stitch form.
 */
import type { Term } from './term.ts';
import { unApply } from './term.ts';

export type PrintForm = 'combined' | 'stitch';

export interface PrintOptions {
  readonly form?: PrintForm;
}

/** Canonical text of a term (combined form unless asked otherwise). */
export function printProgram(term: Term, options: PrintOptions = {}): string {
  const out: string[] = [];
  write(term, options.form ?? 'combined', out);
  return out.join('');
}

function write(term: Term, form: PrintForm, out: string[]): void {
  switch (term.kind) {
    case 'primitive':
      out.push(term.name);
      return;
    case 'index':
      out.push('$', String(term.index));
      return;
    case 'param':
      out.push('#', String(term.index));
      return;
    case 'lambda':
      out.push('(lam ');
      write(term.body, form, out);
      out.push(')');
      return;
    case 'invention':
      if (form === 'stitch') {
        out.push(term.name);
      } else {
        out.push('{', term.name, '}');
        write(term.body, form, out);
      }
      return;
    case 'apply': {
      // Curried applications flatten: (((f a) b) c) prints as (f a b c).
      const { head, args } = unApply(term);
      out.push('(');
      write(head, form, out);
      for (const arg of args) {
        out.push(' ');
        write(arg, form, out);
      }
      out.push(')');
      return;
    }
  }
}
