/**
 * The built-in graph DSL: the graph domain's ten primitives, uniformly weighted, state `S`.
 * Kept apart from the table so the table stays free of typing machinery.
 */
import type { DomainSignature } from '../domainCheck.ts';
import { dslFromPrimitives, type Dsl } from '../dsl.ts';
import { graphPrimitives, graphStateType } from './graph.ts';

export const GRAPH_DSL_NAME = 'graph';

/** What a DSL file for graph programs is checked against when it is loaded. */
export const graphDomain: DomainSignature = { name: 'graph', stateType: graphStateType, primitives: graphPrimitives };

export function graphDsl(): Dsl {
  return dslFromPrimitives(graphPrimitives, { name: GRAPH_DSL_NAME, stateType: graphStateType });
}
