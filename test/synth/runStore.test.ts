import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { abandonHeldLocks, LOCK_FILE, RunLockedError } from '../../src/synth/runLock.ts';
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

/** The pid of a process that has exited (its lock is stale). */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe('RunStore', () => {
  it('creates, resumes and refuses to overwrite', () => {
    const dir = fresh();
    const store = RunStore.create(dir, manifest);
    expect(store.manifest.format).toBe(RUN_FORMAT_VERSION);
    store.close();
    expect(() => RunStore.create(dir, manifest)).toThrowError(RunStoreError);
    const resumed = RunStore.resume(dir);
    expect(resumed.manifest.runId).toBe('r1');
    resumed.close();
  });

  it('refuses runs of another format version, damaged manifests and missing runs', () => {
    const dir = fresh();
    RunStore.create(dir, manifest).close();
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, format: 999 }));
    expect(() => RunStore.resume(dir)).toThrow(/format 999/);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, format: RUN_FORMAT_VERSION, seed: 'one' }));
    expect(() => RunStore.open(dir)).toThrow(/field "seed"/);
    expect(() => RunStore.resume(fresh())).toThrow(/holds no run/);
  });

  it('keeps whole events, drops a torn last line on resume and chains every line to the one before', () => {
    const dir = fresh();
    const store = RunStore.create(dir, manifest);
    store.appendEvent({ type: 'a', n: 1 });
    store.appendEvent({ type: 'b', n: 2 });
    appendFileSync(join(dir, 'events.ndjson'), '{"type":"c","n"');
    expect(store.readEvents().map((e) => e.event.type)).toEqual(['a', 'b']);
    abandonHeldLocks();
    const reopened = RunStore.resume(dir);
    expect(readFileSync(join(dir, 'events.ndjson'), 'utf8').endsWith('}\n')).toBe(true);
    reopened.appendEvent({ type: 'd' });
    expect(reopened.readEvents().map((e) => [e.line, e.event.type])).toEqual([[1, 'a'], [2, 'b'], [3, 'd']]);
    reopened.close();

    // An edited line breaks the chain at the line after it.
    const text = readFileSync(join(dir, 'events.ndjson'), 'utf8');
    writeFileSync(join(dir, 'events.ndjson'), text.replace('"n":2', '"n":3'));
    expect(() => RunStore.resume(dir)).toThrow(/line 3: field "prev": does not follow line 2/);
    writeFileSync(join(dir, 'events.ndjson'), `${text}garbage\n`);
    expect(() => RunStore.resume(dir)).toThrow(/line 4: not a JSON event/);
  });

  it('removes the temporary files of interrupted atomic writes on resume, not when read only', () => {
    const dir = fresh();
    const store = RunStore.create(dir, manifest);
    store.writeJson('dsl/iteration-0.json', { ok: true });
    store.close();
    writeFileSync(join(dir, 'dsl', '.iteration-1.json.123.4.tmp'), '{"partial');
    RunStore.open(dir);
    expect(readdirSync(join(dir, 'dsl'))).toHaveLength(2);
    RunStore.resume(dir).close();
    expect(readdirSync(join(dir, 'dsl'))).toEqual(['iteration-0.json']);
  });

  it('writes JSON atomically inside the run and never outside it; read-only stores write nothing', () => {
    const dir = fresh();
    const store = RunStore.create(dir, manifest);
    store.writeJson('candidates/x.json', { ok: true });
    expect(store.readJson<{ ok: boolean }>('candidates/x.json')).toEqual({ ok: true });
    expect(store.list('candidates')).toEqual(['x.json']);
    expect(store.readJson('candidates/none.json')).toBeUndefined();
    expect(() => store.writeJson('../escape.json', {})).toThrow(/outside the run/);
    expect(() => store.writeJson('/tmp/escape.json', {})).toThrow(/outside the run/);
    store.close();
    expect(() => RunStore.open(dir).writeJson('candidates/y.json', {})).toThrow(/read-only/);
  });

  it('lets one process at a time write a run and names the holder to the others', () => {
    const dir = fresh();
    const store = RunStore.create(dir, { ...manifest, command: 'synth search --out run' });
    let refused: unknown;
    try {
      RunStore.resume(dir);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(RunLockedError);
    expect((refused as Error).message).toContain(`pid ${process.pid} on ${hostname()}`);
    expect((refused as Error).message).toContain('synth search --out run');
    expect(() => RunStore.create(dir, manifest)).toThrow(/already holds a run/);
    store.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    RunStore.resume(dir).close();
  });

  it('recovers stale locks: a dead pid on this host, or this pid with no live holder here', () => {
    const dir = fresh();
    RunStore.create(dir, manifest).close();
    const stale = { pid: deadPid(), host: hostname(), since: '2026-01-01T00:00:00Z', token: 'dead' };
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(stale));
    const store = RunStore.resume(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    abandonHeldLocks();
    RunStore.resume(dir).close();
    store.close();

    // Another host's lock cannot be checked from here: refused, with how to clear it.
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ ...stale, host: 'elsewhere.example' }));
    expect(() => RunStore.resume(dir)).toThrow(/in use by pid \d+ on elsewhere\.example/);
  });

  it('starts a run where an earlier creation was killed, and says so to --resume', () => {
    const dir = fresh();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: hostname(), since: 'x', token: 't' }));
    writeFileSync(join(dir, '.manifest.json.123.0.tmp'), '{"form');
    expect(() => RunStore.resume(dir)).toThrow(/creation was interrupted/);
    const store = RunStore.create(dir, manifest);
    expect(readdirSync(dir).sort()).toEqual(['manifest.json', LOCK_FILE]);
    store.close();
    const other = fresh();
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'notes.txt'), 'mine');
    expect(() => RunStore.create(other, manifest)).toThrow(/not empty \(it holds notes\.txt\)/);
  });
});
