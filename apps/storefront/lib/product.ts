import { cache } from 'react';
import { WebProductPageDocument, type WebProductPageQuery } from '../../../sdk';
import { storefrontConfig } from './config';
import { toDecimal } from './money';
import { shop } from './shop';

export type ProductPage = NonNullable<WebProductPageQuery['product']>;

/** The product page's one query, shared by generateMetadata and the page in a request. */
export const productBySlug = cache(async (slug: string): Promise<ProductPage | null> => {
  const { product } = await (
    await shop()
  ).request(WebProductPageDocument, {
    slug,
    locale: 'en',
  });
  return product;
});

/** schema.org Product with one Offer per variant, for search engines' rich results. */
export function productJsonLd(product: ProductPage): Record<string, unknown> {
  const url = `${storefrontConfig().siteUrl}/products/${product.slug}`;
  return {
    '@context': 'https://schema.org',
    '@type': 'Product',
    name: product.localizedName ?? product.name,
    description: product.localizedDescription ?? product.description ?? undefined,
    url,
    image: product.media.filter((m) => m.kind === 'IMAGE').map((m) => m.url),
    brand: product.brand ? { '@type': 'Brand', name: product.brand.name } : undefined,
    category: product.category?.name,
    ...(product.rating && product.rating.count > 0
      ? {
          aggregateRating: {
            '@type': 'AggregateRating',
            ratingValue: product.rating.average,
            reviewCount: product.rating.count,
          },
        }
      : {}),
    offers: product.variants
      .filter((variant) => variant.price)
      .map((variant) => ({
        '@type': 'Offer',
        sku: variant.sku,
        name: variant.title,
        price: toDecimal(variant.price!),
        priceCurrency: variant.price!.currency,
        availability:
          (variant.availableQuantity ?? 0) > 0
            ? 'https://schema.org/InStock'
            : 'https://schema.org/OutOfStock',
        url,
      })),
  };
}
