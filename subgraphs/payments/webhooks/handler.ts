import type { PaymentsService } from '../service';
import { MalformedEventError, parseProviderEvent, type ProviderEvent } from './events';
import { DEFAULT_TOLERANCE_SECONDS, SIGNATURE_HEADER, verifySignature } from './signature';
import { createLogger } from '../../../platform/logging';

const log = createLogger('payments');

/**
 * The processor's webhook endpoint as a plain function (routes.ts mounts it on Express):
 * verify the signature over the raw body, parse the event, apply it once.
 *
 * Answers: 200 when the event is recorded (applied, unchanged, stale, refused as
 * inconsistent, of a type we ignore) or was a duplicate; 400 for a bad signature or a
 * malformed event; 404 for an unknown payment reference (not recorded: the processor
 * retries, and by then our authorization has committed); 500 otherwise (it retries too).
 */

export interface WebhookConfig {
  /** Accepted secrets: the current one first, then any being rotated out. */
  secrets: readonly string[];
  toleranceSeconds: number;
  /** Unix seconds; the clock, for tests. */
  now?: () => number;
}

export const DEV_WEBHOOK_SECRET = 'whsec_sandbox_development_only';

/**
 * PAYMENT_WEBHOOK_SECRET (comma-separated while rotating: new,old), required in
 * production, a development default otherwise; PAYMENT_WEBHOOK_TOLERANCE_SECONDS (300).
 */
export function webhookConfigFromEnv(
  env: Record<string, string | undefined> = process.env,
): WebhookConfig {
  const configured = (env.PAYMENT_WEBHOOK_SECRET ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (configured.length === 0 && env.NODE_ENV === 'production') {
    throw new Error('PAYMENT_WEBHOOK_SECRET must be set in production');
  }
  const tolerance = env.PAYMENT_WEBHOOK_TOLERANCE_SECONDS;
  if (tolerance !== undefined && !/^\d+$/.test(tolerance)) {
    throw new Error(`PAYMENT_WEBHOOK_TOLERANCE_SECONDS must be whole seconds, got "${tolerance}"`);
  }
  return {
    secrets: configured.length ? configured : [DEV_WEBHOOK_SECRET],
    toleranceSeconds: tolerance === undefined ? DEFAULT_TOLERANCE_SECONDS : Number(tolerance),
  };
}

export interface WebhookRequest {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

export interface WebhookResponse {
  status: number;
  body: object;
}

function refusal(status: number, code: string, message: string): WebhookResponse {
  return { status, body: { error: { code, message } } };
}

function header(headers: WebhookRequest['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

export async function handleProviderWebhook(
  service: PaymentsService,
  request: WebhookRequest,
  config: WebhookConfig = webhookConfigFromEnv(),
): Promise<WebhookResponse> {
  if (!Buffer.isBuffer(request.rawBody)) {
    return refusal(415, 'WEBHOOK_UNSUPPORTED_MEDIA_TYPE', 'The body must be application/json');
  }
  const check = verifySignature(header(request.headers, SIGNATURE_HEADER), request.rawBody, {
    secrets: config.secrets,
    toleranceSeconds: config.toleranceSeconds,
    now: config.now?.(),
  });
  if (!check.ok) return refusal(400, check.code, check.message);

  let event: ProviderEvent;
  try {
    event = parseProviderEvent(request.rawBody);
  } catch (error) {
    if (error instanceof MalformedEventError) {
      return refusal(400, 'WEBHOOK_MALFORMED_EVENT', error.message);
    }
    throw error;
  }

  try {
    const result = await service.applyProviderEvent(event);
    if (result.kind === 'unknown_payment') {
      return refusal(
        404,
        'WEBHOOK_PAYMENT_NOT_FOUND',
        'No payment has this reference (yet); deliver the event again later',
      );
    }
    return {
      status: 200,
      body: {
        received: true,
        eventId: event.id,
        duplicate: result.kind === 'duplicate',
        outcome: result.outcome,
      },
    };
  } catch (error) {
    log.error('webhook event failed', { eventId: event.id, error: (error as Error).message });
    return refusal(500, 'WEBHOOK_PROCESSING_FAILED', 'The event could not be processed; retry');
  }
}
