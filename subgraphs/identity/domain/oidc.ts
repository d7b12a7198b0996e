import { IdentityErrorCode } from '../errors';
import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { DataSource } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import type { AuditLog } from './audit';
import type { Authentication, LoginResult } from './authentication';
import { CustomerRow } from '../entities';
import { tokenHash } from './secrets';
import { firstRow, isUniqueViolation } from './sql';
import { normalizeEmail } from './validation';
import { createLogger } from '../../../platform/logging';

const log = createLogger('identity');

export interface OidcProviderConfig {
  /** The name clients use: `oidcStart(provider: "google")`. */
  name: string;
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** Where the provider sends the browser back; the storefront then calls oidcCallback. */
  redirectUri: string;
  scopes?: string;
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
}

/**
 * OIDC_PROVIDERS is a JSON array of OidcProviderConfig, e.g.
 * `[{"name":"google","issuer":"https://accounts.google.com","clientId":"…","clientSecret":"…",
 *    "redirectUri":"https://shop.example/auth/callback/google"}]`.
 */
export function oidcProvidersFrom(json: string | undefined): OidcProviderConfig[] {
  if (!json) return [];
  const parsed = JSON.parse(json) as OidcProviderConfig[];
  if (!Array.isArray(parsed)) throw new Error('OIDC_PROVIDERS must be a JSON array');
  for (const p of parsed) {
    if (!p.name || !p.issuer || !p.clientId || !p.redirectUri) {
      throw new Error('Each OIDC provider needs name, issuer, clientId and redirectUri');
    }
  }
  return parsed;
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
  id_token_signing_alg_values_supported?: string[];
}

/** Asymmetric algorithms only: never `none`, never an HMAC keyed with the client secret. */
const ID_TOKEN_ALGS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];
const REQUEST_TTL_SECONDS = 600;
const DISCOVERY_TTL_MS = 3600_000;
const HTTP_TIMEOUT_MS = 10_000;

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/**
 * Social login with OpenID Connect: authorization code flow with PKCE (S256), `state`
 * (single use, kept server-side as a hash with its nonce and code verifier) and `nonce`;
 * the ID token is verified against the provider's JWKS found through discovery. A
 * provider identity is linked to the customer with the same (provider-verified) email,
 * or a new, verified customer is created.
 */
export class Oidc {
  private readonly providers: Map<string, OidcProviderConfig>;
  private readonly discovered = new Map<
    string,
    { doc: Discovery; jwks: ReturnType<typeof createRemoteJWKSet>; at: number }
  >();

  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditLog,
    private readonly auth: Authentication,
    providers: OidcProviderConfig[],
  ) {
    this.providers = new Map(providers.map((p) => [p.name, p]));
  }

  providerNames(): string[] {
    return [...this.providers.keys()].sort();
  }

  async start(name: string): Promise<{ authorizationUrl: string; state: string }> {
    const provider = this.provider(name);
    const { doc } = await this.discover(provider);
    const state = base64url(randomBytes(32));
    const nonce = base64url(randomBytes(32));
    const verifier = base64url(randomBytes(32));
    const challenge = base64url(createHash('sha256').update(verifier).digest());
    await this.db.query(
      `INSERT INTO identity.oidc_request (state_hash, provider, nonce, code_verifier, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [tokenHash(state), provider.name, nonce, verifier, REQUEST_TTL_SECONDS],
    );
    await this.db.query(
      `DELETE FROM identity.oidc_request WHERE expires_at < now() - interval '1 hour'`,
    );
    const url = new URL(doc.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: provider.clientId,
      redirect_uri: provider.redirectUri,
      scope: provider.scopes ?? 'openid email profile',
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    return { authorizationUrl: url.toString(), state };
  }

  async callback(
    name: string,
    code: string,
    state: string,
    mfaCode: string | null | undefined,
    ip: string | null,
  ): Promise<LoginResult<CustomerRow>> {
    const provider = this.provider(name);
    // Single use: the row is gone whatever happens next.
    const pending = await firstRow(
      this.db,
      `DELETE FROM identity.oidc_request WHERE state_hash = $1
       RETURNING provider, nonce, code_verifier, expires_at > now() AS live`,
      [tokenHash(String(state ?? ''))],
    );
    if (!pending || !pending.live || pending.provider !== provider.name) {
      throw new DomainError(
        IdentityErrorCode.INVALID_STATE,
        'The sign-in request is unknown or has expired; start again',
        ['state'],
      );
    }
    const { doc, jwks } = await this.discover(provider);
    const tokens = await this.exchange(provider, doc, String(code ?? ''), pending.code_verifier);
    const claims = await this.verifyIdToken(provider, doc, jwks, tokens.id_token, pending.nonce);
    const profile = await this.profile(doc, claims, tokens.access_token);
    if (profile.emailVerified !== true || !profile.email) {
      throw new DomainError(
        IdentityErrorCode.EMAIL_NOT_VERIFIED,
        'The provider did not confirm an email address for this account',
      );
    }
    const customer = await this.linkOrCreate(provider.name, claims.sub!, profile, ip);
    const principal = { kind: 'customer' as const, id: customer.id };
    const keys = { account: `customer:${customer.email}`, ip };
    await this.auth.beginAttempt(keys);
    if ((await this.auth.secondFactor(principal, keys, mfaCode)) === 'required') {
      return { mfaRequired: true, account: null, tokens: null };
    }
    await this.auth.attemptSucceeded(keys);
    return {
      mfaRequired: false,
      account: customer,
      tokens: await this.auth.startSession(principal, `oidc:${provider.name}`, ip),
    };
  }

  private provider(name: string): OidcProviderConfig {
    const provider = this.providers.get(name);
    if (!provider)
      throw new DomainError(
        IdentityErrorCode.UNKNOWN_PROVIDER,
        `No sign-in provider called ${name}`,
        ['provider'],
      );
    return provider;
  }

  private async discover(provider: OidcProviderConfig) {
    try {
      return await this.fetchDiscovery(provider);
    } catch (error) {
      log.error('OIDC discovery failed', {
        provider: provider.name,
        error: (error as Error).message,
      });
      throw new DomainError(
        IdentityErrorCode.PROVIDER_UNAVAILABLE,
        `The sign-in provider ${provider.name} cannot be reached`,
        ['provider'],
      );
    }
  }

  private async fetchDiscovery(provider: OidcProviderConfig) {
    const cached = this.discovered.get(provider.name);
    if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached;
    const issuer = provider.issuer.replace(/\/$/, '');
    const doc = (await getJson(`${issuer}/.well-known/openid-configuration`)) as Discovery;
    if (doc.issuer !== provider.issuer)
      throw new Error(`OIDC discovery of ${provider.name} names issuer ${doc.issuer}`);
    const entry = { doc, jwks: createRemoteJWKSet(new URL(doc.jwks_uri)), at: Date.now() };
    this.discovered.set(provider.name, entry);
    return entry;
  }

  private async exchange(
    provider: OidcProviderConfig,
    doc: Discovery,
    code: string,
    verifier: string,
  ) {
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: provider.redirectUri,
      code_verifier: verifier,
    });
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (provider.tokenEndpointAuthMethod === 'client_secret_post' || !provider.clientSecret) {
      body.set('client_id', provider.clientId);
      if (provider.clientSecret) body.set('client_secret', provider.clientSecret);
    } else {
      const user = encodeURIComponent(provider.clientId);
      const secret = encodeURIComponent(provider.clientSecret);
      headers.authorization = `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
    }
    const response = await fetch(doc.token_endpoint, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    }).catch(() => {
      throw new DomainError(
        IdentityErrorCode.PROVIDER_UNAVAILABLE,
        `The sign-in provider ${provider.name} cannot be reached`,
        ['provider'],
      );
    });
    const json = (await response.json().catch(() => ({}))) as {
      id_token?: string;
      access_token?: string;
      error?: string;
    };
    if (!response.ok || !json.id_token) {
      throw new DomainError(
        IdentityErrorCode.OIDC_EXCHANGE_FAILED,
        `The provider refused the sign-in (${json.error ?? response.status})`,
        ['code'],
      );
    }
    return json as { id_token: string; access_token?: string };
  }

  private async verifyIdToken(
    provider: OidcProviderConfig,
    doc: Discovery,
    jwks: ReturnType<typeof createRemoteJWKSet>,
    idToken: string,
    nonce: string,
  ): Promise<JWTPayload> {
    const supported = doc.id_token_signing_alg_values_supported;
    const algorithms = supported ? ID_TOKEN_ALGS.filter((a) => supported.includes(a)) : ['RS256'];
    try {
      const { payload } = await jwtVerify(idToken, jwks, {
        issuer: doc.issuer,
        audience: provider.clientId,
        algorithms,
        clockTolerance: 30,
        requiredClaims: ['sub', 'iat', 'exp'],
      });
      if (payload.nonce !== nonce) throw new Error('nonce mismatch');
      if (
        Array.isArray(payload.aud) &&
        payload.aud.length > 1 &&
        payload.azp !== provider.clientId
      ) {
        throw new Error('azp mismatch');
      }
      return payload;
    } catch (error) {
      throw new DomainError(
        IdentityErrorCode.INVALID_ID_TOKEN,
        `The provider's ID token was not accepted: ${(error as Error).message}`,
      );
    }
  }

  /** Email and names from the ID token, or from userinfo when the ID token does not carry them. */
  private async profile(doc: Discovery, claims: JWTPayload, accessToken: string | undefined) {
    let source: Record<string, unknown> = claims;
    if (!claims.email && doc.userinfo_endpoint && accessToken) {
      const info = (await getJson(doc.userinfo_endpoint, {
        authorization: `Bearer ${accessToken}`,
      })) as Record<string, unknown>;
      if (info.sub !== claims.sub)
        throw new DomainError(
          IdentityErrorCode.INVALID_ID_TOKEN,
          'userinfo is about another subject',
        );
      source = info;
    }
    const email = normalizeEmail(source.email);
    const name = typeof source.name === 'string' ? source.name.trim() : '';
    const text = (value: unknown) =>
      typeof value === 'string' && value.trim() ? value.trim().slice(0, 100) : null;
    return {
      email,
      emailVerified: source.email_verified === true,
      firstName:
        text(source.given_name) ?? text(name.split(/\s+/)[0]) ?? email.split('@')[0]!.slice(0, 100),
      lastName: text(source.family_name) ?? text(name.split(/\s+/).slice(1).join(' ')) ?? '-',
    };
  }

  private async linkOrCreate(
    provider: string,
    subject: string,
    profile: { email: string; firstName: string; lastName: string },
    ip: string | null,
  ): Promise<CustomerRow> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.db.transaction(async (tx) => {
          const repo = tx.getRepository(CustomerRow);
          const linked = await firstRow(
            tx,
            `SELECT customer_id FROM identity.external_identity WHERE provider = $1 AND subject = $2`,
            [provider, subject],
          );
          if (linked) return repo.findOneByOrFail({ id: linked.customer_id });
          let customer = await repo.findOneBy({ email: profile.email });
          if (customer) {
            if (!customer.emailVerifiedAt) {
              await tx.query(
                `UPDATE identity.customer SET email_verified_at = now() WHERE id = $1`,
                [customer.id],
              );
              customer.emailVerifiedAt = new Date();
            }
            await this.audit.record(
              {
                event: 'oidc.linked',
                subject: { kind: 'customer', id: customer.id },
                ip,
                details: { provider },
              },
              tx,
            );
          } else {
            customer = await repo.save(
              repo.create({ ...profile, passwordHash: null, emailVerifiedAt: new Date() }),
            );
            await this.audit.record(
              {
                event: 'customer.registered',
                subject: { kind: 'customer', id: customer.id },
                ip,
                details: { via: provider },
              },
              tx,
            );
          }
          await tx.query(
            `INSERT INTO identity.external_identity (provider, subject, customer_id, email) VALUES ($1, $2, $3, $4)`,
            [provider, subject, customer.id, profile.email],
          );
          return customer;
        });
      } catch (error) {
        // Two first sign-ins racing: the second finds what the first created.
        if (attempt === 0 && isUniqueViolation(error)) continue;
        throw error;
      }
    }
  }
}

async function getJson(url: string, headers: Record<string, string> = {}): Promise<unknown> {
  const response = await fetch(url, {
    headers: { accept: 'application/json', ...headers },
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.json();
}
