/**
 * Public API of `gssnn-synth/gssnn`. The neural side: tensor backends and kernels, message-passing layers, graph injection, encoders, G-SSNN and baseline models, training (alone and in populations), saved models and training jobs.
 * Named exports only: what is listed here is the contract; anything else is internal.
 */
export { activeBackend, BACKEND_NAMES, BackendChoiceError, type BackendInfo, type BackendName, initBackend, parseBackendName } from './backend.ts';
export { type DoctorOptions, type DoctorReport, formatDoctorReport, runDoctor } from './doctor.ts';
export { type Encoder } from './encoders/encoder.ts';
export { buildEncoder, type EncoderConfig, type OwnedEncoder } from './encoders/index.ts';
export { MlpEncoder, type MlpEncoderConfig } from './encoders/mlp.ts';
export { sinCos2d, sinCos2dGrid } from './encoders/positional.ts';
export { conv3x3Same, validateVitConfig, VitEncoder, type VitEncoderConfig } from './encoders/vit.ts';
export { euclideanNorm, hessianVectorProduct } from './hvp.ts';
export {
  type Chunk,
  elementChunks,
  elementCode,
  type ElementRow,
  Injection,
  InjectionError,
  type InjectionOptions,
  type InjectionPlan,
  type Message,
  planInjection,
  tilingIndex,
} from './inject.ts';
export { installCpuMatmul } from './kernels/cpuMatmul.ts';
export { gatherRows, segmentMax, segmentMean, segmentSoftmax, segmentSum } from './kernels/ops.ts';
export {
  GATHER_ROWS,
  install,
  type KernelBackendLike,
  type OutputSpec,
  registerSegmentKernels,
  runOnArrays,
  SCATTER_ROWS,
  SEGMENT_MAX_ARG,
  SEGMENT_MAX_GRAD,
} from './kernels/register.ts';
export { gatherRowsInto, scatterRowsInto, segmentCounts, segmentMaxGradInto, segmentMaxInto, segmentSumInto } from './kernels/segment.ts';
export { installWasmSharedIdentity } from './kernels/wasmIdentity.ts';
export { installWasmMatmul } from './kernels/wasmMatmul.ts';
export { loadOpenBlas, type OpenBlasAddon, openBlasAvailable, openBlasMatmulKernel, useNativeKernels } from './kernels/openblas.ts';
export { type Activation, glorotVariable, Linear, Mlp } from './layers/dense.ts';
export { Gat, type GatOptions } from './layers/gat.ts';
export { Gcn, type GcnOptions } from './layers/gcn.ts';
export { Gin, type GinOptions } from './layers/gin.ts';
export { Gine, type GineOptions, type UpdateNetwork } from './layers/gine.ts';
export {
  type Aggregation,
  type EdgeList,
  GraphBatch,
  type TensorGraph,
  SharedGraph,
  undirectedEdges,
  validateEdgeList,
  withSelfLoops,
} from './layers/graphs.ts';
export { type EdgeContext, MessagePassing } from './layers/messagePassing.ts';
export { Sage, type SageOptions } from './layers/sage.ts';
export { type Model } from './models/model.ts';
export { GssnnModel, gssnnLayer } from './models/gssnn.ts';
export { EncoderHeadModel } from './models/heads.ts';
export { buildModel, DEFAULT_CONTROL_SIZE, encoderFor, ModelSpecError, specFor, type SpecRequest } from './models/index.ts';
export { classLogits, outputWidth, usesSingleLogit } from './models/output.ts';
export {
  type GnnConfig,
  type ModelFamily,
  type ModelKind,
  MODEL_KIND_NAMES,
  modelKindFromName,
  modelKindName,
  type ModelKindName,
  type ModelSpec,
} from './models/spec.ts';
export {
  chainGraph,
  completeGraph,
  completeNodesFor,
  controlWiring,
  randomGraph,
  starGraph,
  treeNodesFor,
  WIRING_KINDS,
  type WiringKind,
} from './models/wiring.ts';
export { createLayerNorm, dropout, gelu, layerNorm, type LayerNorm } from './nn/ops.ts';
export { type Init, ParamStore } from './nn/params.ts';
export {
  INITIAL_WEIGHTS_FILE,
  loadInitialWeights,
  loadModel,
  readManifest,
  SAVED_MODEL_FORMAT,
  SavedModelError,
  type SavedModelManifest,
  type SavedWeight,
  saveModel,
  type SaveOptions,
} from './persist.ts';
export { type AdamSettings, POPULATION_ADAM, PopulationAdam, registerPopulationKernels } from './population/adam.ts';
export { dropoutBlock, type DropoutBlock, fillDropoutBlock, fillDropoutBlocks, keptScale } from './population/dropoutMasks.ts';
export { messageIndices, planWiring, type PopulationWiring } from './population/graphTables.ts';
export { populationGroups } from './population/groups.ts';
export { type JobOutcome, runTrainJobGroup } from './population/jobs.ts';
export { architectureKey, attentionRows, convTapRows, familyOf, type NetworkFamily, PopulationNetwork, populationUnsupported } from './population/network.ts';
export { errorMessage, type Outcome, PopulationPools } from './population/pools.ts';
export { gatherRowsOfMembers, oneHotOfMembers, type StagedSplit, stageSplit } from './population/staging.ts';
export { populationKey, type PopulationMember, populationStep, type TrainedMember, trainPopulation } from './population/trainer.ts';
export { getPreset, type ImageEncoderSizes, type Preset, PRESET_NAMES, type PresetName, PRESETS, scheduleFor } from './presets.ts';
export {
  type GineProbeConfig,
  type GineProbeResult,
  matmulGflops,
  probeGineTraining,
  randomConnectedGraph,
  type Rate,
  stockUnsortedSegmentSum,
  type Throughput,
  timeCalls,
} from './probe.ts';
export { REREGISTERED_KERNELS, withDifferentiableGradients } from './secondOrder.ts';
export { type TrainingBatch, epochBatches, makeBatch } from './train/batches.ts';
export {
  createGradientRule,
  GRADIENT_RULES,
  type GradientRule,
  type GradientRuleConfig,
  loopedExampleGradients,
  type LossFn,
  medianOfThree,
  type PerExampleGradients,
  plainGradient,
  type RuleBatch,
  type RuleContext,
  softenedKl,
  winsorizedMean,
} from './train/gradientRules.ts';
export { classificationLoss, correctCount, LOSS_KINDS, type LossKind } from './train/losses.ts';
export { createOptimizer, type Optimizer, type OptimizerConfig } from './train/optimizers.ts';
export { type PlateauConfig, ReduceLrOnPlateau } from './train/scheduler.ts';
export {
  type EpochInfo,
  type EpochRecord,
  epochsFor,
  evaluateModel,
  exampleOrder,
  type SplitMetrics,
  type StepInfo,
  train,
  type TrainCallbacks,
  type TrainConfig,
  type TrainResult,
  type TrainStatus,
  trainStep,
  validateTrainConfig,
} from './train/trainer.ts';
export { datasetFor, finishJob, foldOf, runTrainJob, type TrainJob, type TrainJobData, type TrainJobResult } from './train/job.ts';
export { planTraining, type TrainedModel, trainModel, type TrainModelRequest } from './train/trainModel.ts';
