import countries from 'i18n-iso-countries';
import { postcodeValidator, postcodeValidatorExistsForCountry } from 'postcode-validator';
import { z } from 'zod';
import { DomainError, type UserError } from './errors';

/**
 * Input validation in one place: one schema per concept, used by every subgraph, and one
 * function that turns zod's issues into `userErrors` with their field paths.
 */

/** PostgreSQL refuses NUL in text; control characters in names and lines are never meant. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A bounded single-line text: trimmed, no control characters, 1..max characters. */
export const text = (max: number, { min = 1 } = {}) =>
  z
    .string()
    .trim()
    .min(min, { message: min === 1 ? 'Must not be empty' : `Must be at least ${min} characters` })
    .max(max, { message: `Must be at most ${max} characters` })
    .refine((v) => !CONTROL.test(v) && !v.includes('\n'), {
      message: 'Must not contain control characters or line breaks',
    });

/** Multi-line text (descriptions, notes): line breaks allowed, other control characters not. */
export const longText = (max: number) =>
  z
    .string()
    .max(max, { message: `Must be at most ${max} characters` })
    .refine((v) => !CONTROL.test(v), { message: 'Must not contain control characters' });

export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const sku = z
  .string()
  .regex(SKU_PATTERN, { message: 'A SKU is 1-64 letters, digits, dots, dashes or underscores' });

export const CURRENCY_PATTERN = /^[A-Z]{3}$/;
export const currencyCode = z
  .string()
  .regex(CURRENCY_PATTERN, { message: 'A currency is an ISO 4217 code such as EUR' });

/** An ISO 3166-1 alpha-2 code that exists (from the i18n-iso-countries data, not a hand-typed list). */
export function isCountryCode(value: string): boolean {
  return /^[A-Z]{2}$/.test(value) && countries.isValid(value);
}
export const countryCode = z
  .string()
  .refine(isCountryCode, { message: 'Not a known ISO 3166-1 country code' });

/**
 * One email rule for the whole platform: a local part of at most 64 characters without
 * spaces or control characters, a domain with a dot, 254 characters in all.
 */
export const EMAIL_PATTERN =
  // eslint-disable-next-line no-control-regex -- control characters are refused in addresses
  /^[^\s@\u0000-\u001f]{1,64}@[^\s@\u0000-\u001f]+\.[^\s@\u0000-\u001f]{2,}$/;
export const email = z
  .string()
  .trim()
  .max(254, { message: 'An email address is at most 254 characters' })
  .regex(EMAIL_PATTERN, { message: 'Not an email address' })
  .transform((v) => v.toLowerCase());

export const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()./-]{4,24}$/, {
    message: 'A phone number is digits, spaces and + ( ) - . / only',
  });

/** Whether `postalCode` has the form the country uses (countries without postal codes accept any). */
export function isPostalCodeOf(country: string, postalCode: string): boolean {
  if (!postcodeValidatorExistsForCountry(country)) return postalCode.length <= 16;
  return postcodeValidator(postalCode, country);
}

/** A postal address as checkout, customers and warehouses take it. */
export const postalAddress = z
  .object({
    name: text(200).optional(),
    firstName: text(100).optional(),
    lastName: text(100).optional(),
    company: text(200).nullish(),
    line1: text(200),
    line2: text(200, { min: 0 }).nullish(),
    city: text(100),
    region: text(100, { min: 0 }).nullish(),
    postalCode: text(16),
    country: countryCode,
    phone: phone.nullish(),
  })
  .superRefine((address, ctx) => {
    if (isCountryCode(address.country) && !isPostalCodeOf(address.country, address.postalCode)) {
      ctx.addIssue({
        code: 'custom',
        path: ['postalCode'],
        message: `Not a postal code of ${address.country}`,
      });
    }
  });

/** zod issues as `userErrors`, each with its field path under `base` (e.g. ['input']). */
export function userErrorsFrom(
  error: z.ZodError,
  base: string[] = [],
  code = 'INVALID',
): UserError[] {
  return error.issues.map((issue) => ({
    field: [...base, ...issue.path.map(String)],
    message: issue.message,
    code,
  }));
}

/**
 * Parses `value` with `schema` or throws a DomainError for the first issue (what
 * `withUserErrors` turns into one `userErrors` entry with the field path).
 */
export function parseInput<T>(
  schema: z.ZodType<T>,
  value: unknown,
  base: string[] = [],
  code = 'INVALID',
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const [first] = userErrorsFrom(parsed.error, base, code);
  throw new DomainError(first!.code, first!.message, first!.field);
}
