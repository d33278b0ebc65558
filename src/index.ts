/**
 * Public API of `gssnn-synth`. The everyday calls of a script are exported by name here (each
 * under one unambiguous name); every module is also exported whole as a namespace
 * (`dsl`, `synth`, `gssnn`, ...), the same surface as its own entry point
 * (`gssnn-synth/dsl`, ...). Named exports only: what is listed is the contract.
 *
 * ```ts
 * import { evaluateProgram, graphDsl, runProgramText } from 'gssnn-synth';
 * const outcome = runProgramText('(push (add (connect identity)))', { dsl: graphDsl() });
 * ```
 */
export * as util from './util/index.ts';
export * as dsl from './dsl/index.ts';
export * as data from './data/index.ts';
export * as synth from './synth/index.ts';
export * as gssnn from './gssnn/index.ts';
export * as analysis from './analysis/index.ts';
export * as queue from './queue/index.ts';
export * as leaderboard from './leaderboard/index.ts';
export * as pipeline from './pipeline/index.ts';

// Programs: text, types, evaluation.
export { graphDsl } from './dsl/domains/graphDsl.ts';
export type { Dsl } from './dsl/dsl.ts';
export { loadDsl, saveDsl } from './dsl/dslFile.ts';
export { evaluate as evaluateProgram, DEFAULT_BUDGET, type EvalBudget, type EvalError } from './dsl/evaluate.ts';
export type { ProgramGraph } from './dsl/graph.ts';
export { parseProgram, parseProgramOrThrow } from './dsl/parse.ts';
export { printProgram } from './dsl/print.ts';
export { runProgramText, type ProgramOutcome } from './dsl/programRecord.ts';
export type { Result } from './dsl/result.ts';
export type { Term } from './dsl/term.ts';
export { inferType } from './dsl/infer.ts';

// Synthesis: enumeration, library learning, the population loop.
export { grammarFromDsl, type Grammar } from './synth/grammar.ts';
export { explore, type ExploreOptions, type ExploreResult } from './synth/graphs/index.ts';
export { compress, type CompressionResult, type CompressOptions } from './synth/compress/index.ts';
export { runPopulationSearch, type PopulationSearchConfig, type PopulationSearchReport, type Trainer } from './synth/search.ts';
export { RunStore } from './synth/runStore.ts';

// Data and models.
export { listDatasets, loadDataset } from './data/datasets.ts';
export type { Dataset } from './data/dataset.ts';
export { initBackend } from './gssnn/backend.ts';
export { getPreset, type Preset, type PresetName } from './gssnn/presets.ts';
export { trainModel, type TrainedModel, type TrainModelRequest } from './gssnn/train/trainModel.ts';
export { loadModel, saveModel } from './gssnn/persist.ts';

// A search in one call.
export { populationSearchConfig, populationSearchInDirectory, localTrainer, type PopulationSearchRunOptions } from './pipeline/index.ts';

// Errors a user can fix (each with a kind, a message, where it happened and a hint).
export { UserFacingError } from './util/errors.ts';
