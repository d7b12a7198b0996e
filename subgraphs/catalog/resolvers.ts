import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap';
import { requirePermission } from '../kit/authorization';
import type { SubgraphContext } from '../kit/context';
import { badInput } from '../kit/errors';
import { withUserErrors } from '../kit/errors';
import { isUuid, parseId } from '../kit/ids';
import { parsePageArgs, type PageArgs } from '../kit/pagination';
import type { BrandRow, CategoryRow, ProductRow, ProductVariantRow } from './entities';
import type { CatalogLoaders } from './loaders';
import type { CatalogService } from './service';

type Context = SubgraphContext<{ catalog: CatalogService }, CatalogLoaders>;
const PERMISSION = 'catalog:write';

/** GraphQL shapes: the schema's fields, plus the ids that child resolvers load from. */
function toProduct(row: ProductRow) {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    status: row.status,
    brandId: row.brandId,
    categoryId: row.categoryId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
type Product = ReturnType<typeof toProduct>;

function toVariant(row: ProductVariantRow) {
  return {
    id: row.id,
    sku: row.sku,
    title: row.title,
    options: row.options,
    archived: row.archivedAt !== null,
    productId: row.productId,
  };
}
type Variant = ReturnType<typeof toVariant>;

function toCategory(row: CategoryRow) {
  return { id: row.id, name: row.name, slug: row.slug, parentId: row.parentId };
}
type Category = ReturnType<typeof toCategory>;

function toBrand(row: BrandRow) {
  return { id: row.id, name: row.name, slug: row.slug };
}

const orNull = <T, R>(map: (row: T) => R) => (row: T | null) => (row ? map(row) : null);

export const catalogResolvers: GraphQLResolverMap<Context> = {
  Query: {
    async products(_: unknown, args: PageArgs & { categoryId?: string | null; search?: string | null }, ctx: Context) {
      const page = parsePageArgs(args, 2);
      const categoryId = args.categoryId ? parseId(args.categoryId, 'categoryId') : null;
      const connection = await ctx.services.catalog.listProducts(page, { categoryId, search: args.search });
      for (const edge of connection.edges) ctx.loaders.productById.prime(edge.node.id, edge.node);
      return { ...connection, edges: connection.edges.map((e) => ({ cursor: e.cursor, node: toProduct(e.node) })) };
    },
    async product(_: unknown, args: { id?: string | null; slug?: string | null }, ctx: Context) {
      if (Boolean(args.id) === Boolean(args.slug)) throw badInput('Give exactly one of id and slug');
      if (args.id) return ctx.loaders.productById.load(parseId(args.id, 'id')).then(orNull(toProduct));
      return ctx.services.catalog.productBySlug(args.slug!).then(orNull(toProduct));
    },
    async variant(_: unknown, args: { id?: string | null; sku?: string | null }, ctx: Context) {
      if (Boolean(args.id) === Boolean(args.sku)) throw badInput('Give exactly one of id and sku');
      const row = args.id
        ? await ctx.loaders.variantById.load(parseId(args.id, 'id'))
        : await ctx.loaders.variantBySku.load(args.sku!);
      return row ? toVariant(row) : null;
    },
    async categories(_: unknown, __: unknown, ctx: Context) {
      return (await ctx.services.catalog.rootCategories()).map(toCategory);
    },
    async category(_: unknown, args: { id: string }, ctx: Context) {
      return ctx.loaders.categoryById.load(parseId(args.id, 'id')).then(orNull(toCategory));
    },
    async brands(_: unknown, __: unknown, ctx: Context) {
      return (await ctx.services.catalog.allBrands()).map(toBrand);
    },
  },
  Mutation: {
    productCreate(_: unknown, { input }: { input: Parameters<CatalogService['createProduct']>[0] }, ctx: Context) {
      requirePermission(ctx.viewer, PERMISSION);
      return withUserErrors(async () => {
        checkOptionalIds(input, ['brandId', 'categoryId']);
        return { product: toProduct(await ctx.services.catalog.createProduct(input)) };
      });
    },
    productUpdate(_: unknown, args: { id: string; input: Parameters<CatalogService['updateProduct']>[1] }, ctx: Context) {
      requirePermission(ctx.viewer, PERMISSION);
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => {
        checkOptionalIds(args.input, ['brandId', 'categoryId']);
        return { product: toProduct(await ctx.services.catalog.updateProduct(id, args.input)) };
      });
    },
    productArchive(_: unknown, args: { id: string }, ctx: Context) {
      requirePermission(ctx.viewer, PERMISSION);
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => ({ product: toProduct(await ctx.services.catalog.archiveProduct(id)) }));
    },
    productVariantCreate(_: unknown, args: { productId: string; input: Parameters<CatalogService['createVariant']>[1] }, ctx: Context) {
      requirePermission(ctx.viewer, PERMISSION);
      const productId = parseId(args.productId, 'productId');
      return withUserErrors(async () => ({
        variant: toVariant(await ctx.services.catalog.createVariant(productId, args.input)),
      }));
    },
    productVariantUpdate(_: unknown, args: { id: string; input: Parameters<CatalogService['updateVariant']>[1] }, ctx: Context) {
      requirePermission(ctx.viewer, PERMISSION);
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => ({ variant: toVariant(await ctx.services.catalog.updateVariant(id, args.input)) }));
    },
    productVariantArchive(_: unknown, args: { id: string }, ctx: Context) {
      requirePermission(ctx.viewer, PERMISSION);
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => ({ variant: toVariant(await ctx.services.catalog.archiveVariant(id)) }));
    },
    categoryCreate(_: unknown, { input }: { input: Parameters<CatalogService['createCategory']>[0] }, ctx: Context) {
      requirePermission(ctx.viewer, PERMISSION);
      return withUserErrors(async () => {
        checkOptionalIds(input, ['parentId']);
        return { category: toCategory(await ctx.services.catalog.createCategory(input)) };
      });
    },
    brandCreate(_: unknown, { input }: { input: Parameters<CatalogService['createBrand']>[0] }, ctx: Context) {
      requirePermission(ctx.viewer, PERMISSION);
      return withUserErrors(async () => ({ brand: toBrand(await ctx.services.catalog.createBrand(input)) }));
    },
  },
  Product: {
    async __resolveReference(ref: { id: string }, ctx: Context) {
      if (!isUuid(ref.id)) return null;
      return ctx.loaders.productById.load(ref.id).then(orNull(toProduct));
    },
    async variants(product: Product, _: unknown, ctx: Context) {
      return (await ctx.loaders.variantsOfProduct.load(product.id)).map(toVariant);
    },
    brand(product: Product, _: unknown, ctx: Context) {
      return product.brandId ? ctx.loaders.brandById.load(product.brandId).then(orNull(toBrand)) : null;
    },
    category(product: Product, _: unknown, ctx: Context) {
      return product.categoryId ? ctx.loaders.categoryById.load(product.categoryId).then(orNull(toCategory)) : null;
    },
  },
  ProductVariant: {
    async __resolveReference(ref: { id?: string; sku?: string }, ctx: Context) {
      if (ref.id !== undefined) {
        if (!isUuid(ref.id)) return null;
        return ctx.loaders.variantById.load(ref.id).then(orNull(toVariant));
      }
      return ctx.loaders.variantBySku.load(ref.sku!).then(orNull(toVariant));
    },
    async product(variant: Variant, _: unknown, ctx: Context) {
      return ctx.loaders.productById.load(variant.productId).then(orNull(toProduct));
    },
  },
  Category: {
    async __resolveReference(ref: { id: string }, ctx: Context) {
      if (!isUuid(ref.id)) return null;
      return ctx.loaders.categoryById.load(ref.id).then(orNull(toCategory));
    },
    parent(category: Category, _: unknown, ctx: Context) {
      return category.parentId ? ctx.loaders.categoryById.load(category.parentId).then(orNull(toCategory)) : null;
    },
    async children(category: Category, _: unknown, ctx: Context) {
      return (await ctx.loaders.childrenOfCategory.load(category.id)).map(toCategory);
    },
    async products(category: Category, args: PageArgs, ctx: Context) {
      const connection = await ctx.services.catalog.listProducts(parsePageArgs(args, 2), { categoryId: category.id });
      return { ...connection, edges: connection.edges.map((e) => ({ cursor: e.cursor, node: toProduct(e.node) })) };
    },
  },
  Brand: {
    async __resolveReference(ref: { id: string }, ctx: Context) {
      if (!isUuid(ref.id)) return null;
      return ctx.loaders.brandById.load(ref.id).then(orNull(toBrand));
    },
  },
};

function checkOptionalIds<T extends object>(input: T, fields: (keyof T & string)[]): void {
  for (const field of fields) {
    const value = input[field];
    if (value !== undefined && value !== null) parseId(value, field);
  }
}
