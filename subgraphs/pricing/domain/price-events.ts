import type { EntityManager } from 'typeorm';
import {
  PRICE_CHANGED_TOPIC,
  type PriceChangedEvent,
} from '../../../platform/events/product-topics';
import { recordEvent } from '../../../platform/outbox';
import type { PriceListRow } from '../entities';

/** Announces a variant's new single-unit price in a list, in the transaction that set it. */
export function recordPriceChanged(
  tx: EntityManager,
  change: { variantId: string; sku: string; list: PriceListRow; amount: number },
): Promise<void> {
  const event: PriceChangedEvent = {
    variantId: change.variantId,
    sku: change.sku,
    currency: change.list.currency,
    priceList: change.list.code,
    priority: change.list.priority,
    public: change.list.public,
    amount: change.amount,
  };
  return recordEvent(tx, 'pricing', PRICE_CHANGED_TOPIC, event);
}
