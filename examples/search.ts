/** A whole search from a script (README): explore, train, select, compress, on this machine. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { populationSearchConfig, populationSearchInDirectory } from 'gssnn-synth/pipeline';

const config = populationSearchConfig(
  { data: 'mnist-0v1', dataSeed: 0, preset: 'tiny', trainSize: 64, epochs: 1 },
  { iterations: 1, population: 3, keep: 1, explore: { maxPrograms: 300, maxSize: 20, strategy: 'novelty' }, baselines: ['linear'] },
);
const dir = join(mkdtempSync(join(tmpdir(), 'search-')), 'run');
const report = await populationSearchInDirectory({ dir, config });
for (const best of report.best) console.log(`kept: ${best.program} (validation ${(100 * best.validation).toFixed(1)}%)`);
console.log(`searched: ${report.candidatesTrained} candidates trained, records in ${dir}`);
