import { createHash, randomBytes } from 'node:crypto';
import {
  type AuthorizationResult,
  type AuthorizeRequest,
  type CaptureRequest,
  type CardDetails,
  type PaymentProvider,
  type ProviderResult,
  ProviderUnavailableError,
  type RefundRequest,
  type VoidRequest,
} from './provider';
import { SIGNATURE_HEADER, signatureHeader } from './webhooks/signature';

type TestCard =
  | { outcome: 'approve'; card: CardDetails }
  | { outcome: 'decline'; card: CardDetails | null; code: string; message: string }
  | { outcome: 'outage'; code: string; message: string };

/** The test tokens of a card network's sandbox; any other token is declined as invalid. */
const TEST_CARDS: Record<string, TestCard> = {
  tok_visa: { outcome: 'approve', card: { brand: 'visa', last4: '4242' } },
  tok_mastercard: { outcome: 'approve', card: { brand: 'mastercard', last4: '4444' } },
  tok_chargeDeclined: {
    outcome: 'decline',
    card: { brand: 'visa', last4: '0002' },
    code: 'card_declined',
    message: 'Your card was declined.',
  },
  tok_chargeDeclinedInsufficientFunds: {
    outcome: 'decline',
    card: { brand: 'visa', last4: '9995' },
    code: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  tok_processingError: {
    outcome: 'outage',
    code: 'processing_error',
    message: 'An error occurred while processing the card.',
  },
};

interface SandboxCharge {
  amount: number;
  currency: string;
  captured: number | null;
  refunded: number;
  voided: boolean;
}

/**
 * A card processor in test mode, in memory. Like a real one it remembers every result
 * by idempotency key (the same key returns the same result and does nothing again), and
 * it refuses to capture more than was authorized or to refund more than was captured,
 * whatever the caller believes. Its state lives in this process: references from before
 * a restart are unknown to it (`resource_missing`).
 */
export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox';
  private readonly results = new Map<string, { request: string; result: ProviderResult }>();
  private readonly charges = new Map<string, SandboxCharge>();

  async authorize(request: AuthorizeRequest): Promise<AuthorizationResult> {
    return this.once('authorize', request, () => {
      const card = TEST_CARDS[request.token];
      if (!card) return decline('invalid_token', 'The card token is not valid.', null);
      if (card.outcome === 'outage') throw new ProviderUnavailableError(card.code, card.message);
      if (card.outcome === 'decline') {
        return decline(card.code, card.message, card.card, reference('ch'));
      }
      const id = reference('ch');
      this.charges.set(id, {
        amount: request.amount,
        currency: request.currency,
        captured: null,
        refunded: 0,
        voided: false,
      });
      return { approved: true, reference: id, card: card.card };
    }) as Promise<AuthorizationResult>;
  }

  async capture(request: CaptureRequest): Promise<ProviderResult> {
    return this.once('capture', request, () => {
      const charge = this.charges.get(request.reference);
      if (!charge) return missing(request.reference);
      if (charge.voided) return decline('charge_voided', 'The authorization was voided.');
      if (charge.captured !== null)
        return decline('charge_already_captured', 'The charge was already captured.');
      if (!isPositive(request.amount) || request.amount > charge.amount) {
        return decline('amount_too_large', 'The capture amount exceeds the authorized amount.');
      }
      charge.captured = request.amount;
      return { approved: true, reference: reference('cap') };
    });
  }

  async void(request: VoidRequest): Promise<ProviderResult> {
    return this.once('void', request, () => {
      const charge = this.charges.get(request.reference);
      if (!charge) return missing(request.reference);
      if (charge.captured !== null)
        return decline('charge_already_captured', 'A captured charge cannot be voided.');
      charge.voided = true;
      return { approved: true, reference: reference('void') };
    });
  }

  async refund(request: RefundRequest): Promise<ProviderResult> {
    return this.once('refund', request, () => {
      const charge = this.charges.get(request.reference);
      if (!charge) return missing(request.reference);
      if (charge.captured === null)
        return decline('charge_not_captured', 'Only a captured charge can be refunded.');
      if (!isPositive(request.amount) || charge.refunded + request.amount > charge.captured) {
        return decline(
          'amount_too_large',
          'The refund exceeds what is left of the captured amount.',
        );
      }
      charge.refunded += request.amount;
      return { approved: true, reference: reference('re') };
    });
  }

  /** The sandbox's test cards are one card per token, so the token names the card. */
  async cardFingerprint(token: string): Promise<string | null> {
    const hash = createHash('sha256').update(`sandbox-card:${token}`).digest('hex');
    return `fp_sandbox_${hash.slice(0, 24)}`;
  }

  /**
   * Runs an operation once per idempotency key. Reusing a key for a different request is
   * the caller's bug, which processors refuse. An outage is not remembered: the request
   * did not happen, so repeating it does it.
   */
  private async once<R extends ProviderResult>(
    operation: string,
    request: { idempotencyKey: string },
    run: () => R,
  ): Promise<R> {
    const fingerprint = JSON.stringify([operation, { ...request, idempotencyKey: undefined }]);
    const earlier = this.results.get(request.idempotencyKey);
    if (earlier) {
      if (earlier.request !== fingerprint) {
        throw new Error(
          `Idempotency key ${request.idempotencyKey} was reused for a different request`,
        );
      }
      return earlier.result as R;
    }
    const result = run();
    this.results.set(request.idempotencyKey, { request: fingerprint, result });
    return result;
  }
}

function reference(prefix: string): string {
  return `${prefix}_sandbox_${randomBytes(12).toString('hex')}`;
}

function isPositive(amount: number): boolean {
  return Number.isSafeInteger(amount) && amount > 0;
}

function decline(
  code: string,
  message: string,
  card: CardDetails | null = null,
  ref: string | null = null,
): ProviderResult & { card: CardDetails | null } {
  return { approved: false, reference: ref, declineCode: code, declineMessage: message, card };
}

function missing(ref: string): ProviderResult {
  return decline('resource_missing', `No such charge: ${ref}`);
}

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
    id: event.id ?? reference('evt'),
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
