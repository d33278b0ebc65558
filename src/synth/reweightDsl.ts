/**
 * Reweighting that persists in a DSL file: each entry's log-weight becomes the log of its
 * expected use count in a weighted set of programs plus a pseudo-count (pooled over every
 * place it can be used), and the variable weight likewise. Building a grammar from the
 * result normalizes per requested type, so the DSL after an iteration is the whole grammar.
 */
import type { Dsl } from '../dsl/dsl.ts';
import { grammarFromDsl } from './grammar.ts';
import { expectedCounts, ReweightError, type WeightedProgram } from './reweight.ts';

export function reweightDsl(dsl: Dsl, programs: readonly WeightedProgram[], pseudoCount = 1): Dsl {
  if (!(pseudoCount > 0)) throw new ReweightError(`pseudoCount must be > 0 (got ${pseudoCount})`);
  const perEntry = new Map<string, number>();
  let variables = 0;
  for (const [key, count] of expectedCounts(grammarFromDsl(dsl), programs)) {
    const production = key.slice(key.indexOf('\u0000') + 1);
    if (production.startsWith('$')) variables += count;
    else if (production !== 'lam') {
      const name = production.slice(0, production.lastIndexOf('/'));
      perEntry.set(name, (perEntry.get(name) ?? 0) + count);
    }
  }
  const weight = (name: string) => Math.log((perEntry.get(name) ?? 0) + pseudoCount);
  return {
    ...dsl,
    primitives: new Map([...dsl.primitives].map(([name, p]) => [name, { ...p, logProbability: weight(name) }])),
    inventions: new Map([...dsl.inventions].map(([name, i]) => [name, { ...i, logProbability: weight(name) }])),
    varLogProbability: Math.log(variables + pseudoCount),
  };
}
