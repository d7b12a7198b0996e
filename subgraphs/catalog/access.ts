import { hasPermission } from '../../platform/authorization';
import type { Viewer } from '../../platform/identity';
import type { ProductStatus } from './entities';

/** Staff who write the catalog; they (and platform services) also see what is not published. */
export const CATALOG_STAFF = 'catalog:write';

/**
 * Only ACTIVE products are published: a DRAFT (not yet out) or ARCHIVED (withdrawn)
 * product does not exist for shoppers, by id, by slug, in lists or as an entity
 * reference. Staff and platform services (checkout decides "not for sale" itself) see all.
 */
export function canSeeProduct(product: { status: ProductStatus }, viewer: Viewer): boolean {
  return product.status === 'ACTIVE' || hasPermission(viewer, CATALOG_STAFF);
}
