import { hasPermission } from '../../../platform/authorization';
import { forbidden, withUserErrors } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import { CATALOG_STAFF } from '../access';
import type { AttributeValueView } from '../domain/attributes';
import { pickTranslation } from '../domain/translations';
import { checkCountryCode, saleRestriction, type Shopper } from '../domain/visibility';
import type { AttributeRow, ProductMediaRow, ProductRow } from '../entities';
import type {
  AttributeDefinition,
  AttributeValue,
  MutationResolvers,
  ProductMedia,
  ProductResolvers,
  ProductVariantResolvers,
  QueryResolvers,
} from '../generated/resolvers-types';
import { toProduct, type Context } from '../resolvers';

/** Attributes, media, visibility rules, age verification and the CSV import. */
function toDefinition(row: AttributeRow): AttributeDefinition {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    type: row.type,
    unit: row.unit,
    choices: row.choices,
    filterable: row.filterable,
    facetable: row.facetable,
    visibleOnPage: row.visibleOnPage,
  };
}

function toValues(values: AttributeValueView[], variantId: string | null): AttributeValue[] {
  return values
    .filter((v) => v.variantId === variantId && v.attribute.visibleOnPage)
    .map((v) => ({ attribute: toDefinition(v.attribute), values: v.values }));
}

function toMedia(row: ProductMediaRow): ProductMedia {
  return {
    id: row.id,
    kind: row.kind,
    url: row.url,
    alt: row.alt,
    position: row.position,
    width: row.width,
    height: row.height,
    variantId: row.variantId,
  };
}

/**
 * Whom the visibility rules are checked for: staff who write the catalog see everything
 * (null); anyone else is a shopper of the named country and, for a signed-in customer,
 * the age catalog verified.
 */
export async function shopperOf(
  ctx: Context,
  country: string | null | undefined,
): Promise<Shopper | null> {
  if (hasPermission(ctx.viewer, CATALOG_STAFF)) return null;
  const code = country == null ? null : checkCountryCode(country, ['country']);
  const customerId = ctx.viewer.kind === 'customer' ? ctx.viewer.customerId : null;
  return { country: code, age: await ctx.services.ages.ageOf(customerId) };
}

export async function visibleTo(
  ctx: Context,
  row: ProductRow,
  country: string | null | undefined,
): Promise<boolean> {
  const shopper = await shopperOf(ctx, country);
  return shopper === null || saleRestriction(row, shopper) === null;
}

export const depthQuery: Pick<QueryResolvers, 'attributeDefinitions'> = {
  async attributeDefinitions(_, __, ctx) {
    return (await ctx.services.attributes.list()).map(toDefinition);
  },
};

export const depthMutation: Pick<
  MutationResolvers,
  | 'attributeDefinitionCreate'
  | 'productAttributesSet'
  | 'productMediaAdd'
  | 'productMediaRemove'
  | 'productImport'
  | 'customerAgeVerify'
  | 'productTranslationSet'
> = {
  productTranslationSet(_, args, ctx) {
    const productId = parseId(args.productId, 'productId');
    return withUserErrors(async () => {
      const row = await ctx.services.translations.set(productId, args.locale, args.input);
      return {
        translation: { locale: row.locale, name: row.name, description: row.description },
      };
    });
  },
  attributeDefinitionCreate(_, { input }, ctx) {
    return withUserErrors(async () => ({
      attributeDefinition: toDefinition(await ctx.services.attributes.define(input)),
    }));
  },
  productAttributesSet(_, args, ctx) {
    const productId = parseId(args.productId, 'productId');
    const variantId = args.variantId ? parseId(args.variantId, 'variantId') : null;
    return withUserErrors(async () => {
      await ctx.services.attributes.set(productId, variantId, args.values);
      const row = await ctx.services.catalog.productsByIds([productId]);
      return { product: row[0] ? toProduct(row[0]) : null };
    });
  },
  productMediaAdd(_, args, ctx) {
    const productId = parseId(args.productId, 'productId');
    const variantId = args.input.variantId ? parseId(args.input.variantId, 'variantId') : null;
    return withUserErrors(async () => ({
      media: toMedia(await ctx.services.media.add(productId, { ...args.input, variantId })),
    }));
  },
  productMediaRemove(_, args, ctx) {
    const id = parseId(args.id, 'id');
    return withUserErrors(async () => ({ media: toMedia(await ctx.services.media.remove(id)) }));
  },
  async productImport(_, args, ctx) {
    const report = await ctx.services.imports.importCsv(args.csv);
    return { ...report, userErrors: report.userErrors };
  },
  customerAgeVerify(_, args, ctx) {
    return withUserErrors(async () => {
      const claim = await ctx.services.ages.verify(ctx.viewer, args.token);
      const age = await ctx.services.ages.ageOf(claim.customerId);
      return { adult: age !== null && age >= 18, verifiedAt: claim.verifiedAt.toISOString() };
    });
  },
};

export const productDepth: Pick<ProductResolvers, 'attributes' | 'media' | 'name' | 'description'> =
  {
    async name(product, args, ctx) {
      if (!args.locale) return product.name;
      const translations = await ctx.loaders.translationsOfProduct.load(product.id);
      return pickTranslation(translations, args.locale)?.name ?? product.name;
    },
    async description(product, args, ctx) {
      if (!args.locale) return product.description;
      const translations = await ctx.loaders.translationsOfProduct.load(product.id);
      const translation = pickTranslation(translations, args.locale);
      return translation ? translation.description : product.description;
    },
    async attributes(product, _, ctx) {
      return toValues(await ctx.loaders.attributeValuesOfProduct.load(product.id), null);
    },
    async media(product, _, ctx) {
      return (await ctx.loaders.mediaOfProduct.load(product.id)).map(toMedia);
    },
  };

export const variantDepth: Pick<
  ProductVariantResolvers,
  'attributes' | 'media' | 'saleRestriction'
> = {
  async attributes(variant, _, ctx) {
    return toValues(await ctx.loaders.attributeValuesOfProduct.load(variant.productId), variant.id);
  },
  async media(variant, _, ctx) {
    return (await ctx.loaders.mediaOfProduct.load(variant.productId))
      .filter((m) => m.variantId === variant.id)
      .map(toMedia);
  },
  /**
   * Carts ask this as the orders service for the cart's customer; a customer asks it for
   * themself. Naming another customer is for platform services and staff only.
   */
  async saleRestriction(variant, args, ctx) {
    const viewer = ctx.viewer;
    let customerId: string | null = viewer.kind === 'customer' ? viewer.customerId : null;
    if (args.customerId) {
      const mayName =
        viewer.kind === 'service' ||
        viewer.kind === 'staff' ||
        (viewer.kind === 'customer' && viewer.customerId === args.customerId);
      if (!mayName) throw forbidden('Only platform services name another customer');
      customerId = args.customerId;
    }
    const product = await ctx.loaders.productById.load(variant.productId);
    if (!product) return null;
    const country = args.country ? checkCountryCode(args.country, ['country']) : null;
    return saleRestriction(product, { country, age: await ctx.services.ages.ageOf(customerId) });
  },
};
