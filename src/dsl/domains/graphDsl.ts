/**
 * The built-in graph DSL: the graph domain's ten primitives, uniformly weighted, state `S`.
 * Kept apart from the table so the table stays free of typing machinery.
 */
import { dslFromPrimitives, type Dsl } from '../dsl.ts';
import { graphPrimitives, graphStateType } from './graph.ts';

export const GRAPH_DSL_NAME = 'graph';

export function graphDsl(): Dsl {
  return dslFromPrimitives(graphPrimitives, { name: GRAPH_DSL_NAME, stateType: graphStateType });
}
