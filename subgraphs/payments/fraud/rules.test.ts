import { assessFraud, decide } from './assess';
import { DEFAULT_FRAUD_CONFIG, type FraudConfig, fraudConfigFromEnv } from './config';
import { parseFraudInput } from './input';
import {
  amountOverThreshold,
  countryMismatch,
  type FraudHistory,
  type FraudSignals,
  isRiskyEmail,
  NO_HISTORY,
  newAccountLargeOrder,
  recentFailures,
  riskyEmailDomain,
  velocityPerCard,
  velocityPerCustomer,
  velocityPerIp,
} from './rules';

const now = new Date('2025-11-28T12:00:00Z');
const config = DEFAULT_FRAUD_CONFIG;

function signals(overrides: Partial<FraudSignals> = {}): FraudSignals {
  return {
    amount: 5000,
    currency: 'EUR',
    email: 'ada@example.com',
    customerKey: 'customer-1',
    ip: '203.0.113.7',
    cardFingerprint: 'fp_1',
    billingCountry: 'DE',
    shippingCountry: 'DE',
    accountCreatedAt: new Date('2024-01-01T00:00:00Z'),
    now,
    ...overrides,
  };
}
const history = (overrides: Partial<FraudHistory> = {}): FraudHistory => ({
  ...NO_HISTORY,
  ...overrides,
});
const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 60 * 60 * 1000);

describe('fraud rules', () => {
  it.each([
    ['customer', velocityPerCustomer, 'customerAttempts', 'customerKey', 5],
    ['card', velocityPerCard, 'cardAttempts', 'cardFingerprint', 10],
    ['IP address', velocityPerIp, 'ipAttempts', 'ip', 10],
  ] as const)(
    'velocity per %s fires from the attempt after the limit, only when the key is known',
    (what, rule, count, key, limit) => {
      expect(rule.evaluate(signals(), history({ [count]: limit - 1 }), config)).toBeNull();
      expect(rule.evaluate(signals(), history({ [count]: limit }), config)).toBe(
        `${limit + 1} authorizations by this ${what} in 60 minutes (limit ${limit})`,
      );
      expect(rule.evaluate(signals({ [key]: null }), history({ [count]: 50 }), config)).toBeNull();
      const strict: FraudConfig = {
        ...config,
        customerVelocityLimit: 1,
        cardVelocityLimit: 1,
        ipVelocityLimit: 1,
      };
      expect(rule.evaluate(signals(), history({ [count]: 1 }), strict)).not.toBeNull();
    },
  );

  it('scores an amount over the threshold, not one at it', () => {
    expect(
      amountOverThreshold.evaluate(signals({ amount: 100_000 }), NO_HISTORY, config),
    ).toBeNull();
    expect(amountOverThreshold.evaluate(signals({ amount: 100_001 }), NO_HISTORY, config)).toBe(
      'Amount 100001 EUR is over 100000',
    );
    expect(
      amountOverThreshold.evaluate(signals({ amount: 600 }), NO_HISTORY, {
        ...config,
        amountThreshold: 500,
      }),
    ).not.toBeNull();
  });

  it('scores billing and shipping countries that differ, when both are known', () => {
    expect(countryMismatch.evaluate(signals(), NO_HISTORY, config)).toBeNull();
    expect(countryMismatch.evaluate(signals({ shippingCountry: 'NG' }), NO_HISTORY, config)).toBe(
      'Billing country DE differs from shipping country NG',
    );
    expect(
      countryMismatch.evaluate(
        signals({ billingCountry: null, shippingCountry: 'NG' }),
        NO_HISTORY,
        config,
      ),
    ).toBeNull();
  });

  it('scores a large order from a new account, not a small one nor an old account', () => {
    const young = signals({ accountCreatedAt: daysAgo(2), amount: 20_000 });
    expect(newAccountLargeOrder.evaluate(young, NO_HISTORY, config)).toBe(
      'Account is 2 days old (under 7) and the order is 20000 EUR',
    );
    expect(
      newAccountLargeOrder.evaluate({ ...young, amount: 19_999 }, NO_HISTORY, config),
    ).toBeNull();
    expect(
      newAccountLargeOrder.evaluate({ ...young, accountCreatedAt: daysAgo(7) }, NO_HISTORY, config),
    ).toBeNull();
    expect(
      newAccountLargeOrder.evaluate({ ...young, accountCreatedAt: null }, NO_HISTORY, config),
    ).toBeNull();
    expect(
      newAccountLargeOrder.evaluate({ ...young, accountCreatedAt: daysAgo(10) }, NO_HISTORY, {
        ...config,
        newAccountDays: 30,
      }),
    ).not.toBeNull();
  });

  it('scores recent declined attempts from the limit on', () => {
    expect(recentFailures.evaluate(signals(), history({ recentFailures: 2 }), config)).toBeNull();
    expect(recentFailures.evaluate(signals(), history({ recentFailures: 3 }), config)).toBe(
      '3 declined attempts by this customer, card or IP in 60 minutes (limit 3)',
    );
    const anonymous = signals({ customerKey: null, cardFingerprint: null, ip: null });
    expect(recentFailures.evaluate(anonymous, history({ recentFailures: 9 }), config)).toBeNull();
  });

  it('scores listed email domains and their subdomains, from a configurable list', () => {
    expect(riskyEmailDomain.evaluate(signals(), NO_HISTORY, config)).toBeNull();
    expect(
      riskyEmailDomain.evaluate(signals({ email: 'x@mailinator.com' }), NO_HISTORY, config),
    ).toBe('Email domain mailinator.com is on the risky list');
    expect(isRiskyEmail('x@eu.mailinator.com', config.riskyEmailDomains)).toBe('eu.mailinator.com');
    expect(isRiskyEmail('x@notmailinator.com', config.riskyEmailDomains)).toBeNull();
    expect(
      riskyEmailDomain.evaluate(signals(), NO_HISTORY, {
        ...config,
        riskyEmailDomains: ['example.com'],
      }),
    ).not.toBeNull();
    expect(riskyEmailDomain.evaluate(signals({ email: null }), NO_HISTORY, config)).toBeNull();
  });
});

describe('fraud assessment', () => {
  it('approves a clean attempt with no reasons', () => {
    expect(assessFraud(signals(), NO_HISTORY, config)).toEqual({
      score: 0,
      decision: 'APPROVE',
      reasons: [],
    });
  });

  it('decides by the thresholds: REVIEW from reviewScore, REJECT from rejectScore', () => {
    expect(decide(39, config)).toBe('APPROVE');
    expect(decide(40, config)).toBe('REVIEW');
    expect(decide(74, config)).toBe('REVIEW');
    expect(decide(75, config)).toBe('REJECT');
    expect(decide(100, { ...config, rejectScore: 101 })).toBe('REVIEW');
    expect(decide(10, { ...config, reviewScore: 10 })).toBe('REVIEW');
  });

  it('sums the points of the rules that fired, with their reasons', () => {
    const verdict = assessFraud(
      signals({ email: 'x@yopmail.com', shippingCountry: 'US' }),
      NO_HISTORY,
      config,
    );
    expect(verdict).toEqual({
      score: 45,
      decision: 'REVIEW',
      reasons: [
        { code: 'COUNTRY_MISMATCH', points: 15, detail: expect.any(String) },
        { code: 'RISKY_EMAIL_DOMAIN', points: 30, detail: expect.any(String) },
      ],
    });
  });

  it('caps the score at 100 and rejects', () => {
    const verdict = assessFraud(
      signals({
        email: 'x@yopmail.com',
        shippingCountry: 'US',
        amount: 500_000,
        accountCreatedAt: daysAgo(1),
      }),
      { customerAttempts: 9, cardAttempts: 20, ipAttempts: 20, recentFailures: 5 },
      config,
    );
    expect(verdict.reasons.map((r) => r.code)).toEqual([
      'VELOCITY_CUSTOMER',
      'VELOCITY_CARD',
      'VELOCITY_IP',
      'AMOUNT_OVER_THRESHOLD',
      'COUNTRY_MISMATCH',
      'NEW_ACCOUNT_LARGE_ORDER',
      'RECENT_FAILURES',
      'RISKY_EMAIL_DOMAIN',
    ]);
    expect(verdict.score).toBe(100);
    expect(verdict.decision).toBe('REJECT');
  });

  it('takes points from the configuration, and 0 points turns a rule off', () => {
    const custom: FraudConfig = {
      ...config,
      points: { ...config.points, COUNTRY_MISMATCH: 0, RISKY_EMAIL_DOMAIN: 80 },
    };
    const verdict = assessFraud(
      signals({ email: 'x@yopmail.com', shippingCountry: 'US' }),
      NO_HISTORY,
      custom,
    );
    expect(verdict).toMatchObject({ score: 80, decision: 'REJECT' });
    expect(verdict.reasons.map((r) => r.code)).toEqual(['RISKY_EMAIL_DOMAIN']);
  });
});

describe('fraud configuration', () => {
  it('reads every FRAUD_* variable over the defaults', () => {
    const parsed = fraudConfigFromEnv({
      FRAUD_REVIEW_SCORE: '30',
      FRAUD_REJECT_SCORE: '90',
      FRAUD_AMOUNT_THRESHOLD: '5000',
      FRAUD_CUSTOMER_VELOCITY_LIMIT: '2',
      FRAUD_VELOCITY_WINDOW_MINUTES: '15',
      FRAUD_RISKY_EMAIL_DOMAINS: ' Spam.example , junk.test ',
      FRAUD_POINTS_VELOCITY_IP: '0',
    });
    expect(parsed).toMatchObject({
      reviewScore: 30,
      rejectScore: 90,
      amountThreshold: 5000,
      customerVelocityLimit: 2,
      velocityWindowMinutes: 15,
      cardVelocityLimit: DEFAULT_FRAUD_CONFIG.cardVelocityLimit,
      riskyEmailDomains: ['spam.example', 'junk.test'],
    });
    expect(parsed.points.VELOCITY_IP).toBe(0);
    expect(parsed.points.VELOCITY_CARD).toBe(DEFAULT_FRAUD_CONFIG.points.VELOCITY_CARD);
    expect(fraudConfigFromEnv({})).toEqual(DEFAULT_FRAUD_CONFIG);
  });

  it('refuses malformed or contradictory values', () => {
    expect(() => fraudConfigFromEnv({ FRAUD_REJECT_SCORE: 'high' })).toThrow(/FRAUD_REJECT_SCORE/);
    expect(() => fraudConfigFromEnv({ FRAUD_AMOUNT_THRESHOLD: '-1' })).toThrow(/non-negative/);
    expect(() =>
      fraudConfigFromEnv({ FRAUD_REVIEW_SCORE: '80', FRAUD_REJECT_SCORE: '50' }),
    ).toThrow(/must not be above/);
    expect(() => fraudConfigFromEnv({ FRAUD_VELOCITY_WINDOW_MINUTES: '0' })).toThrow(/at least 1/);
  });
});

describe('fraud input', () => {
  it('normalizes the optional signals and lets the email stand in for the customer', () => {
    expect(
      parseFraudInput({
        email: ' Ada@Example.COM ',
        ip: '2001:DB8::1',
        billingCountry: 'de',
        shippingCountry: '',
        accountCreatedAt: '2025-01-02T03:04:05Z',
      }),
    ).toEqual({
      email: 'ada@example.com',
      customerKey: 'ada@example.com',
      ip: '2001:db8::1',
      billingCountry: 'DE',
      shippingCountry: null,
      accountCreatedAt: new Date('2025-01-02T03:04:05Z'),
    });
    expect(parseFraudInput({})).toEqual({
      email: null,
      customerKey: null,
      ip: null,
      billingCountry: null,
      shippingCountry: null,
      accountCreatedAt: null,
    });
  });

  it.each([
    ['email', { email: 'not-an-email' }, 'INVALID_EMAIL'],
    ['ip', { ip: '999.1.1.1' }, 'INVALID_IP'],
    ['country', { billingCountry: 'DEU' }, 'INVALID_COUNTRY'],
    ['date', { accountCreatedAt: 'yesterday' }, 'INVALID_DATE'],
    ['customer key', { customerKey: 'x'.repeat(201) }, 'INVALID_CUSTOMER_KEY'],
  ])('refuses a malformed %s', (_name, input, code) => {
    expect(() => parseFraudInput(input)).toThrow(expect.objectContaining({ code }));
  });
});
