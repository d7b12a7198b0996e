/**
 * The seam to the outside world we cannot reach from tests: a card processor. The
 * service only ever talks to this interface; `sandbox-provider.ts` is the test-mode
 * implementation, a real processor's client would be another.
 *
 * Every call carries an idempotency key. Processors remember the result per key, so a
 * call repeated after a crash or a timeout returns the first result instead of charging
 * or refunding twice; the service derives these keys from its own rows.
 */

export interface CardDetails {
  brand: string;
  last4: string;
}

export interface AuthorizeRequest {
  /** Integer minor units. */
  amount: number;
  currency: string;
  /** A card token from the client-side tokenization step; never a card number. */
  token: string;
  idempotencyKey: string;
}

export interface CaptureRequest {
  /** The processor's reference of the authorization. */
  reference: string;
  amount: number;
  /** Releases what stays uncaptured; without it, later captures may take the rest. */
  final?: boolean;
  idempotencyKey: string;
}

export interface VoidRequest {
  reference: string;
  idempotencyKey: string;
}

export interface RefundRequest {
  reference: string;
  amount: number;
  idempotencyKey: string;
}

export interface VaultRequest {
  /** A one-time card token from the client-side tokenization. */
  token: string;
  idempotencyKey: string;
}

export type VaultResult =
  | {
      approved: true;
      /** Reusable in place of a card token for later authorizations. */
      vaultToken: string;
      card: CardDetails & { expMonth: number; expYear: number };
    }
  | ProviderDecline;

export interface ProviderApproval {
  approved: true;
  /** The processor's id of what it did (authorization, capture, refund). */
  reference: string;
}

export interface ProviderDecline {
  approved: false;
  reference: string | null;
  /** A stable machine-readable reason, such as `card_declined` or `insufficient_funds`. */
  declineCode: string;
  declineMessage: string;
}

export type ProviderResult = ProviderApproval | ProviderDecline;

/**
 * The card's bank wants the cardholder to authenticate (3-D Secure) before it answers:
 * the buyer completes the challenge at `url`, then the same authorization (same key) is
 * asked again and gets the bank's answer.
 */
export interface ProviderActionRequired extends ProviderDecline {
  actionRequired: { url: string; expiresAt: string };
}

export type AuthorizationResult = (ProviderResult | ProviderActionRequired) & {
  card: CardDetails | null;
};

export function requiresAction(
  result: ProviderResult | ProviderActionRequired,
): result is ProviderActionRequired {
  return !result.approved && 'actionRequired' in result;
}

export interface PaymentProvider {
  /** Stored on each payment, so that later operations go to the processor that authorized it. */
  readonly name: string;
  /** Closes the provider's connections when the process stops. */
  close?(): Promise<void>;
  authorize(request: AuthorizeRequest): Promise<AuthorizationResult>;
  capture(request: CaptureRequest): Promise<ProviderResult>;
  void(request: VoidRequest): Promise<ProviderResult>;
  refund(request: RefundRequest): Promise<ProviderResult>;
  /** Keeps a card for later charges (saved payment methods); absent when the processor cannot. */
  vault?(request: VaultRequest): Promise<VaultResult>;
  /**
   * A stable id of the card behind a token (the same card gives the same fingerprint,
   * whatever token it was tokenized into), for fraud screening before the authorization.
   * Read-only: it charges nothing. Null when the processor cannot tell.
   */
  cardFingerprint?(token: string): Promise<string | null>;
}

/**
 * The processor could not be reached or failed on its side: the outcome is unknown, so
 * the same call may be repeated with the same idempotency key. A decline is not an outage.
 */
export class ProviderUnavailableError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProviderUnavailableError';
  }
}
