/** The payment sandbox's test cards (subgraphs/payments/sandbox/cards.ts), by outcome. */
export const SANDBOX_CARDS: { token: string; label: string }[] = [
  { token: 'tok_visa', label: 'Visa •••• 4242 (approved)' },
  { token: 'tok_mastercard', label: 'Mastercard •••• 4444 (approved)' },
  { token: 'tok_threeDSecureRequired', label: 'Visa •••• 3220 (asks for 3-D Secure)' },
  { token: 'tok_chargeDeclined', label: 'Visa •••• 0002 (declined)' },
  { token: 'tok_chargeDeclinedInsufficientFunds', label: 'Visa •••• 9995 (insufficient funds)' },
  { token: 'tok_processingError', label: 'Processing error (the provider fails)' },
];
