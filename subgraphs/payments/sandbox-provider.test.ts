import { createPaymentProvider } from '.';
import { ProviderUnavailableError } from './provider';
import { SandboxProvider } from './sandbox-provider';

const authorize = (
  provider: SandboxProvider,
  token: string,
  idempotencyKey: string,
  amount = 1000,
) => provider.authorize({ amount, currency: 'EUR', token, idempotencyKey });

describe('sandbox payment provider', () => {
  it('approves and declines the test tokens like a card network in test mode', async () => {
    const provider = new SandboxProvider();
    expect(await authorize(provider, 'tok_visa', 'k1')).toMatchObject({
      approved: true,
      card: { brand: 'visa', last4: '4242' },
    });
    expect(await authorize(provider, 'tok_mastercard', 'k2')).toMatchObject({
      approved: true,
      card: { brand: 'mastercard', last4: '4444' },
    });
    expect(await authorize(provider, 'tok_chargeDeclined', 'k3')).toMatchObject({
      approved: false,
      declineCode: 'card_declined',
    });
    expect(await authorize(provider, 'tok_chargeDeclinedInsufficientFunds', 'k4')).toMatchObject({
      approved: false,
      declineCode: 'insufficient_funds',
    });
    expect(await authorize(provider, 'tok_bogus', 'k5')).toMatchObject({
      approved: false,
      declineCode: 'invalid_token',
    });
    const outage = authorize(provider, 'tok_processingError', 'k6');
    await expect(outage).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(outage).rejects.toMatchObject({ code: 'processing_error' });
  });

  it('returns the first result for a repeated idempotency key and refuses its reuse for another request', async () => {
    const provider = new SandboxProvider();
    const first = await authorize(provider, 'tok_visa', 'same');
    expect(await authorize(provider, 'tok_visa', 'same')).toEqual(first);
    await expect(authorize(provider, 'tok_visa', 'same', 2000)).rejects.toThrow(/reused/);

    const reference = first.reference!;
    const capture = await provider.capture({ reference, amount: 1000, idempotencyKey: 'cap' });
    expect(await provider.capture({ reference, amount: 1000, idempotencyKey: 'cap' })).toEqual(
      capture,
    );
    const refund = await provider.refund({ reference, amount: 600, idempotencyKey: 'ref' });
    expect(await provider.refund({ reference, amount: 600, idempotencyKey: 'ref' })).toEqual(
      refund,
    );
    // The replay refunded nothing: 400 is still left.
    expect(
      await provider.refund({ reference, amount: 400, idempotencyKey: 'ref-2' }),
    ).toMatchObject({ approved: true });
  });

  it('refuses to capture more than authorized, to capture twice, or to refund more than captured', async () => {
    const provider = new SandboxProvider();
    const { reference } = await authorize(provider, 'tok_visa', 'a');
    const ref = reference!;
    expect(
      await provider.capture({ reference: ref, amount: 1001, idempotencyKey: 'c1' }),
    ).toMatchObject({
      approved: false,
      declineCode: 'amount_too_large',
    });
    expect(
      await provider.refund({ reference: ref, amount: 1, idempotencyKey: 'r0' }),
    ).toMatchObject({
      declineCode: 'charge_not_captured',
    });
    expect(
      await provider.capture({ reference: ref, amount: 700, idempotencyKey: 'c2' }),
    ).toMatchObject({ approved: true });
    expect(
      await provider.capture({ reference: ref, amount: 100, idempotencyKey: 'c3' }),
    ).toMatchObject({
      declineCode: 'charge_already_captured',
    });
    expect(await provider.void({ reference: ref, idempotencyKey: 'v1' })).toMatchObject({
      declineCode: 'charge_already_captured',
    });
    expect(
      await provider.refund({ reference: ref, amount: 500, idempotencyKey: 'r1' }),
    ).toMatchObject({ approved: true });
    expect(
      await provider.refund({ reference: ref, amount: 201, idempotencyKey: 'r2' }),
    ).toMatchObject({
      declineCode: 'amount_too_large',
    });
    expect(
      await provider.refund({ reference: ref, amount: 200, idempotencyKey: 'r3' }),
    ).toMatchObject({ approved: true });
    expect(
      await provider.capture({ reference: 'ch_unknown', amount: 1, idempotencyKey: 'c4' }),
    ).toMatchObject({
      declineCode: 'resource_missing',
    });
  });

  it('voids an authorization, which then cannot be captured', async () => {
    const provider = new SandboxProvider();
    const ref = (await authorize(provider, 'tok_visa', 'v')).reference!;
    expect(await provider.void({ reference: ref, idempotencyKey: 'v1' })).toMatchObject({
      approved: true,
    });
    expect(
      await provider.capture({ reference: ref, amount: 1000, idempotencyKey: 'c1' }),
    ).toMatchObject({
      declineCode: 'charge_voided',
    });
  });

  it('gives each test card a stable fingerprint, without authorizing anything', async () => {
    const provider = new SandboxProvider();
    const visa = await provider.cardFingerprint('tok_visa');
    expect(visa).toMatch(/^fp_sandbox_[0-9a-f]{24}$/);
    expect(await new SandboxProvider().cardFingerprint('tok_visa')).toBe(visa);
    expect(await provider.cardFingerprint('tok_mastercard')).not.toBe(visa);
  });

  it('is chosen by PAYMENT_PROVIDER, and an unknown provider stops the start', () => {
    expect(createPaymentProvider('sandbox')).toBeInstanceOf(SandboxProvider);
    expect(() => createPaymentProvider('acme')).toThrow(/Unknown PAYMENT_PROVIDER "acme"/);
  });
});
