import { operationFromDocument } from '@apollo/federation-internals';
import { buildOperationContext } from '@apollo/gateway';
import { LruMap } from '../../platform/lru-map';
import type { FetchNode, PlanNode, QueryPlan } from '@apollo/query-planner';
import { GraphQLError, getOperationAST, print, validate, type DocumentNode } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import type { LoadedSupergraph } from '../supergraph';

/** A subscription planned on one supergraph: everything its events are completed with. */
export interface SubscriptionPlan {
  supergraph: LoadedSupergraph;
  /** The fetch the owning subgraph serves as a subscription. */
  primary: FetchNode;
  /** The primary fetch followed by the fields other subgraphs add, run for each event. */
  eventPlan: QueryPlan;
  /** The operation as the plan executor reads it (its fragments, its definition). */
  operationContext: OperationContext;
}

export interface PlannableRequest {
  document: DocumentNode;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** Distinct subscription documents whose plans one supergraph keeps. */
const PLANS_PER_SUPERGRAPH = 1000;

type OperationContext = ReturnType<typeof buildOperationContext>;
const plansOf = new WeakMap<LoadedSupergraph, LruMap<string, SubscriptionPlan | GraphQLError>>();

/** What a subscription's plan depends on besides the supergraph: its document and name. */
export function documentKey(request: PlannableRequest): string {
  return `${request.operationName ?? ''}\n${print(request.document)}`;
}

/**
 * Plans a subscription, or says why it cannot run on this supergraph (a GraphQLError with
 * its code). Transports validated the document already; router/reload validates it again
 * (`validateSubscription`) before re-planning an open one on a new supergraph.
 *
 * A plan depends on the supergraph, the document and the operation name only, and is
 * never changed once made: ten thousand clients of one storefront subscription share one
 * plan (planned once, held once) instead of each keeping its own.
 */
export function planSubscription(
  supergraph: LoadedSupergraph,
  request: PlannableRequest,
  key: string = documentKey(request),
): SubscriptionPlan | GraphQLError {
  let plans = plansOf.get(supergraph);
  if (!plans) plansOf.set(supergraph, (plans = new LruMap(PLANS_PER_SUPERGRAPH)));
  const known = plans.get(key);
  if (known) return known;
  const planned = planFresh(supergraph, request);
  plans.set(key, planned);
  return planned;
}

function planFresh(
  supergraph: LoadedSupergraph,
  request: PlannableRequest,
): SubscriptionPlan | GraphQLError {
  let plan: QueryPlan;
  let operationContext: OperationContext;
  try {
    const operationName = request.operationName ?? undefined;
    const operation = operationFromDocument(supergraph.apiSchema, request.document, {
      operationName,
    });
    plan = supergraph.planner.buildQueryPlan(operation);
    operationContext = buildOperationContext({
      schema: supergraph.apiGraphQLSchema,
      operationDocument: request.document,
      operationName,
    });
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
    operationContext,
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
