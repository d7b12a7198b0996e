import { requireService } from '../../platform/authorization';
import type { SubgraphContext } from '../../platform/context';
import { badInput, withUserErrors } from '../../platform/errors';
import { isUuid, parseId } from '../../platform/ids';
import type { Money } from '../../platform/money';
import type { CurrencyRow, PriceListRow, ShippingRateRow, TaxRuleRow } from './entities';
import type { ModelFields, Product, ProductVariant, Resolvers } from './generated/resolvers-types';
import type { PricingLoaders } from './loaders';
import { effectivePrice, priceTiers } from './price-rules';
import type { ListedPrice, PricingService } from './service';

export type Context = SubgraphContext<{ pricing: PricingService }, PricingLoaders>;

/** GraphQL shapes: the schema's fields. */
function toCurrency(row: CurrencyRow) {
  return { code: row.code, name: row.name, minorUnits: row.minorUnits };
}

function toPriceList(row: PriceListRow) {
  return {
    id: row.id,
    code: row.code,
    currency: row.currency,
    taxInclusive: row.taxInclusive,
    priority: row.priority,
    public: row.public,
  };
}

function toPriceRecord(price: ListedPrice) {
  return {
    id: price.id,
    priceList: price.listCode,
    amount: { amount: price.amount, currency: price.currency },
    minQuantity: price.minQuantity,
    validFrom: price.validFrom.toISOString(),
    validTo: price.validTo?.toISOString() ?? null,
    scheduled: price.scheduled,
    createdAt: price.createdAt.toISOString(),
  };
}

function toTaxRule(row: TaxRuleRow) {
  return {
    id: row.id,
    country: row.country,
    region: row.region,
    rateBasisPoints: row.rateBasisPoints,
    name: row.name,
  };
}

function toShippingRate(row: ShippingRateRow) {
  return {
    id: row.id,
    country: row.country,
    amount: { amount: row.amount, currency: row.currency },
    freeOver: row.freeOver === null ? null : { amount: row.freeOver, currency: row.currency },
  };
}

/**
 * The fields pricing adds to catalog's entities; `variants { id }` comes from the router.
 * These are the mappers of codegen.yml for the generated resolver types.
 */
export type VariantModel = ModelFields<ProductVariant, 'price' | 'priceTiers' | 'priceHistory'>;
export type ProductModel = ModelFields<Product, 'priceRange' | 'variants'> & {
  variants: VariantModel[];
};

const currencyArg = (currency: string) => currency.trim().toUpperCase();

function unitPrice(prices: ListedPrice[], currency: string, quantity: number): Money | null {
  const price = effectivePrice(prices, currency, quantity, new Date());
  return price ? { amount: price.amount, currency } : null;
}

export const pricingResolvers = {
  Query: {
    async currencies(_, __, ctx) {
      return (await ctx.services.pricing.lists.allCurrencies()).map(toCurrency);
    },
    async priceLists(_, __, ctx) {
      return (await ctx.services.pricing.lists.allPriceLists()).map(toPriceList);
    },
    async taxRules(_, args, ctx) {
      return (await ctx.services.pricing.taxes.listTaxRules(args.country)).map(toTaxRule);
    },
    async shippingRates(_, args, ctx) {
      return (await ctx.services.pricing.taxes.listShippingRates(args.country)).map(toShippingRate);
    },
  },
  Mutation: {
    priceListCreate(_, { input }, ctx) {
      return withUserErrors(async () => ({
        priceList: toPriceList(await ctx.services.pricing.lists.createPriceList(input)),
      }));
    },
    priceSet(_, { input }, ctx) {
      const variantId = parseId(input.variantId, 'variantId');
      return withUserErrors(async () => ({
        price: toPriceRecord(await ctx.services.pricing.prices.setPrice({ ...input, variantId })),
      }));
    },
    taxRuleSet(_, { input }, ctx) {
      return withUserErrors(async () => ({
        taxRule: toTaxRule(await ctx.services.pricing.taxes.setTaxRule(input)),
      }));
    },
    shippingRateSet(_, { input }, ctx) {
      return withUserErrors(async () => ({
        shippingRate: toShippingRate(await ctx.services.pricing.taxes.setShippingRate(input)),
      }));
    },
    priceQuote(_, { input }, ctx) {
      requireService(ctx.viewer);
      const lines = input.lines.map((line, index) => ({
        ...line,
        variantId: parseId(line.variantId, `lines.${index}.variantId`),
      }));
      return withUserErrors(async () => ({
        quote: await ctx.services.pricing.quotes.quote({ ...input, lines }),
      }));
    },
  },
  ProductVariant: {
    __resolveReference(ref: { id?: unknown }) {
      // Any variant id can be asked for; one without prices has price null and empty lists.
      return isUuid(ref.id) ? { id: ref.id.toLowerCase() } : null;
    },
    async price(variant, args, ctx) {
      const quantity = args.quantity ?? 1;
      if (!Number.isSafeInteger(quantity) || quantity < 1)
        throw badInput('quantity must be at least 1', 'quantity');
      return unitPrice(
        await ctx.loaders.livePricesOfVariant.load(variant.id),
        currencyArg(args.currency),
        quantity,
      );
    },
    async priceTiers(variant, args, ctx) {
      const currency = currencyArg(args.currency);
      const prices = await ctx.loaders.livePricesOfVariant.load(variant.id);
      return priceTiers(prices, currency, new Date()).map(({ minQuantity, row }) => ({
        minQuantity,
        price: { amount: row.amount, currency },
        validTo: row.scheduled ? row.validTo!.toISOString() : null,
      }));
    },
    async priceHistory(variant, args, ctx) {
      const currency = currencyArg(args.currency);
      const prices = await ctx.loaders.priceHistoryOfVariant.load(variant.id);
      return prices.filter((p) => p.currency === currency).map(toPriceRecord);
    },
  },
  Product: {
    __resolveReference(ref: { id: unknown; variants?: { id?: unknown }[] | null }) {
      if (!isUuid(ref.id)) return null;
      const variants = (ref.variants ?? [])
        .filter((v) => isUuid(v?.id))
        .map((v) => ({ id: (v.id as string).toLowerCase() }));
      return { id: ref.id, variants };
    },
    async priceRange(product, args, ctx) {
      const currency = currencyArg(args.currency);
      const ids = [...new Set((product.variants ?? []).map((v) => v.id))];
      const perVariant = await Promise.all(
        ids.map((id) => ctx.loaders.livePricesOfVariant.load(id)),
      );
      const amounts = perVariant
        .map((prices) => unitPrice(prices, currency, 1)?.amount)
        .filter((amount): amount is number => amount !== undefined);
      if (amounts.length === 0) return null;
      return {
        min: { amount: Math.min(...amounts), currency },
        max: { amount: Math.max(...amounts), currency },
      };
    },
  },
} satisfies Resolvers;
