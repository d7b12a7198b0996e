import type { SessionRevocations } from '../../platform/auth/revocations';
import { unauthenticatedToken, type TokenSession } from '../../platform/auth/verify-token';

/** Why a long-lived connection's session ended. */

const NOT_WATCHING = (): void => {};
export type SessionEnd = 'expired' | 'revoked';

/**
 * WebSocket close codes the router uses when a connection's session ends. graphql-ws
 * clients treat 4401 as fatal (no automatic retry with the same, dead token): the client
 * re-authenticates by reconnecting with a fresh access token in `connectionParams`.
 */
export const SESSION_CLOSE = {
  code: 4401,
  reasons: { expired: 'Access token expired', revoked: 'Session revoked' },
} as const;

export function sessionEndedError(reason: SessionEnd) {
  return unauthenticatedToken(
    reason === 'expired'
      ? 'The access token expired: sign in again (or refresh) and reconnect'
      : 'The session was signed out: sign in again and reconnect',
  );
}

/**
 * Checks sessions against the revocation list (platform/auth/revocations: Redis shared by
 * every router, or in-process) and their tokens' expiry: per HTTP request, per operation
 * on a long-lived connection, and by watching, so that an open stream or socket ends
 * within seconds of a logout (the revocation is published to every router at once).
 */
export class SessionGuard {
  private readonly watchers = new Map<string, Set<() => void>>();
  private readonly unlisten: () => void;

  constructor(private readonly revocations: SessionRevocations) {
    this.unlisten = revocations.onRevoked((sid) => {
      for (const notify of this.watchers.get(sid) ?? []) notify();
    });
  }

  /** Why the session can no longer be used, or null while it can. */
  async ended(session: TokenSession | null): Promise<SessionEnd | null> {
    if (!session) return null;
    if (Date.now() >= session.expiresAt) return 'expired';
    if (session.sid && (await this.revocations.isRevoked(session.sid))) return 'revoked';
    return null;
  }

  /** Throws the 401 UNAUTHENTICATED error when the session ended. */
  async check(session: TokenSession | null): Promise<void> {
    const end = await this.ended(session);
    if (end) throw sessionEndedError(end);
  }

  /**
   * Calls `onEnd` once, when the token expires or the session is revoked, whichever comes
   * first; the returned function stops watching (the connection ended on its own).
   */
  watch(session: TokenSession | null, onEnd: (reason: SessionEnd) => void): () => void {
    // One function for every anonymous subscriber (ten thousand of them, at times).
    return session ? this.watchSession(session, onEnd) : NOT_WATCHING;
  }

  private watchSession(session: TokenSession, onEnd: (reason: SessionEnd) => void): () => void {
    let done = false;
    const finish = (reason: SessionEnd) => {
      if (done) return;
      stop();
      onEnd(reason);
    };
    // setTimeout holds at most ~24.8 days; tokens live minutes.
    const timer = setTimeout(
      () => finish('expired'),
      Math.max(0, Math.min(session.expiresAt - Date.now(), 2 ** 31 - 1)),
    );
    timer.unref?.();
    const sid = session.sid;
    const onRevoked = () => finish('revoked');
    if (sid) {
      let set = this.watchers.get(sid);
      if (!set) this.watchers.set(sid, (set = new Set()));
      set.add(onRevoked);
    }
    const stop = () => {
      done = true;
      clearTimeout(timer);
      if (!sid) return;
      const set = this.watchers.get(sid);
      set?.delete(onRevoked);
      if (set?.size === 0) this.watchers.delete(sid);
    };
    return stop;
  }

  /** Sessions watched right now (a gauge; tests check that ended connections free theirs). */
  get watched(): number {
    let count = 0;
    for (const set of this.watchers.values()) count += set.size;
    return count;
  }

  async close(): Promise<void> {
    this.unlisten();
    this.watchers.clear();
  }
}
