import type { ServiceClient } from '../../platform/service-client';
import { VariantBySkuDocument } from './generated/clients/catalog';
import { WarehouseAddressValidateDocument } from './generated/clients/location';
import { OrdersExistDocument } from './generated/clients/orders';

/** What inventory needs to know of catalog: whether a SKU exists. */
export interface CatalogDirectory {
  knowsSku(sku: string): Promise<boolean>;
}

/** What inventory needs to know of orders: which of these orders were written. */
export interface OrdersDirectory {
  /** The ids among `orderIds` that orders has; throws (never guesses) when orders cannot say. */
  existing(orderIds: string[]): Promise<Set<string>>;
}

export function catalogDirectory(client: ServiceClient): CatalogDirectory {
  return {
    async knowsSku(sku) {
      const data = await client.request(VariantBySkuDocument, { sku });
      return data.variant !== null;
    },
  };
}

export function ordersDirectory(client: ServiceClient): OrdersDirectory {
  return {
    async existing(orderIds) {
      if (orderIds.length === 0) return new Set();
      const data = await client.request(OrdersExistDocument, {
        representations: orderIds.map((id) => ({ __typename: 'Order', id })),
      });
      if (data._entities.length !== orderIds.length)
        throw new Error(`orders answered ${data._entities.length} of ${orderIds.length} orders`);
      const found = new Set<string>();
      for (const entity of data._entities) if (entity && 'id' in entity) found.add(entity.id);
      return found;
    },
  };
}

/** An address location checked: normalised, or its problems with location's field paths. */
export type CheckedAddress =
  | {
      ok: true;
      address: { line1: string; line2: string | null; city: string; postalCode: string };
      region: string | null;
    }
  | { ok: false; problems: { field: string[] | null; message: string; code: string }[] };

/** What inventory needs to know of location: whether a warehouse's address is one of its country. */
export interface AddressDirectory {
  check(
    country: string,
    address: {
      line1: string;
      line2?: string | null;
      city: string;
      region?: string | null;
      postalCode: string;
    },
  ): Promise<CheckedAddress>;
}

export function addressDirectory(client: ServiceClient): AddressDirectory {
  return {
    async check(country, address) {
      const { addressValidate } = await client.request(WarehouseAddressValidateDocument, {
        input: { ...address, country },
        require: ['LINE1', 'CITY', 'POSTAL_CODE'],
      });
      const normalised = addressValidate.address;
      if (addressValidate.userErrors.length || !normalised)
        return { ok: false, problems: addressValidate.userErrors };
      return {
        ok: true,
        address: {
          line1: normalised.line1 ?? address.line1,
          line2: normalised.line2 ?? null,
          city: normalised.city ?? address.city,
          postalCode: normalised.postalCode ?? address.postalCode,
        },
        region: normalised.region ?? null,
      };
    },
  };
}
