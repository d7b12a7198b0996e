import { DomainError } from '../../../platform/errors';
import type { ServiceClient } from '../../../platform/service-client';
import type { AddressValue } from '../entities';
import { OrdersAddressValidateDocument } from '../generated/clients/location';

export class LocationClient {
  constructor(private readonly client: ServiceClient) {}

  /**
   * The address as location normalises it (country upper-cased, region as its ISO code,
   * postal code formatted), or location's first userError re-based under `path`
   * (["input", "shippingAddress", "postalCode"]). A recipient's name is always required.
   */
  async normalise(address: AddressValue, path: string[]): Promise<AddressValue> {
    const { addressValidate } = await this.client.execute(OrdersAddressValidateDocument, {
      input: {
        name: address.name,
        line1: address.line1,
        line2: address.line2 ?? null,
        city: address.city,
        region: address.region ?? null,
        postalCode: address.postalCode,
        country: address.country,
        phone: address.phone ?? null,
      },
      require: ['NAME'],
    });
    const [first] = addressValidate.userErrors;
    if (first) {
      throw new DomainError(first.code, first.message, [...path, ...(first.field ?? []).slice(1)]);
    }
    const a = addressValidate.address;
    if (!a) throw new DomainError('UPSTREAM_UNAVAILABLE', 'location answered without an address');
    return {
      name: a.name ?? '',
      line1: a.line1 ?? '',
      line2: a.line2,
      city: a.city ?? '',
      postalCode: a.postalCode ?? '',
      region: a.region,
      country: a.country,
      phone: a.phone,
    };
  }
}
