import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

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

/** A signed identity older than this is refused, which bounds replay of a captured header. */
const MAX_AGE_SECONDS = 300;

interface SignedPayload {
  viewer: Viewer;
  iat: number;
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

export function signIdentity(viewer: Viewer, secret = signingSecret()): Record<string, string> {
  const payload: SignedPayload = { viewer, iat: Math.floor(Date.now() / 1000) };
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return { [IDENTITY_HEADER]: encoded, [SIGNATURE_HEADER]: hmac(secret, encoded) };
}

/** Returns the viewer when the headers carry a valid, fresh signature; null otherwise. */
export function verifyIdentity(
  headers: Record<string, string | string[] | undefined>,
  secret = signingSecret(),
  maxAgeSeconds = MAX_AGE_SECONDS,
): Viewer | null {
  const encoded = headers[IDENTITY_HEADER];
  const signature = headers[SIGNATURE_HEADER];
  if (typeof encoded !== 'string' || typeof signature !== 'string') return null;
  const expected = Buffer.from(hmac(secret, encoded));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as SignedPayload;
    const age = Math.floor(Date.now() / 1000) - payload.iat;
    if (!(age >= -30 && age <= maxAgeSeconds)) return null;
    return payload.viewer;
  } catch {
    return null;
  }
}
