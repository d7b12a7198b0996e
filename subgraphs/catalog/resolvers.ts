import { orNull } from '../../platform/loaders';
import type { SubgraphContext } from '../../platform/context';
import { badInput, notFound, withUserErrors } from '../../platform/errors';
import { isUuid, parseId } from '../../platform/ids';
import { parsePageArgs } from '../../platform/pagination';
import type { BrandRow, CategoryRow, ProductRow, ProductVariantRow } from './entities';
import type {
  Brand,
  Category,
  ModelFields,
  Product,
  ProductVariant,
  Resolvers,
} from './generated/resolvers-types';
import { canSeeProduct } from './access';
import type { CatalogServices } from './index';
import type { CatalogLoaders } from './loaders';
import {
  depthMutation,
  depthQuery,
  productDepth,
  shopperOf,
  variantDepth,
  visibleTo,
} from './resolvers/depth';

export type Context = SubgraphContext<CatalogServices, CatalogLoaders>;

/**
 * GraphQL shapes: the schema's fields, plus the ids that child resolvers load from. The
 * `…Model` types are the mappers of codegen.yml: generated/resolvers-types.ts types every
 * resolver's parent and result with them, and ModelFields ties them to the schema (a
 * field without a resolver must be in the model, with the schema's type).
 */
export type ProductModel = ModelFields<
  Product,
  'brand' | 'category' | 'variants' | 'attributes' | 'media' | 'name' | 'description'
> & {
  /** The product's own texts; `name(locale)` and `description(locale)` may translate them. */
  name: string;
  description: string;
  brandId: string | null;
  categoryId: string | null;
};
export type VariantModel = ModelFields<
  ProductVariant,
  'product' | 'attributes' | 'media' | 'saleRestriction'
> & { productId: string };
export type CategoryModel = ModelFields<Category, 'parent' | 'children' | 'products'> & {
  parentId: string | null;
};
export type BrandModel = ModelFields<Brand>;

export function toProduct(row: ProductRow): ProductModel {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    status: row.status,
    brandId: row.brandId,
    categoryId: row.categoryId,
    minimumAge: row.minimumAge,
    deniedCountries: row.deniedCountries,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toVariant(row: ProductVariantRow): VariantModel {
  return {
    id: row.id,
    sku: row.sku,
    title: row.title,
    options: row.options,
    weightGrams: row.weightGrams,
    dimensions:
      row.lengthMm !== null && row.widthMm !== null && row.heightMm !== null
        ? { lengthMm: row.lengthMm, widthMm: row.widthMm, heightMm: row.heightMm }
        : null,
    archived: row.archivedAt !== null,
    productId: row.productId,
  };
}

function toCategory(row: CategoryRow): CategoryModel {
  return { id: row.id, name: row.name, slug: row.slug, parentId: row.parentId };
}

function toBrand(row: BrandRow): BrandModel {
  return { id: row.id, name: row.name, slug: row.slug };
}

export const catalogResolvers = {
  Query: {
    async products(_, args, ctx) {
      const page = parsePageArgs(args, 2);
      const categoryId = args.categoryId ? parseId(args.categoryId, 'categoryId') : null;
      const connection = await ctx.services.catalog.listProducts(
        page,
        { categoryId, search: args.search },
        await shopperOf(ctx, args.country),
      );
      for (const edge of connection.edges) ctx.loaders.productById.prime(edge.node.id, edge.node);
      return {
        ...connection,
        edges: connection.edges.map((e) => ({ cursor: e.cursor, node: toProduct(e.node) })),
      };
    },
    async product(_, args, ctx) {
      if (Boolean(args.id) === Boolean(args.slug))
        throw badInput('Give exactly one of id and slug');
      const row = args.id
        ? await ctx.loaders.productById.load(parseId(args.id, 'id'))
        : await ctx.services.catalog.productBySlug(args.slug!);
      // One answer for an unknown product and one this caller may not see (a draft, an
      // age-restricted or country-denied one): NOT_FOUND, so neither tells that it exists.
      const found =
        row && canSeeProduct(row, ctx.viewer) && (await visibleTo(ctx, row, args.country));
      if (!found) throw notFound('Product', args.id ?? args.slug!);
      return toProduct(row);
    },
    async variant(_, args, ctx) {
      if (Boolean(args.id) === Boolean(args.sku)) throw badInput('Give exactly one of id and sku');
      const row = args.id
        ? await ctx.loaders.variantById.load(parseId(args.id, 'id'))
        : await ctx.loaders.variantBySku.load(args.sku!);
      if (!row) return null;
      const product = await ctx.loaders.productById.load(row.productId);
      return product && canSeeProduct(product, ctx.viewer) ? toVariant(row) : null;
    },
    async categories(_, __, ctx) {
      return (await ctx.services.catalog.rootCategories()).map(toCategory);
    },
    async category(_, args, ctx) {
      return ctx.loaders.categoryById.load(parseId(args.id, 'id')).then(orNull(toCategory));
    },
    async brands(_, __, ctx) {
      return (await ctx.services.catalog.allBrands()).map(toBrand);
    },
    ...depthQuery,
  },
  Mutation: {
    productCreate(_, { input }, ctx) {
      return withUserErrors(async () => {
        checkOptionalIds(input, ['brandId', 'categoryId']);
        return { product: toProduct(await ctx.services.catalog.createProduct(input)) };
      });
    },
    productUpdate(_, args, ctx) {
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => {
        checkOptionalIds(args.input, ['brandId', 'categoryId']);
        return { product: toProduct(await ctx.services.catalog.updateProduct(id, args.input)) };
      });
    },
    productArchive(_, args, ctx) {
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => ({
        product: toProduct(await ctx.services.catalog.archiveProduct(id)),
      }));
    },
    productVariantCreate(_, args, ctx) {
      const productId = parseId(args.productId, 'productId');
      return withUserErrors(async () => ({
        variant: toVariant(await ctx.services.catalog.createVariant(productId, args.input)),
      }));
    },
    productVariantUpdate(_, args, ctx) {
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => ({
        variant: toVariant(await ctx.services.catalog.updateVariant(id, args.input)),
      }));
    },
    productVariantArchive(_, args, ctx) {
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => ({
        variant: toVariant(await ctx.services.catalog.archiveVariant(id)),
      }));
    },
    categoryCreate(_, { input }, ctx) {
      return withUserErrors(async () => {
        checkOptionalIds(input, ['parentId']);
        return { category: toCategory(await ctx.services.catalog.createCategory(input)) };
      });
    },
    brandCreate(_, { input }, ctx) {
      return withUserErrors(async () => ({
        brand: toBrand(await ctx.services.catalog.createBrand(input)),
      }));
    },
    ...depthMutation,
  },
  Product: {
    ...productDepth,
    async __resolveReference(ref, ctx) {
      if (!isUuid(ref.id)) return null;
      const row = await ctx.loaders.productById.load(ref.id);
      return row && canSeeProduct(row, ctx.viewer) ? toProduct(row) : null;
    },
    async variants(product, _, ctx) {
      return (await ctx.loaders.variantsOfProduct.load(product.id)).map(toVariant);
    },
    brand(product, _, ctx) {
      return product.brandId
        ? ctx.loaders.brandById.load(product.brandId).then(orNull(toBrand))
        : null;
    },
    category(product, _, ctx) {
      return product.categoryId
        ? ctx.loaders.categoryById.load(product.categoryId).then(orNull(toCategory))
        : null;
    },
  },
  ProductVariant: {
    ...variantDepth,
    // Variants are referenced by the carts and orders that hold them: a line keeps showing
    // its variant (and product) after the product is archived, to whoever may read the line.
    async __resolveReference(ref, ctx) {
      if ('id' in ref) {
        if (!isUuid(ref.id)) return null;
        return ctx.loaders.variantById.load(ref.id).then(orNull(toVariant));
      }
      return ctx.loaders.variantBySku.load(ref.sku).then(orNull(toVariant));
    },
    async product(variant, _, ctx) {
      // Non-null in the schema: a variant without its product is a broken invariant.
      const row = await ctx.loaders.productById.load(variant.productId);
      if (!row) throw new Error(`Product ${variant.productId} of variant ${variant.id} is missing`);
      return toProduct(row);
    },
  },
  Category: {
    async __resolveReference(ref, ctx) {
      if (!isUuid(ref.id)) return null;
      return ctx.loaders.categoryById.load(ref.id).then(orNull(toCategory));
    },
    parent(category, _, ctx) {
      return category.parentId
        ? ctx.loaders.categoryById.load(category.parentId).then(orNull(toCategory))
        : null;
    },
    async children(category, _, ctx) {
      return (await ctx.loaders.childrenOfCategory.load(category.id)).map(toCategory);
    },
    async products(category, args, ctx) {
      const connection = await ctx.services.catalog.listProducts(
        parsePageArgs(args, 2),
        { categoryId: category.id },
        await shopperOf(ctx, null),
      );
      return {
        ...connection,
        edges: connection.edges.map((e) => ({ cursor: e.cursor, node: toProduct(e.node) })),
      };
    },
  },
  Brand: {
    async __resolveReference(ref, ctx) {
      if (!isUuid(ref.id)) return null;
      return ctx.loaders.brandById.load(ref.id).then(orNull(toBrand));
    },
  },
} satisfies Resolvers;

function checkOptionalIds<T extends object>(input: T, fields: (keyof T & string)[]): void {
  for (const field of fields) {
    const value = input[field];
    if (value !== undefined && value !== null) parseId(value, field);
  }
}
