/**
 * Domain-free enumeration: Heap Search over a grammar, the state search over any step domain,
 * the priority queue they share, and the strategies by name. Nothing here knows a domain; code
 * outside this folder imports from here.
 */
export { type EnumeratedProgram, enumeratePrograms, HeapSearch, type HeapSearchOptions, type EnumerationProgress } from './heapSearch.ts';
export { MaxHeap } from './priorityQueue.ts';
export {
  DEFAULT_MAX_STATES,
  type InventionUse,
  searchStates,
  type StateProgram,
  type StateSearchOptions,
  StateSearchStats,
  type StepDomain,
} from './stateSearch.ts';
export { searchWindows, type WindowProgram, type WindowSearchOptions, WindowSearchStats } from './windowSearch.ts';
export {
  DEFAULT_PER_CLASS_EXPANSIONS,
  type EnumerationSettings,
  type EnumerationStrategy,
  enumerationStrategy,
  ENUMERATION_STRATEGIES,
  ENUMERATION_STRATEGY_NAMES,
  type EnumerationStrategyName,
  isEnumerationStrategy,
  type StrategyProgram,
  StrategyStats,
} from './strategies.ts';
