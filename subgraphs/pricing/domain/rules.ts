import { DomainError } from '../../../platform/errors';
import { countryCode, currencyCode, parseInput, text } from '../../../platform/validation';
import { PricingErrorCode } from '../errors';

/** Plain input rules of pricing's use cases: each takes a value and returns it checked. */

const REGION = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;
const LIST_CODE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
export const MAX_NAME_LENGTH = 100;

export function checkListCode(input: string): string {
  const code = input.trim().toUpperCase();
  if (!LIST_CODE.test(code)) {
    throw new DomainError(
      PricingErrorCode.INVALID_CODE,
      'Code must be 1-32 letters, digits, dashes or underscores',
      ['code'],
    );
  }
  return code;
}

export function normalizeCurrency(input: string, field: string[]): string {
  return parseInput(
    currencyCode,
    input.trim().toUpperCase(),
    field,
    PricingErrorCode.UNKNOWN_CURRENCY,
  );
}

/** A real ISO 3166-1 alpha-2 country (XX and other unassigned codes are refused). */
export function checkCountry(input: string, field: string[]): string {
  return parseInput(
    countryCode,
    input.trim().toUpperCase(),
    field,
    PricingErrorCode.INVALID_COUNTRY,
  );
}

/** Accepts US-CA or CA (for country US); null when absent. */
export function checkRegion(
  country: string,
  input: string | null | undefined,
  field: string[],
): string | null {
  const value = input?.trim().toUpperCase();
  if (!value) return null;
  const region = value.includes('-') ? value : `${country}-${value}`;
  if (!REGION.test(region) || !region.startsWith(`${country}-`)) {
    throw new DomainError(
      PricingErrorCode.INVALID_REGION,
      `Region must be an ISO 3166-2 code of ${country}, such as ${country}-CA`,
      field,
    );
  }
  return region;
}

export function checkName(input: string): string {
  if (!input.trim() || input.trim().length > MAX_NAME_LENGTH) {
    throw new DomainError(
      PricingErrorCode.INVALID_NAME,
      `Name must be 1-${MAX_NAME_LENGTH} characters`,
      ['name'],
    );
  }
  return parseInput(text(MAX_NAME_LENGTH), input, ['name'], PricingErrorCode.INVALID_NAME);
}

/** A whole number of minor units, 0 or more. */
export function checkAmount(amount: number, field: string[], what = 'Amount'): number {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new DomainError(
      PricingErrorCode.INVALID_AMOUNT,
      `${what} must be a whole number of minor units, 0 or more`,
      field,
    );
  }
  return amount;
}

export function checkWindow(validFrom: Date, validTo: Date | null): void {
  if (validTo && validTo.getTime() <= validFrom.getTime()) {
    throw new DomainError(PricingErrorCode.INVALID_WINDOW, 'validTo must be after validFrom', [
      'validTo',
    ]);
  }
}

export function parseTime(input: string | null | undefined, field: string): Date | null {
  if (input === null || input === undefined || input === '') return null;
  const time = new Date(input);
  if (!/^\d{4}-\d{2}-\d{2}/.test(input) || Number.isNaN(time.getTime())) {
    throw new DomainError(PricingErrorCode.INVALID_DATE, `${field} must be an ISO 8601 time`, [
      field,
    ]);
  }
  return time;
}
