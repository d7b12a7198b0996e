import { isIP } from 'node:net';
import { DomainError } from '../../../platform/errors';

/** The optional screening fields of paymentAuthorize's input, as the caller sent them. */
export interface FraudInput {
  email?: string | null;
  customerKey?: string | null;
  ip?: string | null;
  billingCountry?: string | null;
  shippingCountry?: string | null;
  /** ISO 8601. */
  accountCreatedAt?: string | null;
}

/** The same fields checked and normalized; absent (or empty) ones are null. */
export interface FraudContext {
  email: string | null;
  customerKey: string | null;
  ip: string | null;
  billingCountry: string | null;
  shippingCountry: string | null;
  accountCreatedAt: Date | null;
}

const MAX_EMAIL_LENGTH = 320;
const MAX_CUSTOMER_KEY_LENGTH = 200;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const COUNTRY = /^[A-Z]{2}$/;

function present(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** Checks the screening fields; a malformed one is the caller's mistake (a DomainError). */
export function parseFraudInput(input: FraudInput): FraudContext {
  const email = present(input.email)?.toLowerCase() ?? null;
  if (email && (email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email))) {
    throw new DomainError('INVALID_EMAIL', 'email is not a valid email address', [
      'input',
      'email',
    ]);
  }
  const customerKey = present(input.customerKey);
  if (customerKey && customerKey.length > MAX_CUSTOMER_KEY_LENGTH) {
    throw new DomainError(
      'INVALID_CUSTOMER_KEY',
      `customerKey is longer than ${MAX_CUSTOMER_KEY_LENGTH}`,
      ['input', 'customerKey'],
    );
  }
  const ip = present(input.ip)?.toLowerCase() ?? null;
  if (ip && isIP(ip) === 0) {
    throw new DomainError('INVALID_IP', 'ip is not an IPv4 or IPv6 address', ['input', 'ip']);
  }
  const accountCreatedAtText = present(input.accountCreatedAt);
  const accountCreatedAt = accountCreatedAtText ? new Date(accountCreatedAtText) : null;
  if (accountCreatedAt && Number.isNaN(accountCreatedAt.getTime())) {
    throw new DomainError('INVALID_DATE', 'accountCreatedAt is not an ISO 8601 date', [
      'input',
      'accountCreatedAt',
    ]);
  }
  return {
    email,
    customerKey: customerKey ?? email,
    ip,
    billingCountry: country(input.billingCountry, 'billingCountry'),
    shippingCountry: country(input.shippingCountry, 'shippingCountry'),
    accountCreatedAt,
  };
}

function country(value: string | null | undefined, field: string): string | null {
  const code = present(value)?.toUpperCase() ?? null;
  if (code && !COUNTRY.test(code)) {
    throw new DomainError('INVALID_COUNTRY', `${field} must be an ISO 3166-1 alpha-2 code`, [
      'input',
      field,
    ]);
  }
  return code;
}
