import { DomainError } from '../../../platform/errors';
import { countryCode, parseInput, sku as skuSchema, text } from '../../../platform/validation';
import { InventoryErrorCode } from '../errors';

/** Plain input rules of the stock use cases: each takes a value and returns it checked. */

export const MAX_KEY_LENGTH = 200;
export const MAX_RESERVATION_LINES = 200;
const WAREHOUSE_CODE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;

export function checkSku(sku: string, field: string[] = ['sku']): string {
  return parseInput(skuSchema, sku, field, InventoryErrorCode.INVALID_SKU);
}

export function requireText(value: string | null | undefined, field: string, max = 200): string {
  if (!value?.trim())
    throw new DomainError(InventoryErrorCode.REQUIRED, `${field} cannot be empty`, [field]);
  return parseInput(text(max), value, [field], InventoryErrorCode.INVALID_TEXT);
}

export function optionalText(value: string | null | undefined, field: string): string | null {
  const trimmed = value?.trim();
  if (!trimmed) return null;
  if (trimmed.length > MAX_KEY_LENGTH) {
    throw new DomainError(
      InventoryErrorCode.TOO_LONG,
      `${field} is longer than ${MAX_KEY_LENGTH}`,
      [field],
    );
  }
  return parseInput(text(MAX_KEY_LENGTH), trimmed, [field], InventoryErrorCode.INVALID_TEXT);
}

export function checkWarehouseCode(input: string): string {
  const code = input.trim().toUpperCase();
  if (!WAREHOUSE_CODE.test(code)) {
    throw new DomainError(
      InventoryErrorCode.INVALID_CODE,
      'Code must be 1-32 letters, digits, dashes or underscores',
      ['code'],
    );
  }
  return code;
}

/** A real ISO 3166-1 alpha-2 country (XX and other unassigned codes are refused). */
export function checkCountry(input: string): string {
  return parseInput(
    countryCode,
    input.trim().toUpperCase(),
    ['countryCode'],
    InventoryErrorCode.INVALID_COUNTRY,
  );
}

export function checkPositive(quantity: number, field: string[], message: string): number {
  if (!Number.isSafeInteger(quantity) || quantity <= 0)
    throw new DomainError(InventoryErrorCode.INVALID_QUANTITY, message, field);
  return quantity;
}

export function checkReserveLines<L extends { sku: string; quantity: number }>(lines: L[]): L[] {
  if (lines.length === 0)
    throw new DomainError(InventoryErrorCode.REQUIRED, 'A reservation needs at least one line', [
      'lines',
    ]);
  if (lines.length > MAX_RESERVATION_LINES) {
    throw new DomainError(
      InventoryErrorCode.TOO_MANY_LINES,
      `A reservation has at most ${MAX_RESERVATION_LINES} lines`,
      ['lines'],
    );
  }
  for (const [index, line] of lines.entries()) {
    checkSku(line.sku, ['lines', String(index), 'sku']);
    checkPositive(
      line.quantity,
      ['lines', String(index), 'quantity'],
      'Quantity must be a positive whole number',
    );
  }
  return lines;
}
