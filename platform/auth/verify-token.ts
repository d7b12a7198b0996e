import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { GraphQLError } from 'graphql';
import type { Viewer } from '../identity';
import { loadConfig, setting } from '../config';

export type TokenAlgorithm = 'EdDSA' | 'RS256';

export interface TokenVerifierOptions {
  /** Identity's JWKS, e.g. http://identity:4007/.well-known/jwks.json (fetched and cached). */
  jwksUrl?: string;
  /** Or the keys themselves: a JWKS document or a jose key getter. */
  jwks?: JSONWebKeySet | JWTVerifyGetKey;
  issuer: string;
  audience: string;
  /** Clock skew tolerated on exp / iat / nbf. */
  leewaySeconds?: number;
  /** The only algorithms accepted; never `none` or an HMAC. */
  algorithms?: TokenAlgorithm[];
  /** The JWT `typ` header identity sets on access tokens (RFC 9068), so no other JWT passes for one. */
  type?: string;
}

/** The session a verified access token belongs to: what revocation and expiry are checked on. */
export interface TokenSession {
  /** identity's session id (`sid` claim); null for a token without one. */
  sid: string | null;
  /** When the token stops being valid (its `exp`, leeway included), epoch milliseconds. */
  expiresAt: number;
}

export interface VerifiedCaller {
  viewer: Viewer;
  /** Null for anonymous callers. */
  session: TokenSession | null;
}

export interface TokenVerifier {
  /** The viewer an `Authorization` header stands for: anonymous without one; throws UNAUTHENTICATED when invalid. */
  verify(authorization: string | null | undefined): Promise<Viewer>;
  /** The same, with the token's session and expiry (long-lived connections re-check them). */
  verifyCaller(authorization: string | null | undefined): Promise<VerifiedCaller>;
}

export function unauthenticatedToken(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

/**
 * Verifies identity's access tokens. The algorithm list is fixed by configuration, not
 * taken from the token, which is what refuses `alg: none` and the HS256-signed-with-the-
 * public-key confusion; iss, aud and exp are checked with a small leeway. The remote JWKS
 * is cached by jose and fetched again when a token names a key id it does not know (key
 * rotation), at most once per 30 seconds.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const keys = keySource(options);
  const algorithms = options.algorithms ?? ['EdDSA'];
  const leeway = options.leewaySeconds ?? 30;
  const typ = options.type ?? 'at+jwt';

  const verifyCaller = async (
    authorization: string | null | undefined,
  ): Promise<VerifiedCaller> => {
    if (authorization === undefined || authorization === null || authorization === '')
      return { viewer: { kind: 'anonymous' }, session: null };
    const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)\s*$/i.exec(
      authorization,
    );
    if (!match)
      throw unauthenticatedToken('The Authorization header must be "Bearer <access token>"');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1]!, keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms,
        clockTolerance: leeway,
        typ,
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch {
      // The reason (expired, bad signature ...) is not told: it helps only an attacker.
      throw unauthenticatedToken('The access token is not valid');
    }
    return {
      viewer: viewerOf(payload),
      session: {
        sid: typeof payload.sid === 'string' && payload.sid ? payload.sid : null,
        expiresAt: (payload.exp! + leeway) * 1000,
      },
    };
  };
  return {
    verifyCaller,
    verify: async (authorization) => (await verifyCaller(authorization)).viewer,
  };
}

function keySource(options: TokenVerifierOptions): JWTVerifyGetKey {
  if (options.jwks)
    return typeof options.jwks === 'function' ? options.jwks : createLocalJWKSet(options.jwks);
  if (options.jwksUrl)
    return createRemoteJWKSet(new URL(options.jwksUrl), {
      cooldownDuration: 30_000,
      cacheMaxAge: 600_000,
    });
  throw new Error('createTokenVerifier needs jwksUrl or jwks');
}

/** Maps verified claims to the viewer the router signs for subgraphs. */
export function viewerOf(payload: JWTPayload): Viewer {
  const sub = payload.sub;
  if (typeof sub !== 'string' || !sub) throw unauthenticatedToken('The access token is not valid');
  if (payload.kind === 'customer') return { kind: 'customer', customerId: sub };
  if (payload.kind === 'staff') {
    const permissions = payload.permissions;
    if (!Array.isArray(permissions) || !permissions.every((p) => typeof p === 'string')) {
      throw unauthenticatedToken('The access token is not valid');
    }
    return { kind: 'staff', staffId: sub, permissions: [...permissions] };
  }
  throw unauthenticatedToken('The access token is not valid');
}

/**
 * Settings from the environment, matching identity's defaults. The keys come from
 * IDENTITY_JWKS_URL, or else from the supergraph's identity subgraph; a supergraph without
 * one and no IDENTITY_JWKS_URL verifies no tokens: anonymous callers are served, and a
 * request with a bearer token is refused UNAUTHENTICATED (nothing could vouch for it).
 */
export function tokenVerifierFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  identitySubgraphUrl?: string,
): TokenVerifier {
  const jwksUrl =
    env.IDENTITY_JWKS_URL ??
    (identitySubgraphUrl
      ? new URL('/.well-known/jwks.json', identitySubgraphUrl).toString()
      : undefined);
  if (!jwksUrl) return noTokenVerifier();
  return createTokenVerifier({
    jwksUrl,
    issuer: env.IDENTITY_ISSUER ?? 'urn:commerce:identity',
    audience: env.IDENTITY_AUDIENCE ?? 'urn:commerce:api',
    algorithms: [(env.IDENTITY_TOKEN_ALG ?? 'EdDSA') as TokenAlgorithm],
    leewaySeconds: loadConfig({ TOKEN_LEEWAY_SECONDS: setting.int(30, { min: 0, max: 300 }) }, env)
      .TOKEN_LEEWAY_SECONDS,
  });
}

/** Serves anonymous callers only: used where no identity provider is configured. */
function noTokenVerifier(): TokenVerifier {
  const verifyCaller = async (authorization: string | null | undefined) => {
    if (authorization === undefined || authorization === null || authorization === '')
      return { viewer: { kind: 'anonymous' as const }, session: null };
    throw unauthenticatedToken(
      'This router verifies no access tokens (IDENTITY_JWKS_URL is unset)',
    );
  };
  return {
    verifyCaller,
    verify: async (authorization) => (await verifyCaller(authorization)).viewer,
  };
}
