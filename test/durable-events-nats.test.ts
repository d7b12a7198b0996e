import { startPrivateNats } from '../platform/testing/nats';
import { brokerOutageScenario } from './support/broker-outage';

/**
 * NATS JetStream (NATS_URL) on a nats-server of this test's own, killed for 20 s and
 * started again on its store: the stream and the groups' durable consumers survive.
 */
describe('durable events on NATS JetStream', () => {
  brokerOutageScenario('durable-nats', async () => {
    const nats = await startPrivateNats();
    return {
      env: { NATS_URL: nats.url, EVENT_TRANSPORT: 'jetstream' },
      start: () => nats.start(),
      stop: () => nats.stop(),
      destroy: () => nats.destroy(),
    };
  });
});
