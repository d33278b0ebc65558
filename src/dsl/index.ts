/**
 * Public API of `gssnn-synth/dsl`. The program language: terms, types and inference, program text (parse, print), DSL files, the evaluator and the graph domain.
 * Named exports only: what is listed here is the contract; anything else is internal.
 */
export { DomainFailure, type DomainPrimitive, type ProgramFunction, type RunFunction, tailCall, TailCall } from './domain.ts';
export { checkAgainstDomain, type DomainSignature } from './domainCheck.ts';
export {
  addEdge,
  DEFAULT_MAX_CONN,
  edgeAt,
  type EdgeCell,
  edgeList,
  emptyGraph,
  graphPrimitives,
  type GraphState,
  graphStateType,
  type GraphStructure,
  initialState,
  nodeIds,
  type NodeStack,
  selected,
  toProgramGraph,
} from './domains/graph.ts';
export { GRAPH_DSL_NAME, graphDomain, graphDsl } from './domains/graphDsl.ts';
export {
  type Dsl,
  dslFromPrimitives,
  dslNames,
  type DslOptions,
  type InventionEntry,
  isValidName,
  type NewInvention,
  ORIGINAL_STATE_TYPE_NAME,
  type PrimitiveEntry,
  programRequest,
  STATE_TYPE_NAME,
  stateType,
  type TypedName,
  typeEnvOf,
  withInventions,
} from './dsl.ts';
export {
  DSL_FILE_FORMAT,
  DSL_FILE_VERSION,
  type DslFileJson,
  dslFileSchema,
  dslFromJson,
  dslToJson,
  loadDsl,
  type LoadDslOptions,
  saveDsl,
} from './dslFile.ts';
export {
  type DslError,
  DslFileError,
  DslTypeError,
  excerptAt,
  ParseError,
  positionOf,
  type TextPosition,
  type TypeErrorReason,
  UnknownNameError,
} from './errors.ts';
export { DEFAULT_BUDGET, type EvalBudget, type EvalError, evaluate, evaluateGraphState, type GraphEvalOptions, runOnState } from './evaluate.ts';
export { programGrammarSource, typeGrammarSource } from './grammar.ts';
export { type GraphEdge, type ProgramGraph } from './graph.ts';
export {
  type EdgeAttributes,
  fromOriginalJson,
  type NodeAttributes,
  type OriginalEdgeEntry,
  type OriginalGraphJson,
  toDot,
  toGraphology,
  toOriginalJson,
} from './graphFormats.ts';
export { canonicalType, checkType, inferInventionType, inferType, type TypeEnv, TypeUnifier } from './infer.ts';
export { DEFAULT_MASS_STEPS, type MassError, programMass, programSize } from './metrics.ts';
export { dslFromOriginalJson, type OriginalDslJson, originalDslSchema, typeFromOriginalJson, zodIssueToError } from './originalDsl.ts';
export { DEFAULT_MAX_PROGRAM_LENGTH, MAX_NESTING, MAX_TERM_DEPTH, type ParseOptions, parseProgram, parseProgramOrThrow, type ProgramForm } from './parse.ts';
export { type PrintForm, type PrintOptions, printProgram } from './print.ts';
export {
  outcomeRecord,
  type ProgramError,
  type ProgramErrorKind,
  type ProgramErrorRecordJson,
  type ProgramOutcome,
  type ProgramRecordJson,
  type ProgramRunOptions,
  runProgramText,
} from './programRecord.ts';
export { err, ok, type Result } from './result.ts';
export { closestNames, editDistance } from './suggest.ts';
export {
  app,
  type Apply,
  apps,
  idx,
  type Index,
  invention,
  type Invention,
  lam,
  type Lambda,
  param,
  type Param,
  prim,
  type Primitive,
  type Term,
  termDepth,
  termEquals,
  unApply,
} from './term.ts';
export { MAX_TYPE_LENGTH, MAX_TYPE_NESTING, parseType, type TypeParseOptions } from './typeSyntax.ts';
export {
  argumentTypes,
  arrow,
  ARROW,
  arrows,
  isArrow,
  resultType,
  showType,
  tcon,
  tvar,
  type Type,
  type TypeConstructor,
  typeEquals,
  type TypeVariable,
} from './types.ts';
