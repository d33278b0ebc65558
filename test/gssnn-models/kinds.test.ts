import { describe, expect, it } from 'vitest';
import { MODEL_KIND_NAMES, modelKindFromName, modelKindName } from '../../src/gssnn/models/spec.ts';

describe('model kinds', () => {
  it('keep the names that saved specs, job records and cache keys carry', () => {
    expect(MODEL_KIND_NAMES).toEqual(['gssnn', 'gssnn-random', 'gssnn-chain', 'gssnn-star', 'gssnn-complete', 'linear', 'mlp']);
  });

  it('convert between names and the union both ways', () => {
    for (const name of MODEL_KIND_NAMES) expect(modelKindName(modelKindFromName(name))).toBe(name);
    expect(modelKindFromName('gssnn')).toEqual({ family: 'gssnn', wiring: 'program' });
    expect(modelKindFromName('gssnn-star')).toEqual({ family: 'gssnn', wiring: 'star' });
    expect(modelKindFromName('linear')).toEqual({ family: 'linear' });
    expect(modelKindName({ family: 'gssnn', wiring: 'complete' })).toBe('gssnn-complete');
    expect(modelKindName({ family: 'mlp' })).toBe('mlp');
  });
});
