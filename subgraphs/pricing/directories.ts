import type { ServiceClient } from '../../platform/service-client';
import { VariantSkuDocument } from './generated/clients/catalog';

/** What pricing needs to know of catalog: a variant's SKU (null when catalog has no such variant). */
export interface CatalogDirectory {
  skuOf(variantId: string): Promise<string | null>;
}

export function catalogDirectory(client: ServiceClient): CatalogDirectory {
  return {
    async skuOf(variantId) {
      const data = await client.request(VariantSkuDocument, { id: variantId });
      return data.variant?.sku ?? null;
    },
  };
}
