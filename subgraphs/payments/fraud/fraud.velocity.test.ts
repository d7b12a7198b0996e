import { randomUUID } from 'node:crypto';
import { provider, config, useFraudSubgraph, authorize, codes, risky } from './test-kit';

useFraudSubgraph();

describe('fraud screening of authorizations', () => {
  it('adds customer velocity from the attempt after the limit', async () => {
    const customerKey = `customer-${randomUUID()}`;
    for (let i = 0; i < config.customerVelocityLimit; i += 1) {
      const result = await authorize({ customerKey });
      expect(codes(result.payment)).toEqual([]);
    }
    const next = await authorize({ customerKey });
    expect(next.payment.fraudAssessment).toMatchObject({
      score: 30,
      decision: 'APPROVE',
      reasons: [
        {
          code: 'VELOCITY_CUSTOMER',
          points: 30,
          detail: `${config.customerVelocityLimit + 1} authorizations by this customer in 60 minutes (limit ${config.customerVelocityLimit})`,
        },
      ],
    });
    // The email stands in for a guest's customer key.
    const email = `guest-${randomUUID()}@example.com`;
    for (let i = 0; i < config.customerVelocityLimit; i += 1) await authorize({ email });
    expect(codes((await authorize({ email })).payment)).toEqual(['VELOCITY_CUSTOMER']);
  });

  it('adds IP velocity, and recent declines of the same customer push it to REVIEW and then REJECT', async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    for (let i = 0; i < config.ipVelocityLimit; i += 1) await authorize({ ip: `${ip}` });
    expect(codes((await authorize({ ip })).payment)).toEqual(['VELOCITY_IP']);

    const customerKey = `decliner-${randomUUID()}`;
    for (let i = 0; i < config.failedAttemptsLimit; i += 1) {
      const declined = await authorize({ customerKey, token: 'tok_chargeDeclined' });
      expect(declined.userErrors[0].code).toBe('PAYMENT_DECLINED');
    }
    const flagged = await authorize({ customerKey });
    expect(flagged.payment).toMatchObject({
      status: 'AUTHORIZED',
      fraudAssessment: { decision: 'REVIEW', score: 40 },
    });
    expect(codes(flagged.payment)).toEqual(['RECENT_FAILURES']);
    // With a risky email and other countries on top, the next attempt is refused outright.
    const refused = await authorize({ ...risky(), customerKey });
    expect(refused.payment.status).toBe('DECLINED');
    expect(refused.userErrors[0].code).toBe('FRAUD_REJECTED');
  });

  it('adds card velocity and counts the declines of a card, whoever pays with it', async () => {
    try {
      provider.card = randomUUID();
      for (let i = 0; i < config.cardVelocityLimit; i += 1) {
        const result = await authorize({ customerKey: randomUUID() });
        expect(codes(result.payment)).toEqual([]);
      }
      expect(codes((await authorize({ customerKey: randomUUID() })).payment)).toEqual([
        'VELOCITY_CARD',
      ]);

      provider.card = randomUUID();
      for (let i = 0; i < config.failedAttemptsLimit; i += 1) {
        await authorize({
          customerKey: randomUUID(),
          token: 'tok_chargeDeclinedInsufficientFunds',
        });
      }
      const next = await authorize({ customerKey: randomUUID() });
      expect(next.payment.fraudAssessment).toMatchObject({
        decision: 'REVIEW',
        reasons: [{ code: 'RECENT_FAILURES' }],
      });
    } finally {
      provider.card = null;
    }
  });
});
