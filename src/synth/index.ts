/**
 * Public API of `gssnn-synth/synth`. Synthesis: grammars from a DSL, best-first enumeration, graph dedupe, reweighting, compression (library learning) and the population loop with its run store.
 * Named exports only: what is listed here is the contract; anything else is internal.
 */
export {
  abstractionToInvention,
  compress,
  type CompressionResult,
  compressionResultJson,
  type CompressOptions,
  corpusCost,
  CorpusError,
  DEFAULT_COMPRESS_STEPS,
  inlineResult,
  type LearnedAbstraction,
  MAX_ABSTRACTION_ARITY,
  rewrittenWithInventions,
} from './compress.ts';
export { corpusFacts, type CorpusFacts, MANY_PROGRAMS } from './compressCorpus.ts';
export {
  type AbstractionBody,
  canonicalKey,
  dreamcoderBody,
  inlineAbstractions,
  shiftTerm,
  stitchText,
  substituteParams,
  withStitchTags,
} from './compressInline.ts';
export { CorpusFormatError, parseStitchCorpus } from './compressIo.ts';
export { APP, type CostModel, IVAR, LAM, NodeSet, PRIM, STITCH_COST, taggedIdx, type TaggedIndex, taggedLam, type TaggedLambda, VAR } from './compressNodes.ts';
export { rewriteCorpus } from './compressRewrite.ts';
export { type FoundAbstraction, METAVAR, searchBestAbstraction, type SearchOptions, type SearchStats, SYMVAR } from './compressSearch.ts';
export { annotateTdfa, type Tdfa, type TdfaAnnotations, TdfaError, type TdfaOptions } from './compressTdfa.ts';
export { withAbstractions } from './compressTyping.ts';
export { ARG, BODY, childOf, EMPTY_ZIPPER, FUNC, Zippers } from './compressZippers.ts';
export { type Coverage, coverageOf } from './coverage.ts';
export {
  canonicalStateKey,
  DEFAULT_EXPLORE_BUDGET,
  DEFAULT_PER_CLASS_EXPANSIONS,
  explore,
  EXPLORE_STRATEGIES,
  type ExploreOptions,
  type ExploreProgress,
  type ExploreResult,
  type ExploreStrategy,
  type FoundGraph,
  graphStepDomain,
  isGraphStep,
  simpleGraphOfState,
  unusedInventions,
} from './explore.ts';
export {
  applyProduction,
  buildGrammar,
  derive,
  type Grammar,
  type GrammarEntry,
  GrammarError,
  grammarFromDsl,
  type GrammarOptions,
  type GrammarSource,
  grammarSourceOf,
  type GrammarSymbol,
  logProbabilityOf,
  logSumExp,
  type Production,
  type ProductionKind,
  type ProductionUse,
  showGrammar,
  withLogProbabilities,
} from './grammar.ts';
export { type EnumeratedProgram, enumeratePrograms, HeapSearch, type HeapSearchOptions, type SearchProgress } from './heapSearch.ts';
export {
  type CatalogEntry,
  edgeCount,
  embeds,
  findIsomorphism,
  GraphCatalog,
  invariantKey,
  isConnected,
  isomorphic,
  simpleGraph,
  type SimpleGraph,
  simpleGraphOf,
  weisfeilerLehmanColours,
} from './isomorphism.ts';
export { MaxHeap } from './priorityQueue.ts';
export { expectedCounts, reweight, ReweightError, type ReweightOptions, type WeightedProgram } from './reweight.ts';
export { reweightDsl } from './reweightDsl.ts';
export { abandonHeldLocks, LOCK_FILE, type LockHolder, RunLock, RunLockedError } from './runLock.ts';
export {
  baselineRecordSchema,
  baseRateSchema,
  candidateRecordSchema,
  firstIssue,
  libraryEntrySchema,
  librarySchema,
  loggedEventSchema,
  populationSchema,
  readRecordFile,
  RECORD_DIRECTORIES,
  RECORD_FILES,
  recordSchemaFor,
  reportSchema,
  searchConfigFromManifest,
  searchConfigSchema,
  selectionSchema,
} from './runRecords.ts';
export { modelDigests, recoverRun, type RecoveryNote, RunRecoveryError } from './runRecovery.ts';
export { type LoggedEvent, RUN_FORMAT_VERSION, type RunEvent, type RunManifest, RunStore, RunStoreError, type RunStoreErrorKind } from './runStore.ts';
export { allCandidates, candidateId, runPaths, runSearch } from './search.ts';
export {
  type BaselineRecord,
  type CandidateMetrics,
  type CandidateRecord,
  type PopulationFile,
  type SearchConfig,
  SearchError,
  type SearchEvent,
  type SearchReport,
  type Selection,
  type SelectionMetric,
  type SplitScore,
  type Trainer,
  type TrainOutcome,
  type TrainRequest,
  validateSearchConfig,
} from './searchRecords.ts';
export { connectedGraphs, connectedGraphsBetween } from './smallGraphs.ts';
export { searchStates, type StateProgram, type StateSearchOptions, StateSearchStats, type StepDomain } from './stateSearch.ts';
export {
  DEFAULT_FIND_MAX_STATES,
  findGraphProgram,
  findPrograms,
  type FindGraphOptions,
  type FindGraphResult,
  type FindOptions,
  type FindResult,
  type FindStop,
  type FoundProgram,
} from './find.ts';
export { parseTargetGraph, type TargetFormat, type TargetGraph } from './targetGraph.ts';
export { constructProgram } from './constructProgram.ts';
