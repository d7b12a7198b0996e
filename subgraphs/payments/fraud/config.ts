/**
 * Fraud screening settings: what each rule looks at, how many points it adds, and the
 * scores at which an authorization is flagged or refused. Every value has a default
 * below and an environment variable that overrides it; a malformed value stops the start.
 *
 * Decision (the score is the capped sum of the points of the rules that fired, 0-100):
 *   FRAUD_REVIEW_SCORE              40     score at or above: authorize, flag for staff (REVIEW)
 *   FRAUD_REJECT_SCORE              75     score at or above: refuse, no processor call (REJECT);
 *                                          above 100 never rejects
 * Windows:
 *   FRAUD_VELOCITY_WINDOW_MINUTES   60     window of the three velocity rules
 *   FRAUD_FAILURE_WINDOW_MINUTES    60     window of RECENT_FAILURES
 * Limits (attempts allowed in the window; the next one scores):
 *   FRAUD_CUSTOMER_VELOCITY_LIMIT   5      authorizations per customer key (or email)
 *   FRAUD_CARD_VELOCITY_LIMIT       10     authorizations per card fingerprint
 *   FRAUD_IP_VELOCITY_LIMIT         10     authorizations per client IP
 *   FRAUD_FAILED_ATTEMPTS_LIMIT     3      declined attempts by the same customer, card or IP
 * Amounts (integer minor units of the payment's currency, one value for all currencies):
 *   FRAUD_AMOUNT_THRESHOLD          100000 an amount above it scores AMOUNT_OVER_THRESHOLD
 *   FRAUD_NEW_ACCOUNT_DAYS          7      an account younger than this is new...
 *   FRAUD_NEW_ACCOUNT_AMOUNT        20000  ...and an order of at least this is large for it
 * Lists:
 *   FRAUD_RISKY_EMAIL_DOMAINS       comma-separated domains (subdomains match too); replaces
 *                                   the default list of disposable-mail domains
 * Points per rule (0 turns a rule off), FRAUD_POINTS_<RULE CODE>:
 *   FRAUD_POINTS_VELOCITY_CUSTOMER 30, FRAUD_POINTS_VELOCITY_CARD 30, FRAUD_POINTS_VELOCITY_IP 25,
 *   FRAUD_POINTS_AMOUNT_OVER_THRESHOLD 25, FRAUD_POINTS_COUNTRY_MISMATCH 15,
 *   FRAUD_POINTS_NEW_ACCOUNT_LARGE_ORDER 25, FRAUD_POINTS_RECENT_FAILURES 40,
 *   FRAUD_POINTS_RISKY_EMAIL_DOMAIN 30
 */

export const FRAUD_RULE_CODES = [
  'VELOCITY_CUSTOMER',
  'VELOCITY_CARD',
  'VELOCITY_IP',
  'AMOUNT_OVER_THRESHOLD',
  'COUNTRY_MISMATCH',
  'NEW_ACCOUNT_LARGE_ORDER',
  'RECENT_FAILURES',
  'RISKY_EMAIL_DOMAIN',
] as const;
export type FraudRuleCode = (typeof FRAUD_RULE_CODES)[number];

export interface FraudConfig {
  reviewScore: number;
  rejectScore: number;
  velocityWindowMinutes: number;
  failureWindowMinutes: number;
  customerVelocityLimit: number;
  cardVelocityLimit: number;
  ipVelocityLimit: number;
  failedAttemptsLimit: number;
  amountThreshold: number;
  newAccountDays: number;
  newAccountAmount: number;
  riskyEmailDomains: readonly string[];
  points: Readonly<Record<FraudRuleCode, number>>;
}

export const DEFAULT_FRAUD_CONFIG: FraudConfig = {
  reviewScore: 40,
  rejectScore: 75,
  velocityWindowMinutes: 60,
  failureWindowMinutes: 60,
  customerVelocityLimit: 5,
  cardVelocityLimit: 10,
  ipVelocityLimit: 10,
  failedAttemptsLimit: 3,
  amountThreshold: 100_000,
  newAccountDays: 7,
  newAccountAmount: 20_000,
  riskyEmailDomains: [
    'mailinator.com',
    'guerrillamail.com',
    '10minutemail.com',
    'tempmail.com',
    'temp-mail.org',
    'yopmail.com',
    'trashmail.com',
    'sharklasers.com',
    'dispostable.com',
    'maildrop.cc',
  ],
  points: {
    VELOCITY_CUSTOMER: 30,
    VELOCITY_CARD: 30,
    VELOCITY_IP: 25,
    AMOUNT_OVER_THRESHOLD: 25,
    COUNTRY_MISMATCH: 15,
    NEW_ACCOUNT_LARGE_ORDER: 25,
    RECENT_FAILURES: 40,
    RISKY_EMAIL_DOMAIN: 30,
  },
};

const NUMBER_SETTINGS: [keyof FraudConfig, string][] = [
  ['reviewScore', 'FRAUD_REVIEW_SCORE'],
  ['rejectScore', 'FRAUD_REJECT_SCORE'],
  ['velocityWindowMinutes', 'FRAUD_VELOCITY_WINDOW_MINUTES'],
  ['failureWindowMinutes', 'FRAUD_FAILURE_WINDOW_MINUTES'],
  ['customerVelocityLimit', 'FRAUD_CUSTOMER_VELOCITY_LIMIT'],
  ['cardVelocityLimit', 'FRAUD_CARD_VELOCITY_LIMIT'],
  ['ipVelocityLimit', 'FRAUD_IP_VELOCITY_LIMIT'],
  ['failedAttemptsLimit', 'FRAUD_FAILED_ATTEMPTS_LIMIT'],
  ['amountThreshold', 'FRAUD_AMOUNT_THRESHOLD'],
  ['newAccountDays', 'FRAUD_NEW_ACCOUNT_DAYS'],
  ['newAccountAmount', 'FRAUD_NEW_ACCOUNT_AMOUNT'],
];

/** The defaults with every FRAUD_* variable of `env` applied; throws on a malformed value. */
export function fraudConfigFromEnv(
  env: Record<string, string | undefined> = process.env,
  base: FraudConfig = DEFAULT_FRAUD_CONFIG,
): FraudConfig {
  const config: FraudConfig = { ...base, points: { ...base.points } };
  for (const [key, name] of NUMBER_SETTINGS) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      (config as unknown as Record<string, number>)[key] = nonNegativeInteger(name, value);
    }
  }
  for (const code of FRAUD_RULE_CODES) {
    const name = `FRAUD_POINTS_${code}`;
    const value = env[name];
    if (value !== undefined && value !== '') {
      (config.points as Record<FraudRuleCode, number>)[code] = nonNegativeInteger(name, value);
    }
  }
  const domains = env.FRAUD_RISKY_EMAIL_DOMAINS;
  if (domains !== undefined) {
    config.riskyEmailDomains = domains
      .split(',')
      .map((d) => d.trim().toLowerCase())
      .filter(Boolean);
  }
  return checkFraudConfig(config);
}

/** Refuses a configuration that cannot mean anything (say, review above reject). */
export function checkFraudConfig(config: FraudConfig): FraudConfig {
  if (config.reviewScore > config.rejectScore) {
    throw new Error(
      `FRAUD_REVIEW_SCORE (${config.reviewScore}) must not be above FRAUD_REJECT_SCORE (${config.rejectScore})`,
    );
  }
  for (const name of ['velocityWindowMinutes', 'failureWindowMinutes'] as const) {
    if (config[name] < 1) throw new Error(`Fraud setting ${name} must be at least 1 minute`);
  }
  return config;
}

function nonNegativeInteger(name: string, value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed)) {
    throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  }
  return parsed;
}
