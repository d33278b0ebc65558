/** What two runs of `synth search` must agree on, and which trainings a run recorded. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Timings differ between runs of the same search; everything else must not. */
function withoutTimings(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (key, v) => (key === 'trainSeconds' || key === 'seconds' || key === 'time' ? undefined : v)));
}

/** Every candidate, baseline, population, selection, DSL file and the report of a run, timings removed. */
export function finalRecords(dir: string): Record<string, unknown> {
  const records: Record<string, unknown> = {};
  for (const sub of ['candidates', 'baselines']) {
    for (const f of readdirSync(join(dir, sub)).sort()) records[`${sub}/${f}`] = withoutTimings(readJson(join(dir, sub, f)));
  }
  for (const k of readdirSync(join(dir, 'iterations')).sort()) {
    records[`iterations/${k}/selection`] = readJson(join(dir, 'iterations', k, 'selection.json'));
    records[`iterations/${k}/population`] = withoutTimings(readJson(join(dir, 'iterations', k, 'population.json')));
  }
  for (const f of readdirSync(join(dir, 'dsl')).sort()) records[`dsl/${f}`] = readJson(join(dir, 'dsl', f));
  records.report = readJson(join(dir, 'report.json'));
  return records;
}

/** Ids of the `trained` events in a run's event log, in order (one per finished training). */
export function trainedIds(dir: string): string[] {
  return readFileSync(join(dir, 'events.ndjson'), 'utf8')
    .split('\n')
    .filter((l) => l.endsWith('}'))
    .map((l) => JSON.parse(l) as { type: string; id?: string })
    .filter((e) => e.type === 'trained')
    .map((e) => e.id!);
}
