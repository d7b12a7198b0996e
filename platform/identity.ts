import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Who is calling, as the router (or a fellow subgraph) vouches for it. Subgraphs never
 * read client headers to learn this: only the signed identity header counts.
 */
export type Viewer = (
  | { kind: 'anonymous' }
  | { kind: 'customer'; customerId: string }
  | { kind: 'staff'; staffId: string; permissions: string[] }
  | { kind: 'service'; service: string }
) & {
  /** The caller's address as the router saw it (identity throttles logins by it). */
  clientIp?: string;
};

export const IDENTITY_HEADER = 'x-commerce-identity';
export const SIGNATURE_HEADER = 'x-commerce-signature';

/**
 * A signature is valid this long after it was made: enough for one call and its retries,
 * too short to do much with a captured header, which is also bound to one subgraph and
 * one request body.
 */
export const SIGNATURE_TTL_SECONDS = 30;
/** Clocks of the router and a subgraph may disagree by this much. */
const CLOCK_SKEW_SECONDS = 30;

/**
 * What a signature covers besides the viewer: the subgraph it is meant for (its name, as
 * composed into the supergraph) and the exact bytes of the request body (the query string
 * of a GET). `ttlSeconds: null` signs without expiry: anonymous subscribe messages, which the
 * router sends again as they were when it re-subscribes after a lost connection (a
 * signed-in subscriber's live as long as its token).
 */
export interface SignatureScope {
  audience: string;
  body: string | Buffer;
  ttlSeconds?: number | null;
}

interface SignedPayload {
  viewer: Viewer;
  iat: number;
  /** Absent: no expiry (subscribe messages). */
  exp?: number;
  aud: string;
  /** base64url SHA-256 of the body. */
  bdy: string;
}

export function signingSecret(): string {
  const secret = process.env.ROUTER_SIGNING_SECRET;
  if (secret) return secret;
  if (process.env.NODE_ENV === 'production') {
    throw new Error('ROUTER_SIGNING_SECRET must be set in production');
  }
  // One process (npm start, tests) shares the generated secret through the environment.
  process.env.ROUTER_SIGNING_SECRET = randomBytes(32).toString('hex');
  return process.env.ROUTER_SIGNING_SECRET;
}

function hmac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

export function bodyDigest(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('base64url');
}

/**
 * The bytes a subscribe message's signature covers: its operation, in one canonical form
 * both sides compute from the message (its extensions, where the signature travels, aside).
 */
export function subscribeSignatureBody(payload: {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
}): string {
  return JSON.stringify({
    query: payload.query ?? null,
    operationName: payload.operationName ?? null,
    variables: payload.variables ?? {},
  });
}

export function signIdentity(
  viewer: Viewer,
  scope: SignatureScope,
  secret = signingSecret(),
): Record<string, string> {
  const iat = Math.floor(Date.now() / 1000);
  const ttl = scope.ttlSeconds === undefined ? SIGNATURE_TTL_SECONDS : scope.ttlSeconds;
  const payload: SignedPayload = {
    viewer,
    iat,
    ...(ttl === null ? {} : { exp: iat + ttl }),
    aud: scope.audience,
    bdy: bodyDigest(scope.body),
  };
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return { [IDENTITY_HEADER]: encoded, [SIGNATURE_HEADER]: hmac(secret, encoded) };
}

/**
 * Returns the viewer when the headers carry a valid signature made for `expected.audience`
 * (this subgraph) over exactly `expected.body`, and not expired; null otherwise.
 * `requireExpiry: false` also accepts signatures made without expiry (subscribe messages).
 */
export function verifyIdentity(
  headers: Record<string, string | string[] | undefined>,
  expected: { audience: string; body: string | Buffer; requireExpiry?: boolean },
  secret = signingSecret(),
): Viewer | null {
  const encoded = headers[IDENTITY_HEADER];
  const signature = headers[SIGNATURE_HEADER];
  if (typeof encoded !== 'string' || typeof signature !== 'string') return null;
  const expectedMac = Buffer.from(hmac(secret, encoded));
  const given = Buffer.from(signature);
  if (expectedMac.length !== given.length || !timingSafeEqual(expectedMac, given)) return null;
  try {
    const payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as SignedPayload;
    const now = Math.floor(Date.now() / 1000);
    if (payload.aud !== expected.audience) return null;
    if (payload.bdy !== bodyDigest(expected.body)) return null;
    if (!(payload.iat <= now + CLOCK_SKEW_SECONDS)) return null;
    if (payload.exp === undefined) {
      if (expected.requireExpiry !== false) return null;
    } else if (!(payload.exp + CLOCK_SKEW_SECONDS >= now)) return null;
    return payload.viewer;
  } catch {
    return null;
  }
}

/**
 * Which subgraph listens at which URL, in this process: startSubgraph registers itself, so
 * a test client (platform/testing/graphql-client) signs for the subgraph it calls.
 */
const audiences = new Map<string, string>();

export function registerSubgraphAudience(url: string, name: string): void {
  audiences.set(url, name);
}

export function subgraphAudienceOf(url: string): string | undefined {
  return audiences.get(url);
}
