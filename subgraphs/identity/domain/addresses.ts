import { IdentityErrorCode } from '../errors';
import { type DataSource, type EntityManager, In } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { CustomerAddressRow } from '../entities';
import type { AddressRules } from '../clients/location';

export interface AddressInput {
  name?: string | null;
  company?: string | null;
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  postalCode?: string | null;
  region?: string | null;
  country?: string | null;
  phone?: string | null;
  defaultShipping?: boolean | null;
  defaultBilling?: boolean | null;
}

const MAX_ADDRESSES = 20;

type AddressFields = Pick<
  CustomerAddressRow,
  'name' | 'company' | 'line1' | 'line2' | 'city' | 'postalCode' | 'region' | 'country' | 'phone'
>;

/**
 * The address a create or an update leaves: the update's fields over the stored ones,
 * checked as a whole by location (a postal code is only valid for its country, a region
 * must be one of it), with the first problem as a userError on its field.
 */
async function fields(
  rules: AddressRules,
  input: AddressInput,
  stored: Partial<AddressFields> = {},
): Promise<AddressFields> {
  const given = (key: keyof AddressFields) =>
    input[key] === undefined ? stored[key] : (input[key] ?? null);
  const candidate = Object.fromEntries(ADDRESS_KEYS.map((key) => [key, given(key) ?? null]));
  // The address book's table keeps a city and a postal code on every row.
  const a = await rules.validate(candidate, ['NAME', 'CITY', 'POSTAL_CODE']);
  return {
    name: a.name!,
    company: a.company,
    line1: a.line1!,
    line2: a.line2,
    city: a.city!,
    postalCode: a.postalCode!,
    region: a.region,
    country: a.country,
    phone: a.phone,
  };
}

const ADDRESS_KEYS = [
  'name',
  'company',
  'line1',
  'line2',
  'city',
  'postalCode',
  'region',
  'country',
  'phone',
] as const satisfies readonly (keyof AddressFields)[];

/**
 * A customer's address book. Each customer has at most one default shipping and one
 * default billing address (partial unique indexes); the first address becomes both
 * unless it says otherwise. Changes lock the customer row, so that two concurrent edits
 * of the defaults cannot collide.
 */
export class Addresses {
  constructor(
    private readonly db: DataSource,
    private readonly rules: AddressRules,
  ) {}

  ofCustomers(customerIds: readonly string[]): Promise<CustomerAddressRow[]> {
    return this.db.getRepository(CustomerAddressRow).find({
      where: { customerId: In([...customerIds]) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async create(customerId: string, input: AddressInput): Promise<CustomerAddressRow> {
    const values = await fields(this.rules, input);
    return this.inCustomer(customerId, async (tx, existing) => {
      if (existing.length >= MAX_ADDRESSES) {
        throw new DomainError(
          IdentityErrorCode.TOO_MANY_ADDRESSES,
          `At most ${MAX_ADDRESSES} addresses`,
        );
      }
      const first = existing.length === 0;
      const defaultShipping = input.defaultShipping ?? first;
      const defaultBilling = input.defaultBilling ?? first;
      await this.clearDefaults(tx, customerId, defaultShipping, defaultBilling);
      const repo = tx.getRepository(CustomerAddressRow);
      return repo.save(
        repo.create({
          ...values,
          customerId,
          isDefaultShipping: defaultShipping,
          isDefaultBilling: defaultBilling,
        }),
      );
    });
  }

  async update(customerId: string, id: string, input: AddressInput): Promise<CustomerAddressRow> {
    return this.inCustomer(customerId, async (tx, existing) => {
      const address = existing.find((a) => a.id === id);
      if (!address) throw new DomainError(IdentityErrorCode.NOT_FOUND, 'Address not found', ['id']);
      const values = await fields(this.rules, input, address);
      await this.clearDefaults(
        tx,
        customerId,
        input.defaultShipping === true,
        input.defaultBilling === true,
      );
      Object.assign(address, values);
      if (input.defaultShipping != null) address.isDefaultShipping = input.defaultShipping;
      if (input.defaultBilling != null) address.isDefaultBilling = input.defaultBilling;
      return tx.getRepository(CustomerAddressRow).save(address);
    });
  }

  async delete(customerId: string, id: string): Promise<void> {
    await this.inCustomer(customerId, async (tx, existing) => {
      if (!existing.some((a) => a.id === id))
        throw new DomainError(IdentityErrorCode.NOT_FOUND, 'Address not found', ['id']);
      await tx.getRepository(CustomerAddressRow).delete({ id, customerId });
    });
  }

  private async inCustomer<T>(
    customerId: string,
    body: (tx: EntityManager, existing: CustomerAddressRow[]) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction(async (tx) => {
      const [customer] = await tx.query(
        `SELECT id FROM identity.customer WHERE id = $1 FOR UPDATE`,
        [customerId],
      );
      if (!customer) throw new DomainError(IdentityErrorCode.NOT_FOUND, 'Customer not found');
      const existing = await tx.getRepository(CustomerAddressRow).findBy({ customerId });
      return body(tx, existing);
    });
  }

  private async clearDefaults(
    tx: EntityManager,
    customerId: string,
    shipping: boolean,
    billing: boolean,
  ): Promise<void> {
    if (shipping) {
      await tx.query(
        `UPDATE identity.customer_address SET is_default_shipping = false WHERE customer_id = $1`,
        [customerId],
      );
    }
    if (billing) {
      await tx.query(
        `UPDATE identity.customer_address SET is_default_billing = false WHERE customer_id = $1`,
        [customerId],
      );
    }
  }
}
