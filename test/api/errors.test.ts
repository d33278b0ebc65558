/**
 * One error model: every error class the library exports is a `UserFacingError` (kind,
 * message, where, hint), so that `synth` maps all of them to exit 1 in one place.
 */
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.ts';
import { UserFacingError } from '../../src/util/errors.ts';

const namespaces = { util: api.util, dsl: api.dsl, data: api.data, synth: api.synth, gssnn: api.gssnn, analysis: api.analysis, queue: api.queue, leaderboard: api.leaderboard, pipeline: api.pipeline };

const errorClasses = Object.entries(namespaces).flatMap(([module, exports]) =>
  Object.entries(exports as Record<string, unknown>)
    .filter(([, value]) => typeof value === 'function' && value !== UserFacingError && (value as { prototype?: unknown }).prototype instanceof Error)
    .map(([name, value]) => [`${module}.${name}`, value as new (...args: never[]) => Error] as const),
);

describe('the error model', () => {
  it('finds the error classes of every module', () => {
    expect(errorClasses.length).toBeGreaterThanOrEqual(25);
  });

  it.each(errorClasses)('%s is a UserFacingError', (_name, errorClass) => {
    expect(errorClass.prototype).toBeInstanceOf(UserFacingError);
  });

  it('prefixes the message with where it happened, once', () => {
    expect(new UserFacingError('no such file', { kind: 'file', where: 'runs/a', hint: 'check the path' }).describe()).toBe('runs/a: no such file');
    expect(new UserFacingError('runs/a: no such file', { kind: 'file', where: 'runs/a' }).describe()).toBe('runs/a: no such file');
    const parse = api.parseProgram('(push (add', { source: 'prog.txt' });
    expect(parse.ok).toBe(false);
    if (!parse.ok) {
      expect(parse.error).toBeInstanceOf(UserFacingError);
      expect(parse.error.kind).toBe('parse');
      expect(parse.error.where).toBe('prog.txt');
      expect(parse.error.describe()).toBe(parse.error.message);
    }
  });

  it('keeps names and fields of the subclasses', () => {
    const e = new api.data.DataError('unknown data set "x"', 'use one of mnist');
    expect(e.name).toBe('DataError');
    expect(e.kind).toBe('data');
    expect(e.hint).toBe('use one of mnist');
    const store = new api.synth.RunStoreError('missing', 'no run in runs/x');
    expect(store.kind).toBe('missing');
    expect(store.name).toBe('RunStoreError');
  });
});
