import { DomainError } from '../../../platform/errors';
import { FulfillmentErrorCode } from '../errors';

/** Plain input rules of the warehouse floor; each names the field it refuses. */

export function checkQuantity(quantity: number, field: string[]): number {
  if (!Number.isSafeInteger(quantity) || quantity < 1) {
    throw new DomainError(
      FulfillmentErrorCode.INVALID_QUANTITY,
      'Quantity must be a positive whole number',
      field,
    );
  }
  return quantity;
}

export function checkSkuText(sku: string, field = ['sku']): string {
  const trimmed = sku.trim();
  if (!trimmed || trimmed.length > 64) {
    throw new DomainError(FulfillmentErrorCode.INVALID_TEXT, 'A SKU is 1-64 characters', field);
  }
  return trimmed;
}

export function checkReason(reason: string, field = ['reason']): string {
  const trimmed = reason.trim();
  if (!trimmed || trimmed.length > 500) {
    throw new DomainError(FulfillmentErrorCode.INVALID_TEXT, 'A reason is 1-500 characters', field);
  }
  return trimmed;
}

export function checkBinLocation(location: string): string {
  const value = location.trim().toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9-]{0,31}$/.test(value)) {
    throw new DomainError(
      FulfillmentErrorCode.INVALID_BIN,
      'A bin is capital letters, digits and dashes, e.g. A-03-2',
      ['location'],
    );
  }
  return value;
}

export interface CapacityInput {
  ordersPerDay: number;
  itemsPerHour: number;
  ordersPerSlot: number;
  openHour: number;
  closeHour: number;
}

export function checkCapacity(input: CapacityInput): CapacityInput {
  for (const key of ['ordersPerDay', 'itemsPerHour', 'ordersPerSlot'] as const) {
    if (!Number.isSafeInteger(input[key]) || input[key] < 1 || input[key] > 1_000_000) {
      throw new DomainError(FulfillmentErrorCode.INVALID_CAPACITY, `${key} is 1-1000000`, [key]);
    }
  }
  if (!Number.isSafeInteger(input.openHour) || input.openHour < 0 || input.openHour > 23) {
    throw new DomainError(FulfillmentErrorCode.INVALID_CAPACITY, 'openHour is 0-23', ['openHour']);
  }
  if (
    !Number.isSafeInteger(input.closeHour) ||
    input.closeHour <= input.openHour ||
    input.closeHour > 24
  ) {
    throw new DomainError(
      FulfillmentErrorCode.INVALID_CAPACITY,
      'closeHour is after openHour, at most 24',
      ['closeHour'],
    );
  }
  return input;
}
