import { DomainError } from '../../../platform/errors';
import type { ServiceClient } from '../../../platform/service-client';
import {
  type AddressField,
  IdentityAddressValidateDocument,
  type IdentityAddressValidateQuery,
  type PostalAddressInput,
} from '../generated/clients/location';

export type ValidAddress = NonNullable<IdentityAddressValidateQuery['addressValidate']['address']>;

/** The address rules are location's: identity asks, and refuses with location's first userError. */
export interface AddressRules {
  /** The normalised address, or a DomainError on the field at fault (["input", field]). */
  validate(input: PostalAddressInput, require: AddressField[]): Promise<ValidAddress>;
}

export function locationAddressRules(client: ServiceClient): AddressRules {
  return {
    async validate(input, require) {
      const { addressValidate } = await client.execute(IdentityAddressValidateDocument, {
        input,
        require,
      });
      const [first] = addressValidate.userErrors;
      if (first) throw new DomainError(first.code, first.message, first.field ?? ['input']);
      if (!addressValidate.address) {
        throw new DomainError('UPSTREAM_UNAVAILABLE', 'location answered without an address');
      }
      return addressValidate.address;
    },
  };
}
