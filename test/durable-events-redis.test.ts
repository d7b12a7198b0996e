import { startPrivateRedis } from '../platform/testing/redis';
import { brokerOutageScenario } from './support/broker-outage';

/**
 * Redis Streams, the default transport when Redis is configured, on a Redis of this
 * test's own (EVENT_REDIS_URL: rate limits and sessions keep the shared one), killed for
 * 20 s and started again on its append-only file (a broker that acknowledges events
 * must keep them: one that came back empty would lose what no reader had taken yet).
 */
describe('durable events on Redis Streams', () => {
  brokerOutageScenario('durable-redis', async () => {
    const redis = await startPrivateRedis({ persistent: true });
    return {
      env: { EVENT_REDIS_URL: redis.url, EVENT_TRANSPORT: 'streams' },
      start: () => redis.start(),
      stop: () => redis.stop(),
      destroy: () => redis.stop(),
    };
  });
});
