import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures as card processors make them (Stripe's scheme): the header
 * `x-sandbox-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
 * The timestamp is signed with the body, so an old request cannot be replayed with a
 * fresh `t`; the tolerance bounds how old (or how far in the future) `t` may be. While a
 * secret rotates the processor signs with both secrets, so several `v1=` entries may
 * come; one matching one of our secrets is enough.
 */

export const SIGNATURE_HEADER = 'x-sandbox-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

const MAX_HEADER_LENGTH = 2048;
const MAX_SIGNATURES = 8;
const HEX_SHA256 = /^[0-9a-f]{64}$/;

export type SignatureFailure =
  | 'WEBHOOK_SIGNATURE_MISSING'
  | 'WEBHOOK_SIGNATURE_MALFORMED'
  | 'WEBHOOK_SIGNATURE_INVALID'
  | 'WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE';

export type SignatureCheck =
  { ok: true; timestamp: number } | { ok: false; code: SignatureFailure; message: string };

export function computeSignature(
  secret: string,
  timestamp: number,
  rawBody: Buffer | string,
): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** The header value for a body signed at `timestamp` with each of `secrets`. */
export function signatureHeader(
  secrets: readonly string[],
  timestamp: number,
  rawBody: Buffer | string,
): string {
  return [
    `t=${timestamp}`,
    ...secrets.map((s) => `v1=${computeSignature(s, timestamp, rawBody)}`),
  ].join(',');
}

export interface VerifyOptions {
  /** Every secret currently accepted (the new one and, while rotating, the old one). */
  secrets: readonly string[];
  toleranceSeconds?: number;
  /** Unix seconds; the clock, for tests. */
  now?: number;
}

/** Checks a signature header against the raw body, in constant time per candidate. */
export function verifySignature(
  header: string | undefined,
  rawBody: Buffer,
  options: VerifyOptions,
): SignatureCheck {
  if (!header)
    return fail('WEBHOOK_SIGNATURE_MISSING', `The ${SIGNATURE_HEADER} header is missing`);
  if (header.length > MAX_HEADER_LENGTH)
    return fail('WEBHOOK_SIGNATURE_MALFORMED', 'The signature header is too long');
  let timestamp: number | null = null;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    // Other schemes (v0, future versions) are ignored, like the processors' own libraries do.
    if (key === 'v1' && HEX_SHA256.test(value)) candidates.push(value);
  }
  if (timestamp === null || candidates.length === 0 || candidates.length > MAX_SIGNATURES) {
    return fail(
      'WEBHOOK_SIGNATURE_MALFORMED',
      'The signature header needs t=<unix seconds> and v1=<hex HMAC-SHA256>',
    );
  }
  const received = candidates.map((c) => Buffer.from(c, 'hex'));
  let matched = false;
  for (const secret of options.secrets) {
    const expected = Buffer.from(computeSignature(secret, timestamp, rawBody), 'hex');
    // Every candidate is compared, without stopping at the first match.
    for (const candidate of received) matched = timingSafeEqual(expected, candidate) || matched;
  }
  if (!matched)
    return fail(
      'WEBHOOK_SIGNATURE_INVALID',
      'No signature matches the body with the webhook secret',
    );
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(now - timestamp) > tolerance) {
    return fail(
      'WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE',
      `The signature timestamp is more than ${tolerance} seconds away from now`,
    );
  }
  return { ok: true, timestamp };
}

function fail(code: SignatureFailure, message: string): SignatureCheck {
  return { ok: false, code, message };
}
