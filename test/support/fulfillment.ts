import { randomUUID } from 'node:crypto';
import { dataOf } from '../../platform/testing/graphql-client';
import { signCarrierWebhook } from '../../subgraphs/shipping/domain/webhook-signature';
import type { TestPlatform } from './platform';
import { type AddressInput, CheckoutDocument, OrderCaptureDocument } from '../../sdk';
import { cartWith, checkoutInput } from './shop';

/** A street address per demo country, as location accepts it: labels are sent from it. */
export const WAREHOUSE_ADDRESSES: Record<
  string,
  { line1: string; city: string; region?: string; postalCode: string }
> = {
  DE: { line1: 'Lagerstraße 1', city: 'Berlin', region: 'BE', postalCode: '12099' },
  FR: { line1: '1 rue du Dépôt', city: 'Paris', postalCode: '75012' },
  NL: { line1: 'Havenweg 10', city: 'Amsterdam', region: 'NH', postalCode: '1013 AA' },
  GB: { line1: '1 Dock Road', city: 'London', postalCode: 'E16 1AA' },
  US: { line1: '1 Warehouse Way', city: 'Newark', region: 'NJ', postalCode: '07102' },
};

export async function warehouseIn(
  platform: TestPlatform,
  code: string,
  countryCode: string,
): Promise<string> {
  const data = dataOf(
    await platform.query(
      `mutation ($input: WarehouseCreateInput!) {
        warehouseCreate(input: $input) { warehouse { id } userErrors { code message } }
      }`,
      {
        input: {
          code,
          name: `Warehouse ${code}`,
          countryCode,
          address: WAREHOUSE_ADDRESSES[countryCode] ?? null,
        },
      },
    ),
  );
  expect(data.warehouseCreate.userErrors).toEqual([]);
  return data.warehouseCreate.warehouse.id;
}

/** Checkout and capture: the order is CONFIRMED, and fulfillment hears of it by event only. */
export async function confirmedOrder(
  platform: TestPlatform,
  lines: { variantId: string; quantity: number }[],
  shippingAddress?: AddressInput,
  shippingMethodId?: string,
): Promise<string> {
  const cartId = await cartWith(platform, lines);
  const input = {
    ...checkoutInput(cartId, randomUUID()),
    ...(shippingAddress ? { shippingAddress } : {}),
    ...(shippingMethodId ? { shippingMethodId } : {}),
  };
  const placed = dataOf(await platform.query(CheckoutDocument, { input })).checkout;
  expect(placed.userErrors).toEqual([]);
  const captured = dataOf(
    await platform.query(OrderCaptureDocument, { id: placed.order!.id }),
  ).orderCapture;
  expect(captured.order?.status).toBe('CONFIRMED');
  return placed.order!.id;
}

export const ORDER_FULFILLMENT = /* GraphQL */ `
  query ($id: ID!) {
    order(id: $id) {
      status
      fulfillmentOrder {
        status
        lines {
          sku
          quantity
          assignedQuantity
          shippedQuantity
          backorderedQuantity
          expectedAt
        }
      }
      shipments {
        id
        carrier
        trackingNumber
        status
        labelUrl
        trackingEvents {
          status
          description
        }
      }
      fulfillments {
        id
        status
        strategy
        slotStart
        warehouse {
          id
        }
        carrier
        trackingNumber
        shipmentId
        pickListId
        lines {
          sku
          quantity
          pickedQuantity
          shortQuantity
          binLocation
        }
      }
    }
  }
`;

/** Polls until `done` holds (events travel through the outbox relay and pub/sub). */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function orderFulfillment(platform: TestPlatform, id: string) {
  return dataOf(await platform.query(ORDER_FULFILLMENT, { id })).order;
}

export async function mutate(platform: TestPlatform, query: string, variables: object) {
  return Object.values(
    dataOf(await platform.query(query, variables as Record<string, unknown>)),
  )[0] as Record<string, any>;
}

/** The development secret shipping verifies carrier webhooks with (subgraphs/shipping/config.ts). */
export const CARRIER_WEBHOOK_SECRET = 'development-carrier-webhook-secret';

/** A carrier's tracking webhook, posted to shipping as the carrier would (signed unless told). */
export async function carrierWebhook(
  platform: TestPlatform,
  carrier: string,
  event: { trackingNumber: string; status: string; description?: string; id?: string },
  options: { secret?: string } = {},
): Promise<{ status: number; body: any }> {
  const body = JSON.stringify({
    id: event.id ?? randomUUID(),
    type: 'tracking.updated',
    trackingNumber: event.trackingNumber,
    status: event.status,
    description: event.description ?? event.status,
    occurredAt: new Date().toISOString(),
  });
  const at = Math.floor(Date.now() / 1000);
  const res = await fetch(
    new URL(`/webhooks/carriers/${carrier}`, platform.subgraphUrls.shipping),
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-carrier-signature': signCarrierWebhook(
          options.secret ?? CARRIER_WEBHOOK_SECRET,
          at,
          body,
        ),
      },
      body,
    },
  );
  return { status: res.status, body: await res.json() };
}
