import Link from 'next/link';
import { ProductsDocument } from '../../../sdk';
import { anonymousShop } from '../lib/shop';
import { ProductGrid } from './ProductGrid';

const PAGE_SIZE = 24;

/** A page of active products (one category's, or all), with a link to the next page. */
export async function Listing({
  categoryId,
  after,
  basePath,
}: {
  categoryId?: string;
  after?: string;
  basePath: string;
}) {
  const { products } = await anonymousShop().request(ProductsDocument, {
    first: PAGE_SIZE,
    after: after ?? null,
    categoryId: categoryId ?? null,
  });
  const nodes = products.edges.map((edge) => edge.node);
  return (
    <>
      <p className="muted">
        {products.totalCount} {products.totalCount === 1 ? 'product' : 'products'}
      </p>
      <ProductGrid products={nodes} />
      {products.pageInfo.hasNextPage && products.pageInfo.endCursor && (
        <p>
          <Link
            className="button button-secondary"
            href={`${basePath}?after=${encodeURIComponent(products.pageInfo.endCursor)}`}
          >
            Next page
          </Link>
        </p>
      )}
    </>
  );
}
