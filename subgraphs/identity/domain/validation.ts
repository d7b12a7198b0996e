import { IdentityErrorCode } from '../errors';
import { isIP } from 'node:net';
import { DomainError } from '../../../platform/errors';
import { email, parseInput, text } from '../../../platform/validation';

/** Emails are compared trimmed and in lower case; the database stores them that way. */
export function normalizeEmail(value: unknown): string {
  return typeof value === 'string' ? value.trim().toLowerCase() : '';
}

/** An email address (platform/validation's one rule), lower-cased. */
export function requireEmail(value: unknown, field: string | string[] = 'email'): string {
  const path = typeof field === 'string' ? [field] : field;
  return parseInput(email, value, path, IdentityErrorCode.INVALID_EMAIL);
}

/** A person's or staff user's name: 1..max characters, no control characters or line breaks. */
export function requireName(value: unknown, path: string[], max = 100): string {
  return parseInput(text(max), value, path, IdentityErrorCode.INVALID_TEXT);
}

const SEGMENT = /^[a-z][a-z0-9_-]{0,31}$/;

/** Segments are lower-case labels such as `vip` or `wholesale`, as promotions expects. */
export function requireSegments(values: unknown): string[] {
  if (!Array.isArray(values) || values.length > 50) {
    throw new DomainError(IdentityErrorCode.INVALID_SEGMENTS, 'At most 50 segments', ['segments']);
  }
  const segments = [
    ...new Set(values.map((v) => (typeof v === 'string' ? v.trim().toLowerCase() : ''))),
  ];
  for (const segment of segments) {
    if (!SEGMENT.test(segment)) {
      throw new DomainError(
        IdentityErrorCode.INVALID_SEGMENT,
        `"${segment}" is not a valid segment (a-z, 0-9, _ and -)`,
        ['segments'],
      );
    }
  }
  return segments.sort();
}

export function requireLanguage(value: unknown): string {
  const language = typeof value === 'string' ? value.trim() : '';
  if (!/^[a-z]{2,3}(-[A-Z]{2})?$/.test(language)) {
    throw new DomainError(
      IdentityErrorCode.INVALID_LANGUAGE,
      'language must be a code such as en or de-CH',
      ['language'],
    );
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
      IdentityErrorCode.INVALID_TIMEZONE,
      'timezone must be an IANA time zone such as Europe/Berlin',
      ['timezone'],
    );
  }
  return timezone;
}

export function requireCurrency(value: unknown): string {
  const currency = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new DomainError(IdentityErrorCode.INVALID_CURRENCY, 'currency must be an ISO 4217 code', [
      'currency',
    ]);
  }
  return currency;
}

/** A client IP as the router vouched for it, or null when absent or malformed. */
export function validIp(value: unknown): string | null {
  return typeof value === 'string' && isIP(value) ? value : null;
}
