import { operationFromDocument } from '@apollo/federation-internals';
import type { FetchNode, PlanNode, QueryPlan } from '@apollo/query-planner';
import { GraphQLError, getOperationAST, validate, type DocumentNode } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import type { LoadedSupergraph } from '../supergraph';

/** A subscription planned on one supergraph: everything its events are completed with. */
export interface SubscriptionPlan {
  supergraph: LoadedSupergraph;
  /** The fetch the owning subgraph serves as a subscription. */
  primary: FetchNode;
  /** The primary fetch followed by the fields other subgraphs add, run for each event. */
  eventPlan: QueryPlan;
}

export interface PlannableRequest {
  document: DocumentNode;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/**
 * Plans a subscription, or says why it cannot run on this supergraph (a GraphQLError with
 * its code). Transports validated the document already; router/reload validates it again
 * (`validateSubscription`) before re-planning an open one on a new supergraph.
 */
export function planSubscription(
  supergraph: LoadedSupergraph,
  request: PlannableRequest,
): SubscriptionPlan | GraphQLError {
  let plan: QueryPlan;
  try {
    const operation = operationFromDocument(supergraph.apiSchema, request.document, {
      operationName: request.operationName ?? undefined,
    });
    plan = supergraph.planner.buildQueryPlan(operation);
  } catch (error) {
    return validationFailed((error as Error).message);
  }
  const node = plan.node;
  if (node?.kind !== 'Subscription')
    return new GraphQLError('Not a subscription operation', {
      extensions: { code: 'BAD_REQUEST' },
    });
  const { primary, rest } = node;
  return {
    supergraph,
    primary,
    eventPlan: { kind: 'QueryPlan', node: rest ? sequence(primary, rest) : primary },
  };
}

/** The document against every graphql-js rule: a dropped field, type or argument fails here. */
export function validateDocument(
  supergraph: LoadedSupergraph,
  document: DocumentNode,
): GraphQLError | null {
  const errors = validate(supergraph.apiGraphQLSchema, document);
  return errors.length ? validationFailed(errors[0]!.message) : null;
}

/** The request's variables against its operation's declared types (an input type changed). */
export function validateVariables(
  supergraph: LoadedSupergraph,
  request: PlannableRequest,
): GraphQLError | null {
  const definition = getOperationAST(request.document, request.operationName ?? undefined);
  if (!definition) return validationFailed('No operation to run');
  try {
    const coerced = getVariableValues(
      supergraph.apiGraphQLSchema,
      definition.variableDefinitions ?? [],
      request.variables ?? {},
    );
    return coerced.errors?.length ? validationFailed(coerced.errors[0]!.message) : null;
  } catch (error) {
    return validationFailed((error as Error).message);
  }
}

/**
 * Whether events of `before`'s subgraph subscription can be completed with `after`: same
 * subgraph, same operation text, same variables. Then the open upstream stays as it is.
 */
export function samePrimary(before: FetchNode, after: FetchNode): boolean {
  return (
    before.serviceName === after.serviceName &&
    before.operation === after.operation &&
    (before.operationName ?? null) === (after.operationName ?? null) &&
    JSON.stringify(before.variableUsages ?? []) === JSON.stringify(after.variableUsages ?? [])
  );
}

function validationFailed(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
}

function sequence(primary: FetchNode, rest: PlanNode): PlanNode {
  return { kind: 'Sequence', nodes: [primary, rest] };
}
