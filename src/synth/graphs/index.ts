/**
 * The graph domain's side of synthesis: exploration (programs deduped by graph isomorphism),
 * the graph step domain with its state keys, isomorphism and graph catalogs, coverage of small
 * graphs, and finding a program for a target graph. Code outside this folder imports from here.
 */
export { type Coverage, coverageOf } from './coverage.ts';
export {
  DEFAULT_EXPLORE_BUDGET,
  explore,
  type ExploreOptions,
  type ExploreProgress,
  type ExploreResult,
  type FoundGraph,
  unusedInventions,
} from './explore.ts';
export {
  DEFAULT_FIND_MAX_STATES,
  findGraphProgram,
  findPrograms,
  findUnderRaisedLimits,
  type FindGraphOptions,
  type FindGraphResult,
  type FindOptions,
  type FindResult,
  type FindStop,
  type FoundProgram,
} from './find.ts';
export { constructProgram } from './constructProgram.ts';
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
export { connectedGraphs, connectedGraphsBetween } from './smallGraphs.ts';
export { canonicalStateKey, type SavedCursor, simpleGraphOfState } from './stateKey.ts';
export { graphStepDomain, isGraphStep, isGraphStepWith } from './stepDomain.ts';
export { parseTargetGraph, type TargetFormat, type TargetGraph } from './targetGraph.ts';
