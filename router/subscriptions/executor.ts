import { executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { FetchNode } from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import {
  GraphQLError,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
} from 'graphql';
import { EventQueue } from '../../platform/event-queue';
import { signIdentity, subscribeSignatureBody } from '../../platform/identity';
import type { TokenSession } from '../../platform/auth/verify-token';
import type { RouterContext } from '../context';
import type { LoadedSupergraph } from '../supergraph';
import type { SubscriptionCounter, SubscriptionLimits } from './limits';
import type { SubgraphConnections } from './subgraph-connections';
import {
  LiveSubscription,
  type PlannedEvent,
  type UpstreamSink,
} from '../reload/live-subscription';
import { documentKey, planSubscription, type SubscriptionPlan } from '../reload/subscription-plan';
import { ResumePoint, eventIdOf } from './resume';
import { SharedStream, shareKey } from './shared-stream';

export interface SubscriptionRequest {
  document: DocumentNode;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  context: RouterContext;
  /** The last event id the client saw: it resumes after it (SSE Last-Event-ID, extensions). */
  lastEventId?: string | null;
}

export type SubscriptionResult = AsyncIterableIterator<ExecutionResult> | ExecutionResult;

function failure(message: string, code: string): ExecutionResult {
  return { errors: [new GraphQLError(message, { extensions: { code } })] };
}

/**
 * Executes federated subscriptions, which @apollo/gateway cannot: the planner splits a
 * subscription into a `primary` fetch (the subgraph that owns the field) and a `rest`
 * plan (fields other subgraphs own). The primary fetch becomes a graphql-ws subscription
 * on that subgraph; every event it yields is fed, as the primary fetch's answer, into the
 * gateway's own plan executor for `rest`, so entity fields are batched and the client gets
 * exactly the shape it asked for.
 */
export class FederatedSubscriptions {
  /** Open subscriptions, each with its current plan (re-planned when the supergraph changes). */
  readonly open = new Set<LiveSubscription>();
  /** Streams new clients may join, by what makes two subscriptions the same (shareKey). */
  private readonly shared = new Map<string, SharedStream>();

  constructor(
    private supergraph: LoadedSupergraph,
    private readonly sources: ReadonlyMap<string, GraphQLDataSource>,
    private readonly connections: SubgraphConnections,
    private readonly limits: SubscriptionLimits,
    readonly counter: SubscriptionCounter,
  ) {}

  subscribe(request: SubscriptionRequest): SubscriptionResult {
    // The document printed once, for its plan and for the stream it may share.
    const document = documentKey(request);
    const planned = planSubscription(this.supergraph, request, document);
    if (planned instanceof GraphQLError) return { errors: [planned] };
    const release = this.counter.tryAcquire();
    if (!release) {
      return failure(
        'This router holds as many subscriptions as it may; try again later',
        'SUBSCRIPTION_LIMIT_REACHED',
      );
    }
    // A client resuming from its own position gets its own stream: it is owed the events
    // after that position, which a shared stream's other members are not.
    if (!this.limits.shareStreams || request.lastEventId) {
      const own = this.openStream(request, planned);
      return new SharedStream(own.results, this.limits.maxQueuedEvents, () => {}, null).join(
        release,
      );
    }
    const key = shareKey(request, document);
    let shared = this.shared.get(key);
    if (!shared?.joinable || shared.supergraph !== this.supergraph) {
      const { live, results } = this.openStream(request, planned);
      const stream: SharedStream = new SharedStream(
        results,
        this.limits.maxQueuedEvents,
        () => {
          if (this.shared.get(key) === stream) this.shared.delete(key);
        },
        this.supergraph,
      );
      live.clients = () => stream.size;
      this.shared.set(key, stream);
      shared = stream;
    }
    return shared.join(release);
  }

  /** Subgraph subscriptions open for clients: one per stream, however many share it. */
  get upstreams(): number {
    return this.open.size;
  }

  /**
   * Opens the subgraph subscription of `planned` and maps its events to client results
   * (with the subgraph's snapshot mark, which SharedStream reads and removes).
   */
  private openStream(
    request: SubscriptionRequest,
    planned: SubscriptionPlan,
  ): { live: LiveSubscription; results: AsyncIterableIterator<ExecutionResult> } {
    const upstream = new EventQueue<PlannedEvent>(this.limits.maxQueuedEvents, () => {
      live.close();
      this.open.delete(live);
    });
    // One position per subscription, carried by every upstream subscribe it makes (a
    // re-plan after a reload included): each resumes after the last event passed on.
    const resume = new ResumePoint(request.lastEventId);
    const live = new LiveSubscription(request, planned, upstream, (primary, sink) =>
      this.openUpstream(primary, request, sink, resume),
    );
    this.open.add(live);
    live.start();
    const results = mapEvents(upstream, async (event) => {
      const result = await this.completeEvent(event.plan, event.result, request);
      const eventId = eventIdOf(event.result);
      const snapshot = event.result.extensions?.snapshot === true;
      if (!eventId && !snapshot) return result;
      return {
        ...result,
        extensions: {
          ...result.extensions,
          ...(eventId ? { eventId } : {}),
          ...(snapshot ? { snapshot } : {}),
        },
      };
    });
    return { live, results };
  }

  /**
   * New subscriptions are planned on `supergraph` from now on; open ones are re-planned
   * by router/reload, which reads `open`.
   */
  use(supergraph: LoadedSupergraph): void {
    this.supergraph = supergraph;
  }

  private openUpstream(
    primary: FetchNode,
    request: SubscriptionRequest,
    sink: UpstreamSink,
    resume: ResumePoint,
  ): () => void {
    const operation = {
      query: primary.operation,
      operationName: primary.operationName ?? null,
      variables: pickVariables(request.variables, primary.variableUsages ?? []),
    };
    try {
      const extensions = resume.attach({
        // For this subgraph and this operation only (not replayable for another).
        ...signIdentity(request.context.viewer, {
          audience: primary.serviceName,
          body: subscribeSignatureBody(operation),
          ttlSeconds: subscribeSignatureTtl(request.context.session),
        }),
        'x-request-id': request.context.requestId,
      });
      return this.connections.client(primary.serviceName).subscribe(
        { ...operation, extensions },
        {
          next: (result) => {
            if (resume.fresh(result as ExecutionResult)) sink.next(result as ExecutionResult);
          },
          error: (error) => sink.error(sourceError(primary.serviceName, error)),
          complete: () => sink.complete(),
        },
      );
    } catch (error) {
      sink.error(sourceError(primary.serviceName, error));
      return () => {};
    }
  }

  /** Runs the rest of the plan with the subgraph's event as the primary fetch's answer. */
  private async completeEvent(
    { supergraph, primary, eventPlan: plan, operationContext }: SubscriptionPlan,
    event: ExecutionResult,
    request: SubscriptionRequest,
  ): Promise<ExecutionResult> {
    if (!event.data)
      return { errors: (event.errors ?? []).map((e) => asGraphQLError(e, primary.serviceName)) };
    const real = this.sources.get(primary.serviceName)!;
    const answered: GraphQLDataSource = {
      process: (options) =>
        options.request.query === primary.operation
          ? Promise.resolve({
              data: event.data as Record<string, unknown>,
              errors: event.errors as GraphQLError[] | undefined,
            })
          : real.process(options),
    };
    const serviceMap: ServiceMap = {
      ...Object.fromEntries(this.sources),
      [primary.serviceName]: answered,
    };
    const operationName = request.operationName ?? undefined;
    const requestContext = {
      request: { variables: request.variables ?? {}, operationName },
      document: request.document,
      operationName: operationName ?? null,
      context: request.context,
      metrics: {},
      logger: console,
      schema: supergraph.apiGraphQLSchema,
    } as unknown as GatewayGraphQLRequestContext<RouterContext>;
    const result = await executeQueryPlan(
      plan,
      serviceMap,
      requestContext,
      operationContext,
      supergraph.supergraphGraphQLSchema,
      supergraph.apiSchema,
    );
    return {
      data: result.data ?? null,
      ...(result.errors?.length ? { errors: result.errors } : {}),
    } as ExecutionResult;
  }
}

function pickVariables(
  variables: Record<string, unknown> | null | undefined,
  names: readonly string[],
): Record<string, unknown> {
  return Object.fromEntries(
    names.filter((name) => variables && name in variables).map((name) => [name, variables![name]]),
  );
}

/**
 * The subgraph refused the subscription (its own errors, passed on as they are), or the
 * connection was lost for good (the client is told, with the subgraph's name).
 */
function sourceError(subgraph: string, error: unknown): GraphQLError | GraphQLError[] {
  if (Array.isArray(error))
    return (error as GraphQLFormattedError[]).map((e) => asGraphQLError(e, subgraph));
  const reason =
    error instanceof Error
      ? error.message
      : ((error as { reason?: string })?.reason ?? 'connection closed');
  return new GraphQLError(
    `The ${subgraph} subgraph stopped this subscription (${reason || 'connection lost'})`,
    {
      extensions: { code: 'SUBSCRIPTION_SOURCE_LOST', serviceName: subgraph },
    },
  );
}

/** Errors from a subgraph arrive as JSON; transports need GraphQLError instances. */
function asGraphQLError(error: GraphQLFormattedError, subgraph: string): GraphQLError {
  return new GraphQLError(error.message, {
    path: error.path,
    extensions: { ...error.extensions, serviceName: subgraph },
  });
}

/**
 * Maps each upstream event to a client result, one at a time and in order. When the
 * upstream fails, the client receives one last result carrying the errors, then the end.
 */
function mapEvents<T>(
  upstream: EventQueue<T>,
  map: (event: T) => Promise<ExecutionResult>,
): AsyncIterableIterator<ExecutionResult> {
  let finished = false;
  return {
    async next() {
      if (finished) return { value: undefined, done: true };
      try {
        const item = await upstream.next();
        if (item.done) return { value: undefined, done: true };
        return { value: await map(item.value), done: false };
      } catch (error) {
        finished = true;
        await upstream.return();
        const errors = Array.isArray(error)
          ? error
          : [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
        return { value: { errors }, done: false };
      }
    },
    async return() {
      finished = true;
      await upstream.return();
      return { value: undefined, done: true };
    },
    async throw(error: unknown) {
      finished = true;
      await upstream.return();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * A subscribe message is sent again as it was when the router re-subscribes after a lost
 * connection, so its signature cannot expire in 30 s like a request's. It lives as long
 * as the subscriber's token: the stream ends with the token anyway (stream-guard), so a
 * captured message is worth nothing after it. Anonymous subscribers (public data, which
 * anyone may subscribe to through the router) get no expiry.
 */
function subscribeSignatureTtl(session: TokenSession | null | undefined): number | null {
  if (!session) return null;
  return Math.max(1, Math.ceil((session.expiresAt - Date.now()) / 1000));
}
