import { describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { RUN_FORMAT_VERSION, RunStore, RunStoreError } from '../../src/synth/runStore.ts';

const manifest = {
  runId: 'r1',
  createdAt: '2026-01-01T00:00:00Z',
  toolkitVersion: '0.1.0',
  node: process.version,
  seed: 1,
  config: { preset: 'tiny' },
};

function fresh(): string {
  return join(mkdtempSync(join(tmpdir(), 'runstore-')), 'run');
}

describe('RunStore', () => {
  it('creates, reopens and refuses to overwrite', () => {
    const dir = fresh();
    const store = RunStore.create(dir, manifest);
    expect(store.manifest.format).toBe(RUN_FORMAT_VERSION);
    expect(() => RunStore.create(dir, manifest)).toThrowError(RunStoreError);
    expect(RunStore.open(dir).manifest.runId).toBe('r1');
  });

  it('refuses runs of another format version and missing runs', () => {
    const dir = fresh();
    RunStore.create(dir, manifest);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, format: 999 }));
    expect(() => RunStore.open(dir)).toThrow(/format 999/);
    expect(() => RunStore.open(fresh())).toThrow(/holds no run/);
  });

  it('keeps whole events and drops a partial trailing line on reopen', () => {
    const dir = fresh();
    const store = RunStore.create(dir, manifest);
    store.appendEvent({ type: 'a', n: 1 });
    store.appendEvent({ type: 'b', n: 2 });
    appendFileSync(join(dir, 'events.ndjson'), '{"type":"c","n"');
    expect(store.readEvents().map((e) => e.type)).toEqual(['a', 'b']);
    const reopened = RunStore.open(dir);
    expect(readFileSync(join(dir, 'events.ndjson'), 'utf8').endsWith('}\n')).toBe(true);
    reopened.appendEvent({ type: 'd' });
    expect(reopened.readEvents().map((e) => e.type)).toEqual(['a', 'b', 'd']);
  });

  it('removes the temporary files of interrupted atomic writes on reopen', () => {
    const dir = fresh();
    const store = RunStore.create(dir, manifest);
    store.writeJson('dsl/iteration-0.json', { ok: true });
    writeFileSync(join(dir, 'dsl', '.iteration-1.json.123.4.tmp'), '{"partial');
    RunStore.open(dir);
    expect(readdirSync(join(dir, 'dsl'))).toEqual(['iteration-0.json']);
  });

  it('writes JSON atomically inside the run and never outside it', () => {
    const store = RunStore.create(fresh(), manifest);
    store.writeJson('candidates/x.json', { ok: true });
    expect(store.readJson<{ ok: boolean }>('candidates/x.json')).toEqual({ ok: true });
    expect(store.list('candidates')).toEqual(['x.json']);
    expect(store.readJson('candidates/none.json')).toBeUndefined();
    expect(() => store.writeJson('../escape.json', {})).toThrow(/outside the run/);
  });
});
