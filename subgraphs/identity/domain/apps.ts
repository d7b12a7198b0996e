import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { IdentityErrorCode } from '../errors';
import type { Actor } from './actor';
import type { AuditLog } from './audit';
import type { SigningKeys } from './signing-keys';
import { firstRow, rows } from './sql';

export const APPS_MANAGE = 'apps:manage';
const KEY_PREFIX = 'app_';

export interface App {
  id: string;
  name: string;
  permissions: string[];
  keyPrefix: string;
  createdAt: Date;
}

const COLUMNS = `id, name, permissions, key_prefix AS "keyPrefix", created_at AS "createdAt"`;

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
    const apiKey = KEY_PREFIX + randomBytes(32).toString('base64url');
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
    // No session: an app token is not revoked one by one, it lives only its short TTL.
    const access = await this.keys.signAccessToken({
      sub: app.id,
      kind: 'staff',
      sid: '',
      permissions: app.permissions,
    });
    return { accessToken: access.token, expiresIn: access.expiresIn };
  }

  list(): Promise<App[]> {
    return rows<App>(
      this.db,
      `SELECT ${COLUMNS} FROM identity.app WHERE revoked_at IS NULL ORDER BY created_at`,
    );
  }
}
