import { EventEmitter } from 'node:events';
import Redis from 'ioredis';
import { createLogger } from '../logging';

const log = createLogger('revocations');

/**
 * Sessions whose access tokens must stop working before they expire: after a logout, a
 * refresh-token reuse, a staff deactivation. Identity revokes; every router checks each
 * request's `sid`. With Redis the list is shared by all instances (a key per session that
 * lives as long as its last token could, and a channel that tells every router at once);
 * without it, one process (`npm start`) shares it in memory.
 */
export interface SessionRevocations {
  /** Refuse tokens of `sid` until `untilEpochSeconds` (the latest expiry a token of it can have). */
  revoke(sid: string, untilEpochSeconds: number): Promise<void>;
  isRevoked(sid: string): Promise<boolean>;
  /** Called for every revocation as it happens, on every instance (to close open streams). */
  onRevoked(listener: (sid: string) => void): () => void;
  close(): Promise<void>;
}

/** How long a router trusts "not revoked" for a session without asking Redis again. */
const NEGATIVE_CACHE_MS = 2000;

const memoryRevoked = new Map<string, number>();
const memoryEvents = new EventEmitter().setMaxListeners(0);

function memoryRevocations(): SessionRevocations {
  return {
    async revoke(sid, until) {
      memoryRevoked.set(sid, until * 1000);
      memoryEvents.emit('revoked', sid);
    },
    async isRevoked(sid) {
      const until = memoryRevoked.get(sid);
      if (until === undefined) return false;
      if (until > Date.now()) return true;
      memoryRevoked.delete(sid);
      return false;
    },
    onRevoked(listener) {
      memoryEvents.on('revoked', listener);
      return () => memoryEvents.off('revoked', listener);
    },
    async close() {},
  };
}

function redisRevocations(redisUrl: string, namespace: string): SessionRevocations {
  const key = (sid: string) => `${namespace}:revoked-session:${sid}`;
  const channel = `${namespace}:revoked-sessions`;
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false });
  let subscriber: Redis | null = null;
  const events = new EventEmitter().setMaxListeners(0);
  const revoked = new Map<string, number>();
  const checked = new Map<string, number>();
  let reported = false;
  // A check still in flight while the process stops must not open a new subscriber.
  let closed = false;
  const onError = (error: Error) => {
    if (!reported) log.error('redis unavailable for session revocations', { error: error.message });
    reported = true;
  };
  client.on('error', onError);
  client.on('ready', () => (reported = false));

  const ensureSubscriber = () => {
    if (subscriber || closed) return;
    subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
    subscriber.on('error', onError);
    // A missed message while disconnected must not leave a stale "not revoked" behind.
    subscriber.on('ready', () => checked.clear());
    subscriber.subscribe(channel).catch(onError);
    subscriber.on('message', (_channel: string, sid: string) => {
      revoked.set(sid, Date.now() + 15 * 60_000);
      checked.delete(sid);
      events.emit('revoked', sid);
    });
  };

  return {
    async revoke(sid, until) {
      const seconds = Math.max(1, until - Math.floor(Date.now() / 1000));
      await client.set(key(sid), '1', 'EX', seconds);
      await client.publish(channel, sid);
    },
    async isRevoked(sid) {
      ensureSubscriber();
      const known = revoked.get(sid);
      if (known !== undefined && known > Date.now()) return true;
      const at = checked.get(sid);
      if (at !== undefined && Date.now() - at < NEGATIVE_CACHE_MS) return false;
      const exists = (await client.exists(key(sid))) === 1;
      if (exists) revoked.set(sid, Date.now() + 15 * 60_000);
      else {
        if (checked.size > 100_000) checked.clear();
        checked.set(sid, Date.now());
      }
      return exists;
    },
    onRevoked(listener) {
      ensureSubscriber();
      events.on('revoked', listener);
      return () => events.off('revoked', listener);
    },
    async close() {
      closed = true;
      client.disconnect();
      subscriber?.disconnect();
    },
  };
}

export function createSessionRevocations(
  redisUrl = process.env.REDIS_URL,
  namespace = process.env.PUBSUB_NAMESPACE ?? 'commerce',
): SessionRevocations {
  return redisUrl ? redisRevocations(redisUrl, namespace) : memoryRevocations();
}
