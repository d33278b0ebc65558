/**
 * Public API of `gssnn-synth/pipeline`: the library calls that compose the layers below, as a
 * script or a command uses them: the search loop's trainers (this machine, a Redis queue), a
 * whole search in one call, and one model trained and compared with its base rates.
 * Named exports only: what is listed here is the contract; anything else is internal.
 */
export { localTrainer, type LocalTrainerOptions } from './localTrainer.ts';
export { queueTrainer, type QueueTrainerOptions } from './queueTrainer.ts';
export { populationSearchConfig, populationSearchInDirectory, type PopulationSearchRunOptions } from './search.ts';
export { percent, pValueText, trainOne, type TrainOneRequest, type TrainOneResult, type TrainOneSummary } from './trainOne.ts';
export {
  BASELINE_KINDS,
  baselineModelKind,
  type BaselineName,
  DEFAULT_POPULATION_BATCH,
  failedOutcome,
  jobOf,
  outcomeOf,
  populationKeyOfJob,
  type TrainingConfig,
} from './trainingJobs.ts';
