/** Reading Stitch's corpus format: what is accepted, and the errors for what is not. */
import { describe, expect, it } from 'vitest';
import { corpusCost, parseStitchCorpus, stitchText } from '../../src/synth/compress/index.ts';

describe('Stitch corpus format', () => {
  it('reads tagged binders as lambdas and variables (cost 1 per lam)', () => {
    const parsed = parseStitchCorpus('["(a (lam_1 (a $0_1 $0_1)))"]');
    if (!parsed.ok) throw parsed.error;
    expect(stitchText(parsed.value[0])).toBe('(a (lam_1 (a $0_1 $0_1)))');
    expect(parsed.value[0]).toMatchObject({ kind: 'apply', arg: { kind: 'lambda', tag: 1 } });
    expect(corpusCost(parsed.value)).toBe(404);
  });

  it('explains each kind of malformed corpus', () => {
    const cases: [string, string][] = [
      ['{"a": 1}', 'must be a JSON list'],
      ['[1]', 'entry 0 is a number'],
      ['["(f a"]', 'program 0 does not parse'],
      ['["(f #0)"]', 'abstraction parameter'],
      ['[', 'not valid JSON'],
    ];
    for (const [text, message] of cases) {
      const parsed = parseStitchCorpus(text, 'corpus.json');
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) {
        expect(parsed.error.message).toContain(message);
        expect(parsed.error.message).toContain('corpus.json');
        expect(parsed.error.hint.length).toBeGreaterThan(0);
      }
    }
  });
});
