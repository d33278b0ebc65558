/** Population training: K models of one architecture trained in one computation. */
export { trainPopulation, populationKey, populationStep, type PopulationMember, type TrainedMember } from './trainer.ts';
export { PopulationNetwork, architectureKey, familyOf, populationUnsupported, type NetworkFamily } from './network.ts';
export { PopulationAdam, registerPopulationKernels } from './adam.ts';
export { populationGroups } from './groups.ts';
export { runTrainJobGroup, type JobOutcome } from './jobs.ts';
export { PopulationPools, type Outcome } from './pools.ts';
export { stageSplit, type StagedSplit } from './staging.ts';
