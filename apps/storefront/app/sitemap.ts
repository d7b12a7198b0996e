import type { MetadataRoute } from 'next';
import { ProductsDocument } from '../../../sdk';
import { categories, flattenCategories } from '../lib/catalog';
import { storefrontConfig } from '../lib/config';
import { anonymousShop } from '../lib/shop';

export const dynamic = 'force-dynamic';

/** The listing pages and the first products (one page of 100; a shop of more pages them). */
export default async function sitemap(): Promise<MetadataRoute.Sitemap> {
  const site = storefrontConfig().siteUrl;
  const [tree, { products }] = await Promise.all([
    categories(),
    anonymousShop().request(ProductsDocument, { first: 100 }),
  ]);
  return [
    { url: `${site}/`, changeFrequency: 'daily' },
    ...flattenCategories(tree).map((c) => ({ url: `${site}/category/${c.slug}` })),
    ...products.edges.map(({ node }) => ({ url: `${site}/products/${node.slug}` })),
  ];
}
