import type { SubgraphContext } from '../../platform/context';
import { withUserErrors } from '../../platform/errors';
import type { SearchHit } from './domain/engine';
import { hitCursor } from './domain/request';
import type { Resolvers } from './generated/resolvers-types';
import type { SearchServices } from './index';
import type { SearchLoaders } from './loaders';

export type Context = SubgraphContext<SearchServices, SearchLoaders>;

/** Catalog's product, named by id only (the router fetches its fields from catalog). */
export type ProductModel = { id: string };

function toHit(hit: SearchHit, currency: string) {
  return {
    product: { id: hit.productId },
    score: hit.score,
    highlights: hit.highlights,
    priceFrom: hit.price ? { amount: hit.price.min, currency } : null,
  };
}

export const searchResolvers = {
  Query: {
    async search(_, args, ctx) {
      const page = await ctx.services.search.search(args, ctx.viewer);
      const offset = ctx.services.search.offsetOf(args.after);
      const edges = page.hits.map((hit, index) => ({
        cursor: hitCursor(offset + index),
        node: toHit(hit, (args.currency ?? 'EUR').toUpperCase()),
      }));
      return {
        totalCount: page.totalCount,
        edges,
        pageInfo: {
          hasNextPage: offset + edges.length < page.totalCount,
          hasPreviousPage: offset > 0,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges[edges.length - 1]?.cursor ?? null,
        },
        facets: page.facets.map((facet) => ({
          name: facet.name,
          values: facet.values.map((value) => ({
            value: value.value,
            label: value.label,
            count: value.count,
            range: value.range ?? null,
            parentId: value.parent ?? null,
          })),
        })),
        corrections: page.corrections,
      };
    },
    async searchSuggest(_, args, ctx) {
      const suggestions = await ctx.services.search.suggest(args, ctx.viewer);
      return suggestions.map((s) => ({
        ...s,
        product: s.kind === 'PRODUCT' ? { id: s.id } : null,
      }));
    },
  },
  Mutation: {
    searchReindex: (_, __, ctx) => withUserErrors(() => ctx.services.search.reindex()),
  },
} satisfies Resolvers;
