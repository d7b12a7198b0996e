import type { DataSource } from 'typeorm';
import { uuidFromName } from '../../platform/ids';
import { scaleRoundHalfUp } from '../../platform/money';

export interface SeedVariant {
  id: string;
  sku: string;
  /** The EUR (tax-inclusive) base price in cents. */
  priceAmount: number;
}

/** code, currency, tax-inclusive, base price = EUR × numerator / 100 (rounded half-up). */
const LISTS = [
  { code: 'EUR-RETAIL', currency: 'EUR', taxInclusive: true, percentOfEur: 100 },
  { code: 'USD-RETAIL', currency: 'USD', taxInclusive: false, percentOfEur: 108 },
  { code: 'GBP-RETAIL', currency: 'GBP', taxInclusive: true, percentOfEur: 86 },
] as const;

/** From this quantity on, every variant is 10 % off. */
const BULK_TIER = { minQuantity: 10, percent: 90 };

const TAX_RULES: [country: string, region: string | null, rateBasisPoints: number, name: string][] =
  [
    ['DE', null, 1900, 'Umsatzsteuer'],
    ['NL', null, 2100, 'BTW'],
    ['FR', null, 2000, 'TVA'],
    ['GB', null, 2000, 'VAT'],
    ['US', null, 0, 'No federal sales tax'],
    ['US', 'US-CA', 725, 'California sales tax'],
    ['US', 'US-NY', 400, 'New York sales tax'],
  ];

const SHIPPING_RATES: [
  country: string,
  currency: string,
  amount: number,
  freeOver: number | null,
][] = [
  ['DE', 'EUR', 495, 5000],
  ['NL', 'EUR', 495, 5000],
  ['FR', 'EUR', 495, 5000],
  ['GB', 'GBP', 495, null],
  ['US', 'USD', 795, 10000],
];

/** The single-unit price per variant and list the seed writes (what pricing announces of a price). */
export function seedBasePrices(variants: SeedVariant[]) {
  return LISTS.flatMap((list) =>
    variants.map((variant) => ({
      variantId: variant.id,
      sku: variant.sku,
      currency: list.currency,
      priceList: list.code,
      priority: 0,
      public: true,
      amount: scaleRoundHalfUp(variant.priceAmount, list.percentOfEur, 100),
    })),
  );
}

/**
 * The demo shop's prices, once: the EUR, USD and GBP lists, a base price per variant and
 * list plus a 10+ tier at 10 % off, the tax rules and the shipping rates. Bulk statements
 * (unnest), so that ~700 variants take a few milliseconds. Returns false, writing
 * nothing, when price lists already exist.
 */
export async function seedPricing(db: DataSource, variants: SeedVariant[]): Promise<boolean> {
  const [{ count }] = (await db.query(`SELECT count(*)::int AS count FROM pricing.price_list`)) as [
    { count: number },
  ];
  if (count > 0) return false;
  const lists = LISTS.map((list) => ({ ...list, id: uuidFromName(`price-list:${list.code}`) }));
  const prices = lists.flatMap((list) =>
    variants.flatMap((variant) => {
      const base = scaleRoundHalfUp(variant.priceAmount, list.percentOfEur, 100);
      return [
        { list: list.id, variant, minQuantity: 1, amount: base },
        {
          list: list.id,
          variant,
          minQuantity: BULK_TIER.minQuantity,
          amount: scaleRoundHalfUp(base, BULK_TIER.percent, 100),
        },
      ];
    }),
  );
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO pricing.price_list (id, code, currency, tax_inclusive, priority)
       SELECT id, code, currency, tax_inclusive, 0 FROM unnest($1::uuid[], $2::text[], $3::char(3)[], $4::boolean[])
         AS t(id, code, currency, tax_inclusive)`,
      [
        lists.map((l) => l.id),
        lists.map((l) => l.code),
        lists.map((l) => l.currency),
        lists.map((l) => l.taxInclusive),
      ],
    );
    await tx.query(
      `INSERT INTO pricing.price (price_list_id, variant_id, sku, amount, min_quantity)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::int[])`,
      [
        prices.map((p) => p.list),
        prices.map((p) => p.variant.id),
        prices.map((p) => p.variant.sku),
        prices.map((p) => p.amount),
        prices.map((p) => p.minQuantity),
      ],
    );
    await tx.query(
      `INSERT INTO pricing.tax_rule (country, region, rate_basis_points, name)
       SELECT * FROM unnest($1::char(2)[], $2::text[], $3::int[], $4::text[])`,
      [0, 1, 2, 3].map((i) => TAX_RULES.map((rule) => rule[i])),
    );
    await tx.query(
      `INSERT INTO pricing.shipping_rate (country, currency, amount, free_over)
       SELECT * FROM unnest($1::char(2)[], $2::char(3)[], $3::bigint[], $4::bigint[])`,
      [0, 1, 2, 3].map((i) => SHIPPING_RATES.map((rate) => rate[i])),
    );
  });
  return true;
}
