import type { FraudConfig, FraudRuleCode } from './config';

/**
 * The fraud rules: pure functions of one authorization attempt, the attempts before it
 * (counted by the database, see store.ts) and the configuration. A rule that fires
 * says why in a detail; its points come from `config.points`, where 0 turns it off.
 */

/** What is known about the attempt being screened. Unknown signals are null and fire nothing. */
export interface FraudSignals {
  /** Integer minor units. */
  amount: number;
  currency: string;
  /** Lower-cased. */
  email: string | null;
  /** Who is paying: the customer id the caller sent, else the email (guest checkout). */
  customerKey: string | null;
  ip: string | null;
  /** The same card gives the same fingerprint, whatever token it was tokenized into. */
  cardFingerprint: string | null;
  /** ISO 3166-1 alpha-2, upper-cased. */
  billingCountry: string | null;
  shippingCountry: string | null;
  accountCreatedAt: Date | null;
  now: Date;
}

/** Earlier attempts, not counting the one being screened. */
export interface FraudHistory {
  /** Authorizations with the same customer key in the velocity window. */
  customerAttempts: number;
  cardAttempts: number;
  ipAttempts: number;
  /** Declined authorizations (by the card or by screening) of the same customer, card or IP in the failure window. */
  recentFailures: number;
}

export const NO_HISTORY: FraudHistory = {
  customerAttempts: 0,
  cardAttempts: 0,
  ipAttempts: 0,
  recentFailures: 0,
};

export interface FraudRule {
  code: FraudRuleCode;
  /** The reason in words when the rule fires, otherwise null. */
  evaluate(signals: FraudSignals, history: FraudHistory, config: FraudConfig): string | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function velocity(
  code: FraudRuleCode,
  what: string,
  present: (s: FraudSignals) => boolean,
  count: (h: FraudHistory) => number,
  limit: (c: FraudConfig) => number,
): FraudRule {
  return {
    code,
    evaluate(signals, history, config) {
      if (!present(signals)) return null;
      const earlier = count(history);
      if (earlier < limit(config)) return null;
      return `${earlier + 1} authorizations by this ${what} in ${config.velocityWindowMinutes} minutes (limit ${limit(config)})`;
    },
  };
}

export const velocityPerCustomer = velocity(
  'VELOCITY_CUSTOMER',
  'customer',
  (s) => s.customerKey !== null,
  (h) => h.customerAttempts,
  (c) => c.customerVelocityLimit,
);

export const velocityPerCard = velocity(
  'VELOCITY_CARD',
  'card',
  (s) => s.cardFingerprint !== null,
  (h) => h.cardAttempts,
  (c) => c.cardVelocityLimit,
);

export const velocityPerIp = velocity(
  'VELOCITY_IP',
  'IP address',
  (s) => s.ip !== null,
  (h) => h.ipAttempts,
  (c) => c.ipVelocityLimit,
);

export const amountOverThreshold: FraudRule = {
  code: 'AMOUNT_OVER_THRESHOLD',
  evaluate(signals, _history, config) {
    if (signals.amount <= config.amountThreshold) return null;
    return `Amount ${signals.amount} ${signals.currency} is over ${config.amountThreshold}`;
  },
};

export const countryMismatch: FraudRule = {
  code: 'COUNTRY_MISMATCH',
  evaluate({ billingCountry, shippingCountry }) {
    if (!billingCountry || !shippingCountry || billingCountry === shippingCountry) return null;
    return `Billing country ${billingCountry} differs from shipping country ${shippingCountry}`;
  },
};

export const newAccountLargeOrder: FraudRule = {
  code: 'NEW_ACCOUNT_LARGE_ORDER',
  evaluate(signals, _history, config) {
    if (!signals.accountCreatedAt || signals.amount < config.newAccountAmount) return null;
    const ageDays = (signals.now.getTime() - signals.accountCreatedAt.getTime()) / DAY_MS;
    if (ageDays >= config.newAccountDays) return null;
    return `Account is ${Math.max(0, Math.floor(ageDays))} days old (under ${config.newAccountDays}) and the order is ${signals.amount} ${signals.currency}`;
  },
};

export const recentFailures: FraudRule = {
  code: 'RECENT_FAILURES',
  evaluate(signals, history, config) {
    if (!signals.customerKey && !signals.cardFingerprint && !signals.ip) return null;
    if (history.recentFailures < config.failedAttemptsLimit) return null;
    return `${history.recentFailures} declined attempts by this customer, card or IP in ${config.failureWindowMinutes} minutes (limit ${config.failedAttemptsLimit})`;
  },
};

/** The domain of an email, and whether it or one of its parent domains is listed. */
export function isRiskyEmail(email: string, domains: readonly string[]): string | null {
  const at = email.lastIndexOf('@');
  if (at < 0) return null;
  const domain = email.slice(at + 1).toLowerCase();
  return domains.find((d) => domain === d || domain.endsWith(`.${d}`)) ? domain : null;
}

export const riskyEmailDomain: FraudRule = {
  code: 'RISKY_EMAIL_DOMAIN',
  evaluate(signals, _history, config) {
    if (!signals.email) return null;
    const domain = isRiskyEmail(signals.email, config.riskyEmailDomains);
    return domain ? `Email domain ${domain} is on the risky list` : null;
  },
};

export const FRAUD_RULES: readonly FraudRule[] = [
  velocityPerCustomer,
  velocityPerCard,
  velocityPerIp,
  amountOverThreshold,
  countryMismatch,
  newAccountLargeOrder,
  recentFailures,
  riskyEmailDomain,
];
