import { isIP } from 'node:net';
import { DomainError } from '../../../platform/errors';

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;

/** Emails are compared trimmed and in lower case; the database stores them that way. */
export function normalizeEmail(value: unknown): string {
  return typeof value === 'string' ? value.trim().toLowerCase() : '';
}

export function requireEmail(value: unknown, field = 'email'): string {
  const email = normalizeEmail(value);
  if (email.length > 254 || !EMAIL.test(email)) {
    throw new DomainError('INVALID_EMAIL', 'This is not a valid email address', [field]);
  }
  return email;
}

export function requireText(
  value: unknown,
  field: string,
  max: number,
  path: string[] = [field],
): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) throw new DomainError('REQUIRED', `${field} is required`, path);
  if (text.length > max)
    throw new DomainError('TOO_LONG', `${field} must have at most ${max} characters`, path);
  return text;
}

export function optionalText(
  value: unknown,
  field: string,
  max: number,
  path: string[] = [field],
): string | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) return null;
  if (text.length > max)
    throw new DomainError('TOO_LONG', `${field} must have at most ${max} characters`, path);
  return text;
}

const SEGMENT = /^[a-z][a-z0-9_-]{0,31}$/;

/** Segments are lower-case labels such as `vip` or `wholesale`, as promotions expects. */
export function requireSegments(values: unknown): string[] {
  if (!Array.isArray(values) || values.length > 50) {
    throw new DomainError('INVALID_SEGMENTS', 'At most 50 segments', ['segments']);
  }
  const segments = [
    ...new Set(values.map((v) => (typeof v === 'string' ? v.trim().toLowerCase() : ''))),
  ];
  for (const segment of segments) {
    if (!SEGMENT.test(segment)) {
      throw new DomainError(
        'INVALID_SEGMENT',
        `"${segment}" is not a valid segment (a-z, 0-9, _ and -)`,
        ['segments'],
      );
    }
  }
  return segments.sort();
}

export function requireCountry(value: unknown, path: string[]): string {
  const country = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!/^[A-Z]{2}$/.test(country)) {
    throw new DomainError('INVALID_COUNTRY', 'country must be an ISO 3166-1 alpha-2 code', path);
  }
  return country;
}

export function requireLanguage(value: unknown): string {
  const language = typeof value === 'string' ? value.trim() : '';
  if (!/^[a-z]{2,3}(-[A-Z]{2})?$/.test(language)) {
    throw new DomainError('INVALID_LANGUAGE', 'language must be a code such as en or de-CH', [
      'language',
    ]);
  }
  return language;
}

export function requireTimezone(value: unknown): string {
  const timezone = typeof value === 'string' ? value.trim() : '';
  try {
    if (!timezone) throw new Error('empty');
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new DomainError(
      'INVALID_TIMEZONE',
      'timezone must be an IANA time zone such as Europe/Berlin',
      ['timezone'],
    );
  }
  return timezone;
}

export function requireCurrency(value: unknown): string {
  const currency = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new DomainError('INVALID_CURRENCY', 'currency must be an ISO 4217 code', ['currency']);
  }
  return currency;
}

/** A client IP as the router vouched for it, or null when absent or malformed. */
export function validIp(value: unknown): string | null {
  return typeof value === 'string' && isIP(value) ? value : null;
}
