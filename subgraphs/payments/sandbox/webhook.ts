import { randomBytes } from 'node:crypto';
import { SIGNATURE_HEADER, signatureHeader } from '../webhooks/signature';

/** An event as the sandbox sends it to the webhook endpoint; see webhooks/events.ts. */
export interface SandboxEvent {
  /** Defaults to a fresh `evt_sandbox_...`. */
  id?: string;
  type: string;
  /** Unix seconds; defaults to the signature's timestamp. */
  created?: number;
  data: Record<string, unknown>;
}

/**
 * A signed webhook request as the sandbox would deliver it, for tests: the raw body and
 * the headers, signed at `timestamp` (unix seconds, default now) with the secret, or with
 * each of several secrets (a secret being rotated: one `v1=` entry per secret).
 */
export function sandboxWebhook(
  secret: string | readonly string[],
  event: SandboxEvent,
  options: { timestamp?: number } = {},
): { rawBody: Buffer; headers: Record<string, string>; event: Required<SandboxEvent> } {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const full: Required<SandboxEvent> = {
    id: event.id ?? `evt_sandbox_${randomBytes(12).toString('hex')}`,
    type: event.type,
    created: event.created ?? timestamp,
    data: event.data,
  };
  const rawBody = Buffer.from(JSON.stringify(full));
  const secrets = typeof secret === 'string' ? [secret] : secret;
  return {
    rawBody,
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signatureHeader(secrets, timestamp, rawBody),
    },
    event: full,
  };
}
