import { DomainError } from '../../../../platform/errors';
import { isUuid } from '../../../../platform/ids';
import { email as emailSchema, parseInput, text } from '../../../../platform/validation';
import type { OrdersClients } from '../../clients/index';
import type { DraftLineValue } from '../../entities';
import { OrdersErrorCode } from '../../errors';
import { MAX_CART_LINES, MAX_LINE_QUANTITY } from '../carts';

export interface DraftLineInput {
  variantId: string;
  quantity: number;
  priceOverride?: { amount: number; reason?: string | null } | null;
}

/** GraphQL Int is 32-bit; a unit price beyond it could not be quoted. */
const MAX_UNIT_PRICE = 2_147_483_647;
const MAX_REASON_LENGTH = 500;
const reasonSchema = text(MAX_REASON_LENGTH);

export function parseEmail(value: string, base: string[]): string {
  return parseInput(emailSchema, value, [...base, 'email'], OrdersErrorCode.INVALID_EMAIL);
}

export function parseCustomerId(value: string | null | undefined, base: string[]): string | null {
  if (value === null || value === undefined) return null;
  if (!isUuid(value))
    throw new DomainError(OrdersErrorCode.INVALID_ID, 'customerId is not a valid id', [
      ...base,
      'customerId',
    ]);
  return value.toLowerCase();
}

/**
 * A draft's lines, checked field by field (paths under `base`, e.g. ["input", "lines", "0",
 * "priceOverride", "reason"]) and then against catalog: every variant exists and is for
 * sale. An override needs its reason: a price change nobody can explain is not allowed.
 */
export async function parseDraftLines(
  lines: DraftLineInput[],
  clients: OrdersClients,
  base: string[],
): Promise<DraftLineValue[]> {
  if (lines.length > MAX_CART_LINES)
    throw new DomainError(
      OrdersErrorCode.TOO_MANY_LINES,
      `A draft holds at most ${MAX_CART_LINES} lines`,
      base,
    );
  const seen = new Set<string>();
  const checked = lines.map((line, index) => {
    const at = (...field: string[]) => [...base, String(index), ...field];
    if (!isUuid(line.variantId))
      throw new DomainError(
        OrdersErrorCode.INVALID_ID,
        'variantId is not a valid id',
        at('variantId'),
      );
    const variantId = line.variantId.toLowerCase();
    if (seen.has(variantId))
      throw new DomainError(
        OrdersErrorCode.INVALID_INPUT,
        'Each variant once: put the whole quantity on one line',
        at('variantId'),
      );
    seen.add(variantId);
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_LINE_QUANTITY)
      throw new DomainError(
        OrdersErrorCode.INVALID_QUANTITY,
        `Quantity must be between 1 and ${MAX_LINE_QUANTITY}`,
        at('quantity'),
      );
    let priceOverride: DraftLineValue['priceOverride'] = null;
    if (line.priceOverride) {
      const { amount, reason } = line.priceOverride;
      if (!Number.isSafeInteger(amount) || amount < 0 || amount > MAX_UNIT_PRICE)
        throw new DomainError(
          OrdersErrorCode.INVALID_AMOUNT,
          'A unit price is 0 or more minor units',
          at('priceOverride', 'amount'),
        );
      if (!reason?.trim())
        throw new DomainError(
          OrdersErrorCode.REQUIRED,
          'Say why the price differs from the price list',
          at('priceOverride', 'reason'),
        );
      priceOverride = {
        amount,
        reason: parseInput(reasonSchema, reason, at('priceOverride', 'reason'), 'INVALID_INPUT'),
      };
    }
    return { variantId, quantity: line.quantity, priceOverride };
  });
  if (checked.length === 0) return [];
  const variants = await clients.catalog.variants([...seen]);
  return checked.map((line, index) => {
    const variant = variants.get(line.variantId);
    const field = [...base, String(index), 'variantId'];
    if (!variant)
      throw new DomainError(
        OrdersErrorCode.NOT_FOUND,
        `Variant ${line.variantId} was not found`,
        field,
      );
    if (variant.archived || variant.product.status !== 'ACTIVE')
      throw new DomainError(
        OrdersErrorCode.VARIANT_UNAVAILABLE,
        `${variant.sku} is not for sale`,
        field,
      );
    return {
      ...line,
      sku: variant.sku,
      productName: variant.product.name,
      variantTitle: variant.title,
    };
  });
}
