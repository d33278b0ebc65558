import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { dslFromJson, loadDsl } from '../../src/dsl/dslFile.ts';
import { graphDomain } from '../../src/dsl/domains/graphDsl.ts';
import { graphPrimitives } from '../../src/dsl/domains/graph.ts';
import { showType } from '../../src/dsl/types.ts';
import { dslFilePath } from './referenceData.ts';

const names = Object.keys(graphPrimitives);
const ownFile = (primitives: { name: string; type: string }[], stateType = 'S') => ({ format: 'gssnn-dsl', version: 1, name: 'test', stateType, primitives });
const domainRows = (subset: readonly string[]) => subset.map((name) => ({ name, type: showType(graphPrimitives[name].type) }));

describe('DSL files against the graph domain', () => {
  test("the original's twelve DSL files all agree with the domain", () => {
    for (let k = 0; k < 12; k++) {
      const loaded = loadDsl(dslFilePath(k), { domain: graphDomain });
      expect(loaded.ok, loaded.ok ? '' : loaded.error.message).toBe(true);
    }
  });

  fcTest.prop([fc.subarray(names, { minLength: 1 })])('any subset of the domain with its own types loads', (subset) => {
    expect(dslFromJson(ownFile(domainRows(subset)), 'f.json', { domain: graphDomain }).ok).toBe(true);
  });

  fcTest.prop([fc.subarray(names, { minLength: 1 }), fc.nat(), fc.constantFrom('x', 'q_', '2')])(
    'a primitive the domain lacks is refused, naming its entry',
    (subset, pick, suffix) => {
      const rows = domainRows(subset);
      const index = pick % rows.length;
      rows[index] = { ...rows[index], name: `${rows[index].name}${suffix}` };
      const loaded = dslFromJson(ownFile(rows), 'f.json', { domain: graphDomain });
      expect(loaded.ok).toBe(false);
      if (!loaded.ok) expect(loaded.error.message).toContain(`primitives entry ${index} ("${rows[index].name}")`);
    },
  );

  test('a misspelling gets a suggestion; a wrong type and a wrong state type are named', () => {
    const typo = dslFromJson(ownFile([{ name: 'identity', type: 'S -> S' }, { name: 'conect', type: '(S -> S) -> S -> S' }]), 'f.json', { domain: graphDomain });
    expect(!typo.ok && typo.error.message).toMatch(/"conect" is not a primitive of the graph domain \(did you mean "connect"\?\)/);
    const typed = dslFromJson(ownFile([{ name: 'push', type: 'S -> S' }]), 'f.json', { domain: graphDomain });
    expect(!typed.ok && typed.error.message).toMatch(/"push" is declared with type S -> S, but the graph domain's push has type \(S -> S\) -> S -> S/);
    const state = dslFromJson(ownFile([{ name: 'identity', type: 'T -> T' }], 'T'), 'f.json', { domain: graphDomain });
    expect(!state.ok && state.error.message).toMatch(/state type is T, but programs of the graph domain transform S/);
  });

  test('without a domain, a file is only checked against itself (the DSL layer stays domain-free)', () => {
    expect(dslFromJson(ownFile([{ name: 'anything', type: 'S -> S' }]), 'f.json').ok).toBe(true);
  });
});
