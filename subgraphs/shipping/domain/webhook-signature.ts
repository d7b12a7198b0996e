import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Carrier webhook signatures: `x-carrier-signature: t=<unix seconds>,v1=<hex HMAC-SHA256
 * of "<t>.<raw body>">`. Signing the timestamp with the body stops a replay with a fresh
 * `t`; the tolerance bounds how old it may be. (Payments has the same scheme for its
 * processor; a subgraph imports only platform/ and itself, so the few lines live here too.)
 */
export const CARRIER_SIGNATURE_HEADER = 'x-carrier-signature';

export type SignatureFailure =
  | 'WEBHOOK_SIGNATURE_MISSING'
  | 'WEBHOOK_SIGNATURE_MALFORMED'
  | 'WEBHOOK_SIGNATURE_INVALID'
  | 'WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE';

export function signCarrierWebhook(
  secret: string,
  timestamp: number,
  body: string | Buffer,
): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

export function verifyCarrierSignature(
  header: string | undefined,
  body: Buffer,
  secret: string,
  toleranceSeconds: number,
  now = Math.floor(Date.now() / 1000),
): { ok: true } | { ok: false; code: SignatureFailure } {
  if (!header) return { ok: false, code: 'WEBHOOK_SIGNATURE_MISSING' };
  const parts = new Map(
    header
      .slice(0, 512)
      .split(',')
      .map((p) => {
        const eq = p.indexOf('=');
        return [p.slice(0, eq).trim(), p.slice(eq + 1).trim()] as const;
      }),
  );
  const t = parts.get('t');
  const v1 = parts.get('v1');
  if (!t || !/^\d{1,12}$/.test(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1))
    return { ok: false, code: 'WEBHOOK_SIGNATURE_MALFORMED' };
  const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest();
  if (!timingSafeEqual(expected, Buffer.from(v1, 'hex')))
    return { ok: false, code: 'WEBHOOK_SIGNATURE_INVALID' };
  if (Math.abs(now - Number(t)) > toleranceSeconds)
    return { ok: false, code: 'WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE' };
  return { ok: true };
}
