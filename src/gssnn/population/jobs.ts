/**
 * A group of training jobs as one unit of work: jobs whose models can share a population
 * (population/trainer.ts) train together, the others one at a time, and each job gets the
 * result it would get alone. The unit that `synth search`, its worker threads and queue
 * workers hand out when `--population-batch` is above 1.
 */
import type { Dataset } from '../../data/dataset.ts';
import { initBackend, parseBackendName } from '../backend.ts';
import { getPreset } from '../presets.ts';
import { datasetFor, finishJob, foldOf, runTrainJob, type TrainJob, type TrainJobResult } from '../train/job.ts';
import { planTraining } from '../train/trainModel.ts';
import { errorMessage, PopulationPools, type Outcome } from './pools.ts';
import { populationKey } from './trainer.ts';

export type JobOutcome = Outcome<TrainJobResult>;

/** Trains `jobs` (populations where they fit) and returns one outcome per job, in order. */
export async function runTrainJobGroup(jobs: readonly TrainJob[]): Promise<JobOutcome[]> {
  const outcomes: JobOutcome[] = new Array(jobs.length);
  const pools = new PopulationPools<TrainJob>();
  let backend = '';
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i];
    try {
      backend = (await initBackend(job.backend === undefined ? undefined : parseBackendName(job.backend))).name;
      const full: Dataset = await datasetFor(job);
      const data = job.fold ? foldOf(full, job.fold.k, job.fold.index) : full;
      const { spec, config } = planTraining({
        kind: job.kind,
        preset: getPreset(job.preset),
        data,
        graph: job.graph,
        elements: job.elements,
        seed: job.seed,
        train: job.epochs === undefined ? {} : { epochs: job.epochs },
      });
      const member = { spec, data, config };
      const key = populationKey(member);
      if (key === null) {
        outcomes[i] = { ok: true, value: await runTrainJob(job) };
        continue;
      }
      pools.add(key, i, job, member);
    } catch (err) {
      outcomes[i] = { ok: false, error: errorMessage(err) };
    }
  }
  pools.train(outcomes, (job, trained) => finishJob(job, trained.model, trained.result, trained.initialWeights, backend));
  return outcomes;
}
