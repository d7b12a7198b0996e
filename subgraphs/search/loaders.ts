/**
 * Search resolves no child fields of its own (a hit names a product; the router fetches
 * the product from catalog in one batch), so it has no DataLoaders.
 */
export function createSearchLoaders() {
  return {};
}

export type SearchLoaders = ReturnType<typeof createSearchLoaders>;
