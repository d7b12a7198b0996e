import type { FetchNode } from '@apollo/query-planner';
import { GraphQLError, parse } from 'graphql';
import { EventQueue } from '../../platform/event-queue';
import type { LoadedSupergraph } from '../supergraph';
import { LiveSubscription, type PlannedEvent, type UpstreamSink } from './live-subscription';
import type { SubscriptionPlan } from './subscription-plan';

/** Plans as the planner makes them, reduced to what LiveSubscription looks at. */
function plan(serviceName: string, operation: string, name: string): SubscriptionPlan {
  const primary = { kind: 'Fetch', serviceName, operation, variableUsages: ['sku'] } as FetchNode;
  return {
    supergraph: { sdl: name } as LoadedSupergraph,
    primary,
    eventPlan: { kind: 'QueryPlan', node: primary },
    operationContext: {} as SubscriptionPlan['operationContext'],
  };
}

function setup() {
  const upstreams: { primary: FetchNode; sink: UpstreamSink; closed: boolean }[] = [];
  const queue = new EventQueue<PlannedEvent>(100);
  const live = new LiveSubscription(
    { document: parse('subscription { x }') },
    plan('inventory', 'subscription { x { a } }', 'old'),
    queue,
    (primary, sink) => {
      const upstream = { primary, sink, closed: false };
      upstreams.push(upstream);
      return () => (upstream.closed = true);
    },
  );
  live.start();
  return { live, queue, upstreams };
}

const event = (n: number) => ({ data: { x: { a: n } } });

describe('LiveSubscription', () => {
  it('keeps its subgraph subscription when the primary fetch is unchanged; queued events keep the plan they arrived under', async () => {
    const { live, queue, upstreams } = setup();
    upstreams[0]!.sink.next(event(1));
    expect(live.switchTo(plan('inventory', 'subscription { x { a } }', 'new'))).toBe('kept');
    upstreams[0]!.sink.next(event(2));
    expect(upstreams).toHaveLength(1);
    expect(upstreams[0]!.closed).toBe(false);
    const first = await queue.next();
    const second = await queue.next();
    expect(first.value.plan.supergraph.sdl).toBe('old');
    expect(second.value.plan.supergraph.sdl).toBe('new');
  });

  it('opens the new subgraph subscription before closing the old one when the primary changed; the old one is ignored after', async () => {
    const { live, queue, upstreams } = setup();
    expect(live.switchTo(plan('inventory', 'subscription { x { a b } }', 'new'))).toBe(
      'resubscribed',
    );
    expect(upstreams).toHaveLength(2);
    expect(upstreams[0]!.closed).toBe(true);
    expect(upstreams[1]!.primary.operation).toBe('subscription { x { a b } }');
    // Late words of the superseded upstream (its event, its complete) do not reach the client.
    upstreams[0]!.sink.next(event(1));
    upstreams[0]!.sink.complete();
    upstreams[1]!.sink.next(event(2));
    const next = await queue.next();
    expect(next.value.result).toEqual(event(2));
    expect(queue.size).toBe(0);
  });

  it('ends with the given error after what was queued, and closes its subgraph subscription', async () => {
    const { live, queue, upstreams } = setup();
    upstreams[0]!.sink.next(event(1));
    live.end(new GraphQLError('gone', { extensions: { code: 'SCHEMA_CHANGED' } }));
    expect((await queue.next()).value.result).toEqual(event(1));
    await expect(queue.next()).rejects.toMatchObject({ extensions: { code: 'SCHEMA_CHANGED' } });
    live.close();
    expect(upstreams[0]!.closed).toBe(true);
  });
});
