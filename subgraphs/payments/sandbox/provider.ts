import { createHash, randomBytes } from 'node:crypto';
import {
  type AuthorizationResult,
  type AuthorizeRequest,
  type CaptureRequest,
  type CardDetails,
  type PaymentProvider,
  type ProviderDecline,
  type ProviderResult,
  ProviderUnavailableError,
  type RefundRequest,
  requiresAction,
  type VaultRequest,
  type VaultResult,
  type VoidRequest,
} from '../provider';
import { TEST_CARD_EXPIRY, TEST_CARDS, VAULT_TOKEN_PREFIX } from './cards';
import { type ChargeAccess, SandboxStore } from './store';

/**
 * A card processor in test mode. Like a real one it remembers every result by
 * idempotency key (the same key returns the same result and does nothing again), it
 * refuses to capture more than was authorized or to refund more than was captured,
 * whatever the caller believes, and it forgets nothing when our processes restart: its
 * charges and results live in PostgreSQL (sandbox/store.ts).
 */
export interface SandboxOptions {
  /** Where the sandbox's challenge page (sandbox/acs-routes.ts) is reached by buyers. */
  acsUrl: string;
  challengeTtlSeconds: number;
}

export const DEFAULT_SANDBOX_OPTIONS: SandboxOptions = {
  acsUrl: 'http://localhost:4004/sandbox/3ds',
  challengeTtlSeconds: 600,
};

export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox';
  readonly store: SandboxStore;

  constructor(
    store: SandboxStore | string,
    private readonly options: SandboxOptions = DEFAULT_SANDBOX_OPTIONS,
  ) {
    this.store = typeof store === 'string' ? SandboxStore.open(store) : store;
  }

  close(): Promise<void> {
    return this.store.close();
  }

  async authorize(request: AuthorizeRequest): Promise<AuthorizationResult> {
    return this.once(
      'authorize',
      request,
      async (charges) => {
        const cardToken = request.token.startsWith(VAULT_TOKEN_PREFIX)
          ? await charges.vaultedCard(request.token)
          : request.token;
        const card = cardToken ? TEST_CARDS[cardToken] : undefined;
        if (!card) return decline('invalid_token', 'The card token is not valid.', null);
        if (card.outcome === 'outage') throw new ProviderUnavailableError(card.code, card.message);
        if (card.outcome === 'decline') {
          return decline(card.code, card.message, card.card, reference('ch'));
        }
        if (card.outcome === 'challenge') {
          const asked = await this.challenge(charges, request.idempotencyKey, card.card);
          if (asked) return asked;
        }
        if (!isPositive(request.amount)) {
          return decline('amount_invalid', 'The amount must be a positive integer.', card.card);
        }
        const id = reference('ch');
        await charges.create({ reference: id, amount: request.amount, currency: request.currency });
        return { approved: true, reference: id, card: card.card };
      },
      (result) => !requiresAction(result),
    ) as Promise<AuthorizationResult>;
  }

  /**
   * The bank's 3-D Secure step: the first ask opens a challenge and answers "action
   * required" (not remembered: asked again once the buyer answered, it is decided then);
   * a failed or expired challenge declines for good; a passed one lets the charge through.
   */
  private async challenge(
    charges: ChargeAccess,
    key: string,
    card: CardDetails,
  ): Promise<AuthorizationResult | null> {
    const challenge = await charges.challengeOf(key, this.options.challengeTtlSeconds);
    if (challenge.status === 'PASSED') return null;
    if (challenge.status === 'FAILED') {
      return decline('authentication_failed', 'The cardholder failed 3-D Secure.', card);
    }
    if (challenge.expiresAt <= new Date()) {
      return decline('authentication_expired', 'The 3-D Secure challenge expired.', card);
    }
    return {
      approved: false,
      reference: null,
      declineCode: 'authentication_required',
      declineMessage: 'The card requires 3-D Secure authentication.',
      card,
      actionRequired: {
        url: `${this.options.acsUrl}/${challenge.id}`,
        expiresAt: challenge.expiresAt.toISOString(),
      },
    };
  }

  /** Several partial captures are allowed up to the authorized amount; `final` releases the rest. */
  async capture(request: CaptureRequest): Promise<ProviderResult> {
    return this.once('capture', request, async (charges) => {
      const charge = await charges.lock(request.reference);
      if (!charge) return missing(request.reference);
      if (charge.released) {
        return charge.captured === 0
          ? decline('charge_voided', 'The authorization was voided.')
          : decline('authorization_released', 'The uncaptured rest was released.');
      }
      if (charge.captured === charge.amount)
        return decline('charge_already_captured', 'The charge was already captured.');
      if (!isPositive(request.amount) || charge.captured + request.amount > charge.amount) {
        return decline('amount_too_large', 'The capture amount exceeds what is left authorized.');
      }
      await charges.update(charge.reference, {
        captured: charge.captured + request.amount,
        released: request.final ? true : undefined,
      });
      return { approved: true, reference: reference('cap') };
    });
  }

  /** Releases what is not captured: all of it before a capture, the rest after a partial one. */
  async void(request: VoidRequest): Promise<ProviderResult> {
    return this.once('void', request, async (charges) => {
      const charge = await charges.lock(request.reference);
      if (!charge) return missing(request.reference);
      if (charge.captured === charge.amount)
        return decline('charge_already_captured', 'A captured charge cannot be voided.');
      if (charge.released) {
        return charge.captured === 0
          ? decline('charge_voided', 'The authorization was voided.')
          : decline('authorization_released', 'The uncaptured rest was released.');
      }
      await charges.update(charge.reference, { released: true });
      return { approved: true, reference: reference('void') };
    });
  }

  async refund(request: RefundRequest): Promise<ProviderResult> {
    return this.once('refund', request, async (charges) => {
      const charge = await charges.lock(request.reference);
      if (!charge) return missing(request.reference);
      if (charge.captured === 0)
        return decline('charge_not_captured', 'Only a captured charge can be refunded.');
      if (!isPositive(request.amount) || charge.refunded + request.amount > charge.captured) {
        return decline(
          'amount_too_large',
          'The refund exceeds what is left of the captured amount.',
        );
      }
      await charges.update(charge.reference, { refunded: charge.refunded + request.amount });
      return { approved: true, reference: reference('re') };
    });
  }

  /** Vaults a test card: any known one (a declining card declines when it is charged). */
  async vault(request: VaultRequest): Promise<VaultResult> {
    return this.once('vault', request, async (charges) => {
      const card = TEST_CARDS[request.token];
      if (!card || card.outcome === 'outage') {
        return decline('invalid_token', 'The card token is not valid.') as ProviderDecline;
      }
      const vaultToken = `${VAULT_TOKEN_PREFIX}${randomBytes(12).toString('hex')}`;
      await charges.vault(vaultToken, request.token);
      return {
        approved: true,
        vaultToken,
        card: { ...(card.card ?? { brand: 'unknown', last4: '0000' }), ...TEST_CARD_EXPIRY },
      };
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
  private once<R extends ProviderResult | VaultResult>(
    operation: string,
    request: { idempotencyKey: string },
    run: (charges: ChargeAccess) => Promise<R>,
    remember?: (result: R) => boolean,
  ): Promise<R> {
    const fingerprint = JSON.stringify([operation, { ...request, idempotencyKey: undefined }]);
    return this.store.once(request.idempotencyKey, fingerprint, run, remember);
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
