/**
 * Public API of `gssnn-synth/analysis`. Measurements of trained models: data efficiency, coherence, generalization measures and their ranking, sharpness, the Hessian, dead neurons, pruning, geometry, SGLD and the reports over saved models.
 * Named exports only: what is listed here is the contract; anything else is internal.
 */
export { BASE_RATE_ALPHA, type BaseRateComparison, type BaseRateVerdict, compareWithBaseRate, verdictText } from './baseRate.ts';
export {
  CoherenceAccumulator,
  coherenceByLoop,
  coherenceDense,
  coherenceFromTotals,
  coherencePerLayer,
  type CoherencePoint,
  type CoherenceResult,
  CoherenceTracker,
  layerOf,
  mCoherence,
} from './coherence.ts';
export { type Correlation, spearman, spearmanWithInterval } from './correlation.ts';
export { CorruptionError, type CorruptionName, CORRUPTIONS, corruptSplit, parseCorruption, SEVERITIES } from './corruptions.ts';
export {
  areaUnderCurve,
  compareWithBaseline,
  type CurvePoint,
  learningCurve,
  type PairedComparison,
  runSweep,
  sizeToReach,
  type SweepRecord,
  type SweepSpec,
} from './dataEfficiency.ts';
export {
  activatingPruneStep,
  applyKernelMasks,
  deadNeuronRates,
  type DnrReport,
  DnrTracker,
  fullMasks,
  type KernelMasks,
  type LayerDnr,
  magnitudePrune,
  pruneWithRewinding,
  type PruningOptions,
  type PruningRound,
  restore,
  snapshot,
  sparsity,
} from './deadNeurons.ts';
export { DenseLayer, DenseStack, type DenseStackConfig, type DenseTrace } from './denseStack.ts';
export {
  type DifficultyGroup,
  difficultyGroups,
  learnedByEpoch,
  learnedEpochs,
  type LearnedEpochs,
  type TrainingLog,
  TrainingLogRecorder,
} from './difficulty.ts';
export { fit, type FitOptions, indexedBatch } from './fit.ts';
export {
  type GeometryReport,
  type GeometrySummary,
  HeadNotFoundError,
  lastLayerGeometry,
  linearHead,
  type LinearHead,
  penultimateFeatures,
  type PruningFate,
  pruningFates,
  reconstructLogit,
  type SampleGeometry,
  summarizeGeometry,
} from './geometry.ts';
export {
  deflatedTrace,
  denseMatrix,
  type Eigenpairs,
  hessianSummary,
  type HessianSummary,
  type HessianSummaryOptions,
  hutchinsonTrace,
  lanczos,
  lanczosRitzPairs,
  type LanczosRun,
  lanczosTopEigen,
  type LinearOperator,
  lossHessianOperator,
  matrixOperator,
  orthonormalize,
  powerIterationTopEigen,
  type RitzPairs,
  spectralDensity,
  type SpectralDensity,
  type TraceEstimate,
} from './hessian.ts';
export { type HypothesisWeightOptions, keptFraction, largestPriorScale, meanOutputKl } from './hypothesisWeight.ts';
export { type EigenDecomposition, jacobiEigen, type SymmetricMatrix, tridiagonal } from './linalg.ts';
export {
  accuracy,
  type LabelledBatch,
  batchFromArrays,
  batchGradient,
  disposeBatch,
  flatGradient,
  lossValue,
  meanCrossEntropy,
  perExampleCrossEntropy,
  variableGradients,
} from './loss.ts';
export {
  averageSharpness,
  CAN_BE_NEGATIVE,
  computeMeasures,
  MEASURE_CAPTIONS,
  MEASURE_NAMES,
  type MeasureName,
  type MeasureOptions,
  type MeasureValues,
  missingMeasureInputs,
  NEEDS_INITIAL_WEIGHTS,
  outputMargin,
  pacBayesSigma,
  parseMeasureList,
  pathNorm,
  rhoSharpness,
  spectralNorm,
} from './measures.ts';
export {
  coherenceReport,
  type CoherenceReport,
  type CoherenceSide,
  deadNeuronReport,
  hessianDensityChart,
  type HessianOptions,
  hessianReport,
  type HessianReport,
} from './modelDiagnostics.ts';
export {
  bayesStudy,
  type BayesStudy,
  type BayesStudyOptions,
  type DifficultyRun,
  difficultyStudy,
  type DifficultyStudyOptions,
  type GeometryRow,
  pruningStudy,
  type PruningStudy,
  type PruningStudyOptions,
  type RobustnessRow,
} from './modelStudies.ts';
export { type IndexedBatch, M3, Rm3, Saf, type SafOptions, Sam, Sgd, type UpdateRule, WinsorizedGd } from './optimizers.ts';
export { assignFlat, dot, flattenVariables, norm2, splitFlat, totalSize, variableSizes, withShiftedWeights } from './params.ts';
export { denseLayerSignals, type DenseLayerSignals, forEachExampleGradient, stackedExampleGradients } from './perExample.ts';
export {
  applyMasks,
  denseMasks,
  geometricSchedule,
  isPrunable,
  iterativePruning,
  type IterativePruningOptions,
  magnitudeMasks,
  MaskedRule,
  maskSparsity,
  prunedCount,
  type PruneRound,
  type PruningScope,
  restoreWeights,
  type SparsityCount,
  type WeightMasks,
  weightSnapshot,
} from './pruning.ts';
export { granulatedKendallTau, type GranulatedTau, kendallTau, type RankedModel, signError, type SignError } from './ranking.ts';
export { recordReluOutputs, reluDeadRates, type ReluReport, type ReluSite } from './reluSites.ts';
export { type ModelReportInput, writeModelReport, writeStructureReport } from './report.ts';
export { DEFAULT_STUDIES, defaultReportDir, isPopulationSearchRun, type ReportOptions, STUDIES, type StudyName, writeReport } from './reportRun.ts';
export {
  AnalysisInputError,
  analyzeModelDir,
  type AnalyzeOptions,
  analyzeRun,
  CAVEAT,
  datasetFor,
  DEFAULT_MEASURES,
  type DiagnosticOptions,
  findModelDirs,
  metadataWithSpec,
  type ModelAnalysis,
  modelNames,
  presetFor,
  type RunAnalysis,
  savedInitialWeights,
} from './savedModels.ts';
export {
  chainLength,
  ensembleCurve,
  modelPredictive,
  type ModelSgldOptions,
  type PredictiveRecord,
  type PredictiveScore,
  scorePredictive,
  sgldEnsemble,
  type SgldOptions,
  sgldSamples,
} from './sgld.ts';
export {
  activationPatternScore,
  logAbsDeterminant,
  randomNodeMasks,
  type ScoredMasks,
  scoreRandomMasks,
  type SparseSearchComparison,
  searchVersusRandom,
} from './sparseSearch.ts';
export { SPARSITY_DEFAULTS, sparsityStudy, type SparsityStudy, type SparsityStudyOptions } from './sparsityStudy.ts';
export {
  averageRanks,
  binomialLowerTail,
  binomialUpperTail,
  holmAdjust,
  incompleteBeta,
  mean,
  pairedTTest,
  sampleStd,
  studentTCdf,
  studentTQuantile,
  summarize,
  type Summary,
  type TestResult,
  wilcoxonSignedRank,
  wilsonInterval,
  Z95,
} from './stats.ts';
export {
  analyzeStructure,
  type BaselineScore,
  type CandidateStructure,
  graphProperties,
  type GraphProperties,
  programVocabulary,
  StructureInputError,
  type StructureReport,
  verdict,
} from './structure.ts';
