import { createPaymentProvider } from '..';
import { ProviderUnavailableError } from '../provider';
import { createTestDatabase, type TestDatabase } from '../../../platform/testing/database';
import { SandboxProvider } from './provider';

// Each test gets a processor of its own, on a database of its own: the keys repeat.
const opened: { provider: SandboxProvider; db: TestDatabase }[] = [];
async function sandbox(): Promise<SandboxProvider> {
  const db = await createTestDatabase('sandbox');
  const provider = new SandboxProvider(db.url);
  opened.push({ provider, db });
  return provider;
}
/** A second client of the same processor, as after a restart of payments. */
function restarted(of: SandboxProvider): SandboxProvider {
  const entry = opened.find((o) => o.provider === of)!;
  const provider = new SandboxProvider(entry.db.url);
  opened.push({ provider, db: entry.db });
  return provider;
}
afterAll(async () => {
  for (const { provider } of opened) await provider.close();
  for (const db of new Set(opened.map((o) => o.db))) await db.drop();
});

const authorize = (
  provider: SandboxProvider,
  token: string,
  idempotencyKey: string,
  amount = 1000,
) => provider.authorize({ amount, currency: 'EUR', token, idempotencyKey });

describe('sandbox payment provider', () => {
  it('approves and declines the test tokens like a card network in test mode', async () => {
    const provider = await sandbox();
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
    const provider = await sandbox();
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

  it('refuses to capture more than authorized, to capture after a final capture, or to refund more than captured', async () => {
    const provider = await sandbox();
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
      await provider.capture({ reference: ref, amount: 700, final: true, idempotencyKey: 'c2' }),
    ).toMatchObject({ approved: true });
    expect(
      await provider.capture({ reference: ref, amount: 100, idempotencyKey: 'c3' }),
    ).toMatchObject({
      declineCode: 'authorization_released',
    });
    expect(await provider.void({ reference: ref, idempotencyKey: 'v1' })).toMatchObject({
      declineCode: 'authorization_released',
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
    const provider = await sandbox();
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
    const provider = await sandbox();
    const visa = await provider.cardFingerprint('tok_visa');
    expect(visa).toMatch(/^fp_sandbox_[0-9a-f]{24}$/);
    expect(await restarted(provider).cardFingerprint('tok_visa')).toBe(visa);
    expect(await provider.cardFingerprint('tok_mastercard')).not.toBe(visa);
  });

  it('is chosen by PAYMENT_PROVIDER, and an unknown provider stops the start', async () => {
    const chosen = createPaymentProvider(process.env.DATABASE_URL!, 'sandbox');
    expect(chosen).toBeInstanceOf(SandboxProvider);
    await chosen.close?.();
    expect(() => createPaymentProvider(process.env.DATABASE_URL!, 'acme')).toThrow(
      /Unknown PAYMENT_PROVIDER "acme"/,
    );
  });

  it('forgets nothing when payments restarts: authorizations, captures and key results', async () => {
    const before = await sandbox();
    const { reference } = await authorize(before, 'tok_visa', 'auth', 1000);
    const captured = await before.capture({
      reference: reference!,
      amount: 400,
      idempotencyKey: 'cap-1',
    });
    const after = restarted(before);
    expect(
      await after.capture({ reference: reference!, amount: 400, idempotencyKey: 'cap-1' }),
    ).toEqual(captured);
    expect(
      await after.capture({ reference: reference!, amount: 601, idempotencyKey: 'cap-2' }),
    ).toMatchObject({ declineCode: 'amount_too_large' });
    expect(
      await after.capture({ reference: reference!, amount: 600, idempotencyKey: 'cap-3' }),
    ).toMatchObject({ approved: true });
    expect(await authorize(after, 'tok_visa', 'auth', 1000)).toMatchObject({ reference });
  });

  it('captures in parts up to the authorization; a final capture or a void releases the rest', async () => {
    const provider = await sandbox();
    const first = (await authorize(provider, 'tok_visa', 'a1', 1000)).reference!;
    await provider.capture({ reference: first, amount: 300, idempotencyKey: 'p1' });
    expect(await provider.void({ reference: first, idempotencyKey: 'v1' })).toMatchObject({
      approved: true,
    });
    expect(
      await provider.capture({ reference: first, amount: 100, idempotencyKey: 'p2' }),
    ).toMatchObject({ declineCode: 'authorization_released' });
    expect(
      await provider.refund({ reference: first, amount: 300, idempotencyKey: 'r1' }),
    ).toMatchObject({ approved: true });

    const second = (await authorize(provider, 'tok_visa', 'a2', 1000)).reference!;
    await provider.capture({ reference: second, amount: 300, final: true, idempotencyKey: 'f1' });
    expect(
      await provider.capture({ reference: second, amount: 100, idempotencyKey: 'f2' }),
    ).toMatchObject({ declineCode: 'authorization_released' });
  });

  it('does one thing for one key however many callers send it at once', async () => {
    const provider = await sandbox();
    const others = [restarted(provider), restarted(provider)];
    const results = await Promise.all(
      [provider, ...others, provider].map((p) => authorize(p, 'tok_visa', 'race', 700)),
    );
    expect(new Set(results.map((r) => r.reference)).size).toBe(1);
    const ref = results[0]!.reference!;
    const captures = await Promise.all(
      [provider, ...others].map((p, i) =>
        p.capture({ reference: ref, amount: 700, idempotencyKey: `cap-${i}` }),
      ),
    );
    // Three different keys for the whole amount: one is approved, the others declined.
    expect(captures.filter((c) => c.approved)).toHaveLength(1);
  });
});
