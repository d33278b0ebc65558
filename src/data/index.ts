/**
 * Public API of `gssnn-synth/data`. Data sets by name (MNIST tasks, RAVEN-style matrices), splits, label controls, the data cache and previews.
 * Named exports only: what is listed here is the contract; anything else is internal.
 */
export { assembleDataset, type AssembleRequest } from './assemble.ts';
export { drawText, GLYPH_HEIGHT, GLYPH_WIDTH, textWidth } from './bitmapFont.ts';
export { type CacheEntry, cachePath, defaultDataCacheDir, readCacheEntry, writeCacheEntry } from './cache.ts';
export { type Dataset, type LabelControl, type Split } from './dataset.ts';
export { type DatasetInfo, listDatasets, loadDataset, loadDatasetOnce, type LoadOptions, RAVEN_DEFAULTS } from './datasets.ts';
export { DataError } from './errors.ts';
export { applyLabelControl, resolveLabelControl, validateLabelControl } from './labelControl.ts';
export { cachedMnistDigits, loadMnistDigits, MNIST_NATIVE_SIZE, type MnistDigits, mnistPool, type MnistTask, parseMnistPackage } from './mnist.ts';
export { MNIST_TASKS, type MnistTaskEntry } from './mnistTasks.ts';
export { baseRate, classFractions, exampleSize, type LabelledPool } from './pool.ts';
export { CLASS_COLOURS, classColour, MAX_PREVIEW_EXAMPLES, type PreviewRequest, renderPreview } from './preview.ts';
export { checkMatrix } from './raven/check.ts';
export {
  ANGLES,
  BACKGROUNDS,
  type Bounds,
  COLORS,
  type ComponentKind,
  type ComponentSpec,
  type Configuration,
  type ConfigurationName,
  CONFIGURATIONS,
  type LayoutName,
  ORIGINAL_CONFIGURATION_WEIGHTS,
  SIZES,
  type Slot,
  type StructureName,
  TYPES,
  UNIFORMITY,
} from './raven/domains.ts';
export {
  type ComponentMatrix,
  type ComponentPanel,
  corpusMatrix,
  type EntityValues,
  generateMatrix,
  type GeneratorOptions,
  type RavenMatrix,
} from './raven/generate.ts';
export {
  corpusRules,
  generateRavenPool,
  generatorOptions,
  loadRavenPool,
  type PoolChunk,
  poolKey,
  RAVEN_GENERATOR_VERSION,
  type RavenPool,
  type RavenPoolRequest,
  type RenderedChunk,
  renderPoolChunk,
} from './raven/pool.ts';
export { defaultSupersample, renderMatrix, type RenderOptions } from './raven/render.ts';
export {
  type ComponentRules,
  type ConfigurationAttribute,
  drawComponentRules,
  type EntityAttribute,
  FULL_RULESET,
  ORIGINAL_RULESET,
  pruneBounds,
  type PrunedBounds,
  type Rule,
  RULE_NAMES,
  type RuleName,
  type Ruleset,
} from './raven/rules.ts';
export { type MatrixRules, RAVEN_TASKS, type RavenTask, type RulesetName } from './raven/tasks.ts';
export { resizeGray } from './resize.ts';
export { type SplitIndices, splitPool, type SplitSizes, stratifiedOrder } from './splits.ts';
export { type DatasetSummary, summarizeDatasets, type SummaryOptions } from './summary.ts';
