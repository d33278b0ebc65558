/**
 * Library learning by compression (Stitch's algorithm): the subsystem's one entry point. Code
 * outside this folder imports from here, never from the files behind it.
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
} from './learn.ts';
export { corpusFacts, type CorpusFacts, MANY_PROGRAMS } from './corpus.ts';
export {
  type AbstractionBody,
  canonicalKey,
  dreamcoderBody,
  inlineAbstractions,
  shiftTerm,
  stitchText,
  substituteParams,
  withStitchTags,
} from './inline.ts';
export { CorpusFormatError, parseStitchCorpus } from './io.ts';
export { APP, type CostModel, IVAR, LAM, NodeSet, PRIM, STITCH_COST, taggedIdx, type TaggedIndex, taggedLam, type TaggedLambda, VAR } from './nodes.ts';
export { rewriteCorpus } from './rewrite.ts';
export { type FoundAbstraction, METAVAR, searchBestAbstraction, type AbstractionSearchOptions, type AbstractionSearchStats, SYMVAR } from './abstractionSearch.ts';
export { annotateTdfa, type Tdfa, type TdfaAnnotations, TdfaError, type TdfaOptions } from './tdfa.ts';
export { withAbstractions } from './typing.ts';
export { ARG, BODY, childOf, EMPTY_ZIPPER, FUNC, Zippers } from './zippers.ts';
