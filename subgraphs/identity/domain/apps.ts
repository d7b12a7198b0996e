import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { recordEvent } from '../../../platform/outbox';
import { APP_REVOKED_TOPIC, type AppRevokedEvent } from '../../../platform/topics';
import { DomainError } from '../../../platform/errors';
import { IdentityErrorCode } from '../errors';
import type { Actor } from './actor';
import type { AuditLog } from './audit';
import type { SigningKeys } from './signing-keys';
import type { Sessions } from './sessions';
import { firstRow, rows } from './sql';

export const APPS_MANAGE = 'apps:manage';
const KEY_PREFIX = 'app_';

export interface App {
  id: string;
  name: string;
  permissions: string[];
  keyPrefix: string;
  /** Which key is live: its tokens carry it in their sid (appSessionId). */
  keyGeneration: number;
  createdAt: Date;
}

const COLUMNS = `id, name, permissions, key_prefix AS "keyPrefix",
  key_generation AS "keyGeneration", created_at AS "createdAt"`;

/** The `sid` of every token one key of an app bought: revoking it refuses them all. */
export function appSessionId(appId: string, keyGeneration: number): string {
  return `app:${appId}:${keyGeneration}`;
}

const newApiKey = (): string => KEY_PREFIX + randomBytes(32).toString('base64url');

function keyHash(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

/**
 * Apps and their API keys. An app's permissions are fixed when it is created and are a
 * subset of its creator's (no escalation through an app); its key is shown once. The key
 * buys a short-lived access token of a staff-like viewer holding just those permissions,
 * so the router and every subgraph check an app exactly as they check staff.
 */
export class Apps {
  constructor(
    private readonly db: DataSource,
    private readonly keys: SigningKeys,
    private readonly audit: AuditLog,
    private readonly sessions: Pick<Sessions, 'announceRevoked'>,
  ) {}

  async create(
    input: { name: string; permissions: string[] },
    actor: Actor,
  ): Promise<{ app: App; apiKey: string }> {
    const name = String(input.name ?? '').trim();
    if (!name || name.length > 100)
      throw new DomainError(
        IdentityErrorCode.INVALID_INPUT,
        'Give the app a name (1-100 characters)',
        ['input', 'name'],
      );
    const permissions = [...new Set(input.permissions)].sort();
    const known = await rows<{ name: string }>(
      this.db,
      `SELECT name FROM identity.permission WHERE name = ANY($1::text[])`,
      [permissions],
    );
    const unknown = permissions.filter((p) => !known.some((k) => k.name === p));
    if (unknown.length)
      throw new DomainError(
        IdentityErrorCode.UNKNOWN_PERMISSION,
        `Unknown permissions: ${unknown.join(', ')}`,
        ['input', 'permissions'],
      );
    if (actor.permissions !== 'all') {
      const held = actor.permissions;
      const lacking = permissions.filter((p) => !held.includes(p));
      if (lacking.length)
        throw new DomainError(
          IdentityErrorCode.PERMISSION_NOT_HELD,
          `You cannot give an app permissions you do not hold: ${lacking.join(', ')}`,
          ['input', 'permissions'],
        );
    }
    const apiKey = newApiKey();
    const app = await this.db.transaction(async (tx) => {
      const [created] = (await tx.query(
        `INSERT INTO identity.app (name, permissions, key_hash, key_prefix, created_by)
         VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [
          name,
          permissions,
          keyHash(apiKey),
          apiKey.slice(0, 10),
          actor.party.kind === 'staff' ? actor.party.id : null,
        ],
      )) as App[];
      await this.audit.record(
        {
          event: 'app.created',
          actor: actor.party,
          subject: { kind: 'app', id: created!.id },
          details: { permissions },
        },
        tx,
      );
      return created!;
    });
    return { app, apiKey };
  }

  /** An access token for the app a key belongs to; the same answer for every bad key. */
  async token(apiKey: string): Promise<{ accessToken: string; expiresIn: number }> {
    const app = await firstRow<App>(
      this.db,
      `SELECT ${COLUMNS} FROM identity.app WHERE key_hash = $1 AND revoked_at IS NULL`,
      [keyHash(String(apiKey ?? ''))],
    );
    if (!app)
      throw new DomainError(IdentityErrorCode.INVALID_CREDENTIALS, 'The API key is not valid', [
        'apiKey',
      ]);
    return this.sign(app);
  }

  /** For a platform service acting as the app (webhooks); NOT_FOUND for no live app. */
  async tokenFor(appId: string): Promise<{ accessToken: string; expiresIn: number }> {
    const app = await firstRow<App>(
      this.db,
      `SELECT ${COLUMNS} FROM identity.app WHERE id = $1 AND revoked_at IS NULL`,
      [appId],
    );
    if (!app) throw new DomainError(IdentityErrorCode.NOT_FOUND, 'No such app', ['appId']);
    return this.sign(app);
  }

  private async sign(app: App): Promise<{ accessToken: string; expiresIn: number }> {
    // The key's generation as its session: rotating the key or revoking the app ends the
    // tokens it bought at every router within seconds, not at their expiry.
    const access = await this.keys.signAccessToken({
      sub: app.id,
      kind: 'staff',
      sid: appSessionId(app.id, app.keyGeneration),
      permissions: app.permissions,
    });
    return { accessToken: access.token, expiresIn: access.expiresIn };
  }

  /**
   * A new key for the app, shown once; the old key and every token it bought stop working
   * at once (no overlap: a merchant rotating a leaked key wants it dead now).
   */
  async rotateKey(id: string, actor: Actor): Promise<{ app: App; apiKey: string }> {
    const apiKey = newApiKey();
    const app = await this.db.transaction(async (tx) => {
      // An UPDATE … RETURNING answers [rows, affected] through TypeORM.
      const [[rotated]] = (await tx.query(
        `UPDATE identity.app
            SET key_hash = $2, key_prefix = $3, key_generation = key_generation + 1,
                key_rotated_at = now()
          WHERE id = $1 AND revoked_at IS NULL
          RETURNING ${COLUMNS}`,
        [id, keyHash(apiKey), apiKey.slice(0, 10)],
      )) as [App[], number];
      if (!rotated) throw new DomainError(IdentityErrorCode.NOT_FOUND, 'No such app', ['id']);
      await this.audit.record(
        {
          event: 'app.key_rotated',
          actor: actor.party,
          subject: { kind: 'app', id },
          details: { keyGeneration: rotated.keyGeneration },
        },
        tx,
      );
      return rotated;
    });
    await this.sessions.announceRevoked([appSessionId(id, app.keyGeneration - 1)]);
    return { app, apiKey };
  }

  /** Ends the app: its key, its tokens, and (webhooks hears of it) its endpoints' deliveries. */
  async revoke(id: string, actor: Actor): Promise<App> {
    const app = await this.db.transaction(async (tx) => {
      const [[revoked]] = (await tx.query(
        `UPDATE identity.app SET revoked_at = now(), revoked_by = $2
          WHERE id = $1 AND revoked_at IS NULL
          RETURNING ${COLUMNS}`,
        [id, actor.party.kind === 'staff' ? actor.party.id : null],
      )) as [App[], number];
      if (!revoked) throw new DomainError(IdentityErrorCode.NOT_FOUND, 'No such app', ['id']);
      await this.audit.record(
        { event: 'app.revoked', actor: actor.party, subject: { kind: 'app', id } },
        tx,
      );
      const event: AppRevokedEvent = { appId: id };
      await recordEvent(tx, 'identity', APP_REVOKED_TOPIC, event);
      return revoked;
    });
    await this.sessions.announceRevoked([appSessionId(id, app.keyGeneration)]);
    return app;
  }

  list(): Promise<App[]> {
    return rows<App>(
      this.db,
      `SELECT ${COLUMNS} FROM identity.app WHERE revoked_at IS NULL ORDER BY created_at`,
    );
  }
}
