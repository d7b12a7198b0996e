import { cache } from 'react';
import { CartDocument, CategoriesDocument, type CategoriesQuery } from '../../../sdk';
import { cartId } from './session';
import { anonymousShop, shop } from './shop';

export type Category = CategoriesQuery['categories'][number];

/** The category tree, once per request (the layout's navigation and the pages share it). */
export const categories = cache(async (): Promise<CategoriesQuery['categories']> => {
  const { categories } = await anonymousShop().request(CategoriesDocument);
  return categories;
});

export function flattenCategories(
  tree: readonly Category[],
): { id: string; name: string; slug: string }[] {
  const flat: { id: string; name: string; slug: string }[] = [];
  const walk = (
    nodes: readonly { id: string; name: string; slug: string; children?: unknown }[],
  ) => {
    for (const node of nodes) {
      flat.push({ id: node.id, name: node.name, slug: node.slug });
      if (Array.isArray(node.children)) walk(node.children);
    }
  };
  walk(tree);
  return flat;
}

/** The shopper's open cart, or null (none yet, or ordered already). */
export const currentCart = cache(async () => {
  const id = await cartId();
  if (!id) return null;
  try {
    const { cart } = await (await shop()).request(CartDocument, { id });
    return cart && !cart.checkedOut ? cart : null;
  } catch {
    return null;
  }
});
