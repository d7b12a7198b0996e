import type { DataSource } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { type Connection, type PageRequest, toConnection } from '../../../platform/pagination';
import { ProductRow } from '../entities';
import { CatalogErrorCode } from '../errors';
import type { Shopper } from './visibility';

export interface ProductListFilter {
  categoryId?: string | null;
  search?: string | null;
}

const MAX_SEARCH_LENGTH = 200;

/**
 * Active products by (name, id), so that cursors stay stable while products are added.
 * A shopper (null: staff, who see every active product) sees no age-restricted product
 * without a verified age that is enough, and none denied in their country.
 */
export async function listProducts(
  db: DataSource,
  page: PageRequest,
  filter: ProductListFilter,
  shopper: Shopper | null,
): Promise<Connection<ProductRow>> {
  const query = db.getRepository(ProductRow).createQueryBuilder('p').where(`p.status = 'ACTIVE'`);
  if (shopper) {
    query.andWhere(
      shopper.age === null
        ? 'p.minimum_age IS NULL'
        : '(p.minimum_age IS NULL OR p.minimum_age <= :age)',
      { age: shopper.age },
    );
    if (shopper.country)
      query.andWhere('NOT (p.denied_countries @> ARRAY[:country]::text[])', {
        country: shopper.country,
      });
  }
  if (filter.categoryId) {
    query.andWhere(
      `p.category_id IN (
        WITH RECURSIVE tree AS (
          SELECT id FROM catalog.category WHERE id = :categoryId
          UNION ALL
          SELECT c.id FROM catalog.category c JOIN tree ON c.parent_id = tree.id
        ) SELECT id FROM tree)`,
      { categoryId: filter.categoryId },
    );
  }
  const search = filter.search?.trim();
  if (search) {
    if (search.length > MAX_SEARCH_LENGTH) {
      throw new DomainError(
        CatalogErrorCode.SEARCH_TOO_LONG,
        `search is longer than ${MAX_SEARCH_LENGTH} characters`,
        ['search'],
      );
    }
    query.andWhere(
      `(p.search @@ websearch_to_tsquery('english', :search) OR p.name ILIKE :pattern)`,
      { search, pattern: `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` },
    );
  }
  const totalCount = await query.clone().getCount();
  if (page.after) {
    const [name, id] = page.after;
    query.andWhere('(p.name, p.id) > (:afterName, :afterId)', { afterName: name, afterId: id });
  }
  const rows = await query
    .orderBy('p.name', 'ASC')
    .addOrderBy('p.id', 'ASC')
    .take(page.limit + 1)
    .getMany();
  return toConnection(rows, page, (row) => [row.name, row.id], totalCount);
}
