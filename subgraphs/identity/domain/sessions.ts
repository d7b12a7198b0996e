import { IdentityErrorCode } from '../errors';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import type { IdentityConfig } from '../config';
import type { AuditLog, Queryable } from './audit';
import { type PrincipalKind, SessionRow } from '../entities';
import { randomToken, tokenHash } from './secrets';
import { rows } from './sql';
import type { SessionRevocations } from '../../../platform/auth/revocations';

export interface Principal {
  kind: PrincipalKind;
  id: string;
}

export interface SessionSettings {
  /** Absolute lifetime of a session: refreshing never extends it beyond this. */
  sessionTtlSeconds: number;
  /** The longest an access token of a session lives: how long a revocation must be remembered. */
  accessTokenTtlSeconds: number;
}

export function sessionSettingsFrom(config: IdentityConfig): SessionSettings {
  return {
    sessionTtlSeconds: config.SESSION_TTL_SECONDS,
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  };
}

/** Verifiers accept a token a little past its expiry; a revocation outlives that too. */
const CLOCK_SKEW_SECONDS = 60;

export interface IssuedSession {
  session: SessionRow;
  refreshToken: string;
}

/**
 * Sessions are refresh-token families. A refresh token is opaque (256 random bits), kept
 * only as its SHA-256, and good for one use: `rotate` marks it used and hands out its
 * successor. Presenting a used one again means it was copied: the whole family (the
 * session, including the newest token) is revoked.
 */
export class Sessions {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditLog,
    readonly settings: SessionSettings,
    private readonly revocations: SessionRevocations,
  ) {}

  async create(
    tx: EntityManager,
    principal: Principal,
    authMethod: string,
    ip: string | null,
  ): Promise<IssuedSession> {
    const session = await tx.getRepository(SessionRow).save(
      tx.getRepository(SessionRow).create({
        principalKind: principal.kind,
        principalId: principal.id,
        authMethod,
        ip,
        expiresAt: new Date(Date.now() + this.settings.sessionTtlSeconds * 1000),
      }),
    );
    const refreshToken = await this.addToken(tx, session.id);
    return { session, refreshToken };
  }

  /** Exchanges a refresh token for its successor; throws INVALID_REFRESH_TOKEN or REFRESH_TOKEN_REUSED. */
  async rotate(refreshToken: string, ip: string | null): Promise<IssuedSession> {
    const outcome = await this.db.transaction(async (tx) => {
      // The session row lock serializes everything that happens to one family.
      const [found] = await tx.query(
        `SELECT rt.id AS token_id, rt.used_at, s.id AS session_id
           FROM identity.refresh_token rt JOIN identity.session s ON s.id = rt.session_id
          WHERE rt.token_hash = $1
          FOR UPDATE OF s`,
        [tokenHash(refreshToken)],
      );
      if (!found) return { kind: 'invalid' as const };
      const session = await tx.getRepository(SessionRow).findOneByOrFail({ id: found.session_id });
      if (session.revokedAt || session.expiresAt <= new Date()) return { kind: 'invalid' as const };
      const [current] = await tx.query(`SELECT used_at FROM identity.refresh_token WHERE id = $1`, [
        found.token_id,
      ]);
      if (current.used_at) {
        await this.revokeIn(tx, session.id, 'refresh_token_reuse');
        await this.audit.record(
          {
            event: 'refresh.reuse_detected',
            subject: { kind: session.principalKind, id: session.principalId },
            ip,
            details: { sessionId: session.id },
          },
          tx,
        );
        return { kind: 'reused' as const, sessionId: session.id };
      }
      await tx.query(`UPDATE identity.refresh_token SET used_at = now() WHERE id = $1`, [
        found.token_id,
      ]);
      await tx.query(`UPDATE identity.session SET last_used_at = now() WHERE id = $1`, [
        session.id,
      ]);
      return {
        kind: 'rotated' as const,
        session,
        refreshToken: await this.addToken(tx, session.id),
      };
    });
    if (outcome.kind === 'invalid') {
      throw new DomainError(
        IdentityErrorCode.INVALID_REFRESH_TOKEN,
        'The refresh token is not valid',
        ['refreshToken'],
      );
    }
    if (outcome.kind === 'reused') {
      await this.announceRevoked([outcome.sessionId]);
      throw new DomainError(
        IdentityErrorCode.REFRESH_TOKEN_REUSED,
        'This refresh token was already used; the session has been revoked',
        ['refreshToken'],
      );
    }
    return { session: outcome.session, refreshToken: outcome.refreshToken };
  }

  /** The live session a refresh token belongs to (used or not), or null. */
  async findByRefreshToken(refreshToken: string): Promise<SessionRow | null> {
    const [row] = await this.db.query(
      `SELECT session_id FROM identity.refresh_token WHERE token_hash = $1`,
      [tokenHash(refreshToken)],
    );
    return row ? this.db.getRepository(SessionRow).findOneBy({ id: row.session_id }) : null;
  }

  async find(id: string): Promise<SessionRow | null> {
    return this.db.getRepository(SessionRow).findOneBy({ id });
  }

  /** Revokes one session and stops its access tokens; returns false when it was not live. */
  async revoke(sessionId: string, reason: string): Promise<boolean> {
    const revoked = await this.revokeIn(this.db, sessionId, reason);
    if (revoked) await this.announceRevoked([sessionId]);
    return revoked;
  }

  /**
   * Revokes every live session of the principal; returns their ids. Inside a caller's
   * transaction (`tx`) the caller announces them with `announceRevoked` after it commits.
   */
  async revokeAllOf(principal: Principal, reason: string, tx?: Queryable): Promise<string[]> {
    const revoked = await rows(
      tx ?? this.db,
      `UPDATE identity.session SET revoked_at = now(), revoked_reason = $3
        WHERE principal_kind = $1 AND principal_id = $2 AND revoked_at IS NULL
        RETURNING id`,
      [principal.kind, principal.id, reason],
    );
    const ids = revoked.map((row) => row.id as string);
    if (!tx) await this.announceRevoked(ids);
    return ids;
  }

  /**
   * Tells every router to refuse the access tokens of these sessions for as long as one of
   * them can still be valid (it was signed at the latest now, for accessTokenTtlSeconds).
   */
  async announceRevoked(sessionIds: readonly string[]): Promise<void> {
    const until =
      Math.ceil(Date.now() / 1000) + this.settings.accessTokenTtlSeconds + CLOCK_SKEW_SECONDS;
    await Promise.all(sessionIds.map((sid) => this.revocations.revoke(sid, until)));
  }

  /** The principal's sessions that can still be refreshed, newest first. */
  activeOf(principal: Principal): Promise<SessionRow[]> {
    return this.db
      .getRepository(SessionRow)
      .createQueryBuilder('s')
      .where('s.principal_kind = :kind AND s.principal_id = :id', principal)
      .andWhere('s.revoked_at IS NULL AND s.expires_at > now()')
      .orderBy('s.created_at', 'DESC')
      .getMany();
  }

  private async revokeIn(tx: Queryable, sessionId: string, reason: string): Promise<boolean> {
    const revoked = await rows(
      tx,
      `UPDATE identity.session SET revoked_at = now(), revoked_reason = $2
        WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
      [sessionId, reason],
    );
    return revoked.length > 0;
  }

  private async addToken(tx: Queryable, sessionId: string): Promise<string> {
    const token = randomToken('rt');
    await tx.query(`INSERT INTO identity.refresh_token (session_id, token_hash) VALUES ($1, $2)`, [
      sessionId,
      tokenHash(token),
    ]);
    return token;
  }
}
