/**
 * Public API of `gssnn-synth/pipeline`: the library calls that compose the layers below, as a
 * script or a command uses them: the search loop's trainers (this machine, a Redis queue) and a
 * whole search in one call.
 * Named exports only: what is listed here is the contract; anything else is internal.
 */
export { localTrainer, type LocalTrainerOptions } from './localTrainer.ts';
export { queueTrainer, type QueueTrainerOptions } from './queueTrainer.ts';
export { searchConfig, searchInDirectory, type SearchRunOptions } from './search.ts';
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
