import { type DataSource, type EntityManager, In } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { CustomerAddressRow } from '../entities';
import { optionalText, requireCountry, requireText } from './validation';

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

/** The address fields of a create (all required ones present) or of an update (only the given ones). */
function fields(input: AddressInput, partial: boolean): Partial<AddressFields> {
  const path = (field: string) => ['input', field];
  const out: Partial<AddressFields> = {};
  const required = (key: 'name' | 'line1' | 'city' | 'postalCode', max: number) => {
    if (partial && input[key] === undefined) return;
    out[key] = requireText(input[key], key, max, path(key));
  };
  const optional = (key: 'company' | 'line2' | 'region' | 'phone', max: number) => {
    if (partial && input[key] === undefined) return;
    out[key] = optionalText(input[key], key, max, path(key));
  };
  required('name', 200);
  required('line1', 200);
  required('city', 100);
  required('postalCode', 20);
  optional('company', 200);
  optional('line2', 200);
  optional('region', 100);
  optional('phone', 40);
  if (!partial || input.country !== undefined)
    out.country = requireCountry(input.country, path('country'));
  return out;
}

/**
 * A customer's address book. Each customer has at most one default shipping and one
 * default billing address (partial unique indexes); the first address becomes both
 * unless it says otherwise. Changes lock the customer row, so that two concurrent edits
 * of the defaults cannot collide.
 */
export class Addresses {
  constructor(private readonly db: DataSource) {}

  ofCustomers(customerIds: readonly string[]): Promise<CustomerAddressRow[]> {
    return this.db.getRepository(CustomerAddressRow).find({
      where: { customerId: In([...customerIds]) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async create(customerId: string, input: AddressInput): Promise<CustomerAddressRow> {
    const values = fields(input, false);
    return this.inCustomer(customerId, async (tx, existing) => {
      if (existing.length >= MAX_ADDRESSES) {
        throw new DomainError('TOO_MANY_ADDRESSES', `At most ${MAX_ADDRESSES} addresses`);
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
    const values = fields(input, true);
    return this.inCustomer(customerId, async (tx, existing) => {
      const address = existing.find((a) => a.id === id);
      if (!address) throw new DomainError('NOT_FOUND', 'Address not found', ['id']);
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
        throw new DomainError('NOT_FOUND', 'Address not found', ['id']);
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
      if (!customer) throw new DomainError('NOT_FOUND', 'Customer not found');
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
