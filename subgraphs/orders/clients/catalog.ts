import type { ServiceClient } from '../../../platform/service-client';
import { OrdersVariantsDocument, type OrdersVariantsQuery } from '../generated/clients/catalog';

type Entity = NonNullable<OrdersVariantsQuery['_entities'][number]>;
/** What carts and checkout need to know about a variant, as catalog has it now. */
export type VariantInfo = Extract<Entity, { sku: string }>;

/** The category and its ancestors: a promotion on "Apparel" applies to "T-Shirts" too. */
export function categoryIds(variant: VariantInfo): string[] {
  const ids: string[] = [];
  type Node = { id: string; parent?: Node | null } | null | undefined;
  for (let c: Node = variant.product.category; c; c = c.parent) ids.push(c.id);
  return ids;
}

export class CatalogClient {
  constructor(private readonly client: ServiceClient) {}

  /**
   * Variants by id in one call; unknown ids are simply absent from the map. With a buyer,
   * each says whether catalog's visibility rules let them buy it (`saleRestriction`).
   */
  async variants(
    ids: string[],
    buyer: { customerId: string | null; country: string } | null = null,
  ): Promise<Map<string, VariantInfo>> {
    const data = await this.client.execute(OrdersVariantsDocument, {
      representations: ids.map((id) => ({ __typename: 'ProductVariant', id })),
      country: buyer?.country ?? null,
      customerId: buyer?.customerId ?? null,
    });
    return new Map(
      data._entities
        .filter((v): v is VariantInfo => v !== null && 'sku' in v)
        .map((v) => [v.id, v]),
    );
  }
}
