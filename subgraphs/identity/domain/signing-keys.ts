import { randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type KeyLike,
  SignJWT,
} from 'jose';
import type { DataSource } from 'typeorm';
import type { IdentityConfig } from '../config';
import type { Queryable } from './audit';
import type { SecretBox } from './secrets';
import { rows } from './sql';

export type SigningAlg = 'EdDSA' | 'RS256';

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  alg: SigningAlg;
  /** A new key is made when the newest is older than this (background task); 0 turns it off. */
  rotateAfterSeconds: number;
  /**
   * A new key is published this long before it signs: longer than verifiers cache the JWKS
   * (router/auth: 10 minutes), so that every verifier knows it before the first token it signs.
   */
  publishAheadSeconds: number;
}

export function tokenSettingsFrom(config: IdentityConfig): TokenSettings {
  return {
    issuer: config.IDENTITY_ISSUER,
    audience: config.IDENTITY_AUDIENCE,
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    alg: config.IDENTITY_TOKEN_ALG,
    rotateAfterSeconds: config.SIGNING_KEY_ROTATE_AFTER_SECONDS,
    publishAheadSeconds: config.SIGNING_KEY_PUBLISH_AHEAD_SECONDS,
  };
}

interface LoadedKey {
  kid: string;
  alg: SigningAlg;
  key: KeyLike | Uint8Array;
  activatesAt: number;
}

/** How long an instance keeps its key list before reading it again. */
const CACHE_MS = 60_000;
/** A superseded key stays published this long beyond the token lifetime (caches, clock skew). */
const PUBLISH_GRACE_SECONDS = 300;
const LOCK = `hashtext('identity.signing_key')`;

export interface AccessClaims {
  sub: string;
  kind: 'customer' | 'staff';
  sid: string;
  permissions?: string[];
}

/**
 * Token signing keys, kept in the database so that every instance signs with the same
 * key and every instance's JWKS lists the same keys. The first start generates one
 * (under an advisory lock: two instances starting together make one). Rotation adds a
 * key that activates `publishAheadSeconds` later; until then it is only published.
 * The key that signs is the newest active one; a superseded key stays in the JWKS until
 * the tokens it signed have expired.
 */
export class SigningKeys {
  private cache: { keys: LoadedKey[]; loadedAt: number } | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly box: SecretBox,
    readonly settings: TokenSettings,
  ) {}

  /** Creates the first key when there is none. */
  async ensureKey(): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${LOCK})`);
      const [row] = await tx.query(`SELECT kid FROM identity.signing_key LIMIT 1`);
      if (!row) await this.insertKey(tx, 0);
    });
  }

  /** Adds the next key, signing from `activateInSeconds` on; returns its key id. */
  async rotate(activateInSeconds = this.settings.publishAheadSeconds): Promise<string> {
    const kid = await this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${LOCK})`);
      return this.insertKey(tx, activateInSeconds);
    });
    this.cache = null;
    return kid;
  }

  /** Rotates when the newest key is older than the configured age (one instance does it). */
  async rotateIfDue(): Promise<string | null> {
    if (!this.settings.rotateAfterSeconds) return null;
    const kid = await this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${LOCK})`);
      const [due] = await tx.query(
        `SELECT 1 FROM identity.signing_key HAVING max(activates_at) < now() - make_interval(secs => $1)`,
        [this.settings.rotateAfterSeconds],
      );
      return due ? this.insertKey(tx, this.settings.publishAheadSeconds) : null;
    });
    if (kid) this.cache = null;
    return kid;
  }

  /** Forgets the cached key list (another instance rotated; tests). */
  reload(): void {
    this.cache = null;
  }

  /**
   * The public keys a verifier may meet: keys about to activate, the signing key, and
   * superseded keys whose tokens may still be alive.
   */
  async publicJwks(): Promise<{ keys: JWK[] }> {
    await this.ensureKeyOnce();
    const found = await rows<{ public_jwk: JWK }>(
      this.db,
      `SELECT public_jwk FROM (
         SELECT public_jwk, activates_at, lead(activates_at) OVER (ORDER BY activates_at) AS superseded_at
           FROM identity.signing_key) k
        WHERE superseded_at IS NULL OR superseded_at > now() - make_interval(secs => $1)
        ORDER BY activates_at DESC`,
      [this.settings.accessTokenTtlSeconds + PUBLISH_GRACE_SECONDS + CACHE_MS / 1000],
    );
    return { keys: found.map((r) => r.public_jwk) };
  }

  /** Signs a short-lived access token with the current key. */
  async signAccessToken(
    claims: AccessClaims,
  ): Promise<{ token: string; expiresIn: number; jti: string }> {
    const key = await this.signingKey();
    const jti = randomUUID();
    const payload: Record<string, unknown> = { kind: claims.kind, sid: claims.sid };
    if (claims.kind === 'staff') payload.permissions = claims.permissions ?? [];
    const expiresIn = this.settings.accessTokenTtlSeconds;
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
      .setSubject(claims.sub)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt()
      .setExpirationTime(`${expiresIn}s`)
      .setJti(jti)
      .sign(key.key);
    return { token, expiresIn, jti };
  }

  private async signingKey(): Promise<LoadedKey> {
    if (!this.cache || Date.now() - this.cache.loadedAt > CACHE_MS) {
      await this.ensureKeyOnce();
      // The current key and any that activate later: enough to switch on time without a reload.
      const found = await rows(
        this.db,
        `SELECT kid, alg, private_jwk, activates_at FROM identity.signing_key
          WHERE activates_at >= (SELECT max(activates_at) FROM identity.signing_key WHERE activates_at <= now())
          ORDER BY activates_at`,
      );
      const keys: LoadedKey[] = [];
      for (const row of found) {
        const jwk = JSON.parse(this.box.open(row.private_jwk)) as JWK;
        keys.push({
          kid: row.kid,
          alg: row.alg,
          key: await importJWK(jwk, row.alg),
          activatesAt: row.activates_at.getTime(),
        });
      }
      this.cache = { keys, loadedAt: Date.now() };
    }
    const now = Date.now();
    const active = this.cache.keys.filter((k) => k.activatesAt <= now).at(-1) ?? this.cache.keys[0];
    if (!active) throw new Error('No signing key');
    return active;
  }

  private ensured: Promise<void> | null = null;

  private ensureKeyOnce(): Promise<void> {
    this.ensured ??= this.ensureKey().catch((error) => {
      this.ensured = null;
      throw error;
    });
    return this.ensured;
  }

  private async insertKey(tx: Queryable, activateInSeconds: number): Promise<string> {
    const alg = this.settings.alg;
    const { publicKey, privateKey } =
      alg === 'EdDSA'
        ? await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
        : await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = await exportJWK(privateKey);
    await tx.query(
      `INSERT INTO identity.signing_key (kid, alg, public_jwk, private_jwk, activates_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [
        kid,
        alg,
        JSON.stringify({ ...publicJwk, kid, alg, use: 'sig' }),
        this.box.seal(JSON.stringify(privateJwk)),
        activateInSeconds,
      ],
    );
    return kid;
  }
}
