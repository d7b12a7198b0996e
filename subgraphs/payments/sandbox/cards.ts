import type { CardDetails } from '../provider';

export type TestCard =
  | { outcome: 'approve'; card: CardDetails }
  /** Approved once the cardholder passes the bank's 3-D Secure challenge. */
  | { outcome: 'challenge'; card: CardDetails }
  | { outcome: 'decline'; card: CardDetails | null; code: string; message: string }
  | { outcome: 'outage'; code: string; message: string };

/** The test tokens of a card network's sandbox; any other token is declined as invalid. */
export const TEST_CARDS: Record<string, TestCard> = {
  tok_visa: { outcome: 'approve', card: { brand: 'visa', last4: '4242' } },
  tok_mastercard: { outcome: 'approve', card: { brand: 'mastercard', last4: '4444' } },
  tok_threeDSecureRequired: { outcome: 'challenge', card: { brand: 'visa', last4: '3220' } },
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

/** Every test card's expiry, as a card network's test cards have a fixed one. */
export const TEST_CARD_EXPIRY = { expMonth: 12, expYear: 2034 };

/** Vault tokens the sandbox issues (`pm_sandbox_…`), accepted wherever a card token is. */
export const VAULT_TOKEN_PREFIX = 'pm_sandbox_';

/** The one-time code that passes a sandbox 3-D Secure challenge; any other code fails it. */
export const CHALLENGE_PASS_CODE = '123456';
