import type { VariableDefinitions } from '@apollo/federation-internals';
import { buildOperationContext, executeQueryPlan, type GraphQLDataSource } from '@apollo/gateway';
import {
  evaluateCondition,
  type DeferNode,
  type DeferredNode,
  type PlanNode,
  type QueryPlan,
} from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { EventQueue } from '../../platform/event-queue';
import type { DeferPlanning } from './gateway';
import { itemsAt, partDocument, type DeferredItem } from './paths';
import { FetchRecording } from './recording';

/** The first response of a deferred query (RFC incremental delivery, deferSpec=20220824). */
export interface InitialResult {
  data: Record<string, unknown> | null;
  errors?: GraphQLFormattedError[];
  hasNext: boolean;
}

export interface IncrementalItem {
  path: (string | number)[];
  /** null: the fragment could not complete (see its errors). */
  data?: Record<string, unknown> | null;
  label?: string;
  errors?: GraphQLFormattedError[];
}

/** Each later response: the deferred fragments that just completed, and whether more come. */
export interface SubsequentResult {
  incremental?: IncrementalItem[];
  hasNext: boolean;
}

export interface DeferredResponse {
  initialResult: InitialResult;
  subsequentResults: AsyncIterableIterator<SubsequentResult>;
}

/** A plan node with its conditions (`@defer(if: $var)`, `@skip`, `@include`) decided. */
export function decided(
  node: PlanNode | undefined,
  variables: VariableDefinitions,
  values: Record<string, unknown> | undefined,
): PlanNode | undefined {
  let current = node;
  while (current?.kind === 'Condition')
    current = evaluateCondition(current, variables, values) ? current.ifClause : current.elseClause;
  return current;
}

/**
 * The plan of a deferred query when, with this request's variables, something is
 * deferred (a `Defer` node at its root); null when nothing is, and the gateway answers.
 */
export function deferredRoot(
  plan: QueryPlan,
  variables: VariableDefinitions,
  values: Record<string, unknown> | undefined,
): DeferNode | null {
  if (plan.node?.kind === 'Subscription') return null;
  const root = decided(plan.node, variables, values);
  return root?.kind === 'Defer' ? root : null;
}

/**
 * Executes a plan with `Defer` nodes: the primary part first, answered as soon as its
 * fetches are done; then every deferred part, each delivered when its own fetches
 * complete (nested ones after their parent). Each part runs through @apollo/gateway's
 * own `executeQueryPlan` (its fetching, entity batching, `@requires` and result
 * shaping), as its ancestors' plan nodes answered from the request's recording followed
 * by its own node, and is shaped by its own selection only.
 */
export async function executeDeferred(
  root: DeferNode,
  variableDefinitions: VariableDefinitions,
  planning: DeferPlanning,
  sources: ReadonlyMap<string, GraphQLDataSource>,
  context: GatewayGraphQLRequestContext,
): Promise<DeferredResponse> {
  const recording = new FetchRecording(sources);
  const serviceMap = recording.serviceMap();
  const operationName = context.operationName ?? context.request.operationName ?? undefined;

  const run = async (nodes: PlanNode[], queryPath: readonly string[], selection?: string) => {
    const document = partDocument(context.document, operationName, queryPath, selection);
    const result = await executeQueryPlan(
      { kind: 'QueryPlan', node: nodes.length ? { kind: 'Sequence', nodes } : undefined },
      serviceMap,
      context,
      buildOperationContext({
        schema: planning.apiGraphQLSchema,
        operationDocument: document,
        operationName,
      }),
      planning.supergraphGraphQLSchema,
      planning.apiSchema,
    );
    return {
      data: (result.data ?? null) as Record<string, unknown> | null,
      errors: (result.errors ?? []) as GraphQLError[],
    };
  };

  const primaryNodes = root.primary.node ? [root.primary.node] : [];
  const primary = await run(primaryNodes, [], root.primary.subselection);
  const queue = new EventQueue<SubsequentResult>(Number.MAX_SAFE_INTEGER);
  let pending = 0;

  const deliver = (items: IncrementalItem[]): void => {
    pending -= 1;
    const hasNext = pending > 0;
    if (items.length || !hasNext)
      queue.push(items.length ? { incremental: items, hasNext } : { hasNext });
    if (!hasNext) queue.end();
  };

  const start = (deferred: DeferredNode, ancestors: PlanNode[]): void => {
    pending += 1;
    void (async () => {
      const node = decided(deferred.node, variableDefinitions, context.request.variables);
      // A part whose own plan defers further: its data is that plan's primary.
      const own = node?.kind === 'Defer' ? node.primary.node : node;
      const selection =
        node?.kind === 'Defer'
          ? (node.primary.subselection ?? deferred.subselection)
          : deferred.subselection;
      const nodes = own ? [...ancestors, own] : ancestors;
      let items: IncrementalItem[];
      try {
        const part = await run(nodes, deferred.queryPath, selection);
        items = withErrors(
          itemsAt(part.data, deferred.queryPath),
          part.errors,
          deferred.label,
          deferred.queryPath,
        );
      } catch (error) {
        items = withErrors([], [asGraphQLError(error)], deferred.label, deferred.queryPath);
      }
      // Children are counted before the parent is delivered: the stream cannot end early.
      if (node?.kind === 'Defer') for (const child of node.deferred) start(child, nodes);
      deliver(items);
    })();
  };

  for (const deferred of root.deferred) start(deferred, primaryNodes);
  return {
    initialResult: {
      data: primary.data,
      ...(primary.errors.length ? { errors: primary.errors.map((e) => e.toJSON()) } : {}),
      hasNext: true,
    },
    subsequentResults: queue,
  };
}

/**
 * Each error goes with the delivery whose path it lies under. A fragment that could not
 * complete (its subgraph failed, a non-null field inside it came back null) has no
 * delivery: it is delivered as `data: null` with its errors, at the place the error
 * names (or the query path), as graphql-js does for a deferred fragment that errs.
 */
function withErrors(
  items: DeferredItem[],
  errors: readonly GraphQLError[],
  label: string | undefined,
  queryPath: readonly string[],
): IncrementalItem[] {
  const labelled = label !== undefined ? { label } : {};
  const out: IncrementalItem[] = items.map((item) => ({ ...item, ...labelled }));
  const fields = queryPath.filter((step) => !step.startsWith('... on '));
  const failed = new Map<string, IncrementalItem>();
  for (const raw of errors) {
    const error = raw.toJSON();
    const owner = out.find((item) => item.path.every((step, i) => error.path?.[i] === step));
    if (owner) {
      (owner.errors ??= []).push(error);
      continue;
    }
    const path = placeOf(error.path, fields) ?? fields;
    const key = JSON.stringify(path);
    if (!failed.has(key)) failed.set(key, { data: null, path, ...labelled, errors: [] });
    failed.get(key)!.errors!.push(error);
  }
  return [...out, ...failed.values()];
}

/** The concrete place of a fragment at `fields` that an error path lies under, indexes included. */
function placeOf(
  errorPath: readonly (string | number)[] | undefined,
  fields: readonly string[],
): (string | number)[] | null {
  if (!errorPath) return null;
  const place: (string | number)[] = [];
  let field = 0;
  for (const step of errorPath) {
    if (typeof step === 'number') place.push(step);
    else if (field < fields.length && step === fields[field]) {
      place.push(step);
      field += 1;
    } else break;
  }
  return field === fields.length ? place : null;
}

function asGraphQLError(error: unknown): GraphQLError {
  return error instanceof GraphQLError ? error : new GraphQLError((error as Error).message);
}
