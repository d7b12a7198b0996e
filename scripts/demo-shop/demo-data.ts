import { uuidFromName } from '../../platform/ids';
import type { CatalogSeed } from '../../subgraphs/catalog/seed';

/**
 * A deterministic demo shop: the same products, SKUs and stock on every machine, so that
 * the README's example queries show what a reader sees. Ids are derived from names, so
 * each subgraph can seed its own part independently and idempotently.
 */
type CatalogProduct = CatalogSeed['products'][number];
type CatalogVariant = CatalogProduct['variants'][number];

export type DemoCategory = CatalogSeed['categories'][number];
export type DemoBrand = CatalogSeed['brands'][number];
export interface DemoVariant extends CatalogVariant {
  priceAmount: number;
  /** Units per warehouse code. */
  stock: Record<string, number>;
}
export interface DemoProduct extends Omit<CatalogProduct, 'variants'> {
  variants: DemoVariant[];
}
export interface DemoWarehouse {
  id: string;
  code: string;
  name: string;
  countryCode: string;
  /** ISO 3166-2 region after the country, as location normalises it. */
  regionCode: string;
  /** Where labels are sent from. */
  address: { line1: string; line2: null; city: string; postalCode: string };
}

export const demoWarehouses: DemoWarehouse[] = [
  {
    code: 'BER-1',
    name: 'Berlin fulfilment centre',
    countryCode: 'DE',
    regionCode: 'BE',
    address: { line1: 'Lagerstraße 1', line2: null, city: 'Berlin', postalCode: '12099' },
  },
  {
    code: 'AMS-1',
    name: 'Amsterdam fulfilment centre',
    countryCode: 'NL',
    regionCode: 'NH',
    address: { line1: 'Havenweg 10', line2: null, city: 'Amsterdam', postalCode: '1013 AA' },
  },
].map((w) => ({ ...w, id: uuidFromName(`warehouse:${w.code}`) }));

interface Kind {
  noun: string;
  prefix: string;
  basePrice: number;
  options: { name: string; values: string[] }[];
}

/** Shipping weight (grams) and box (mm) of each kind, so weight bands price demo carts. */
const PARCEL_OF: Record<string, { weightGrams: number; dimensions: [number, number, number] }> = {
  TSH: { weightGrams: 180, dimensions: [300, 250, 20] },
  HOD: { weightGrams: 600, dimensions: [350, 300, 60] },
  JKT: { weightGrams: 1200, dimensions: [450, 350, 100] },
  SNK: { weightGrams: 900, dimensions: [330, 210, 120] },
  BOT: { weightGrams: 1600, dimensions: [360, 260, 140] },
  MUG: { weightGrams: 350, dimensions: [120, 120, 110] },
  DUV: { weightGrams: 1300, dimensions: [400, 300, 80] },
  AUD: { weightGrams: 320, dimensions: [220, 200, 90] },
  CHG: { weightGrams: 150, dimensions: [100, 80, 40] },
};

const TREE: { name: string; children: { name: string; kinds: Kind[] }[] }[] = [
  {
    name: 'Apparel',
    children: [
      {
        name: 'T-Shirts',
        kinds: [
          {
            noun: 'T-Shirt',
            prefix: 'TSH',
            basePrice: 1900,
            options: [{ name: 'Size', values: ['S', 'M', 'L', 'XL'] }],
          },
        ],
      },
      {
        name: 'Hoodies',
        kinds: [
          {
            noun: 'Hoodie',
            prefix: 'HOD',
            basePrice: 5900,
            options: [{ name: 'Size', values: ['S', 'M', 'L'] }],
          },
        ],
      },
      {
        name: 'Jackets',
        kinds: [
          {
            noun: 'Jacket',
            prefix: 'JKT',
            basePrice: 12900,
            options: [{ name: 'Size', values: ['M', 'L'] }],
          },
        ],
      },
    ],
  },
  {
    name: 'Footwear',
    children: [
      {
        name: 'Sneakers',
        kinds: [
          {
            noun: 'Sneaker',
            prefix: 'SNK',
            basePrice: 8900,
            options: [{ name: 'Size', values: ['40', '42', '44'] }],
          },
        ],
      },
      {
        name: 'Boots',
        kinds: [
          {
            noun: 'Boot',
            prefix: 'BOT',
            basePrice: 14900,
            options: [{ name: 'Size', values: ['41', '43'] }],
          },
        ],
      },
    ],
  },
  {
    name: 'Home',
    children: [
      {
        name: 'Kitchen',
        kinds: [
          {
            noun: 'Mug',
            prefix: 'MUG',
            basePrice: 1200,
            options: [{ name: 'Color', values: ['White', 'Black'] }],
          },
        ],
      },
      {
        name: 'Bedding',
        kinds: [
          {
            noun: 'Duvet Cover',
            prefix: 'DUV',
            basePrice: 6900,
            options: [{ name: 'Size', values: ['Single', 'Double'] }],
          },
        ],
      },
    ],
  },
  {
    name: 'Electronics',
    children: [
      {
        name: 'Audio',
        kinds: [{ noun: 'Headphones', prefix: 'AUD', basePrice: 9900, options: [] }],
      },
      {
        name: 'Accessories',
        kinds: [
          {
            noun: 'Charger',
            prefix: 'CHG',
            basePrice: 2900,
            options: [{ name: 'Plug', values: ['EU', 'UK'] }],
          },
        ],
      },
    ],
  },
];

const ADJECTIVES = [
  'Classic',
  'Urban',
  'Alpine',
  'Coastal',
  'Everyday',
  'Vintage',
  'Studio',
  'Trail',
  'Nordic',
  'Sunset',
  'Midnight',
  'Harbor',
  'Summit',
  'Meadow',
];
const MATERIALS = ['Cotton', 'Linen', 'Wool', 'Canvas', 'Recycled', 'Organic', 'Merino', 'Denim'];
const BRANDS = [
  'Northwind',
  'Fjord & Co',
  'Lumen',
  'Kestrel',
  'Oakline',
  'Tidewater',
  'Brightside',
  'Ironbark',
];
const PRODUCTS_PER_KIND = 34;

/** A small deterministic PRNG (mulberry32), so the shop looks the same everywhere. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Most variants are well stocked; about one in eight is sold out and one in six runs low. */
function stockLevels(next: () => number): Record<string, number> {
  const roll = next();
  const [berlin, amsterdam] = demoWarehouses.map((w) => w.code) as [string, string];
  if (roll < 0.12) return { [berlin]: 0, [amsterdam]: 0 };
  if (roll < 0.3)
    return { [berlin]: Math.floor(next() * 12) + 1, [amsterdam]: Math.floor(next() * 6) };
  return { [berlin]: 20 + Math.floor(next() * 180), [amsterdam]: Math.floor(next() * 120) };
}

export function buildDemoShop() {
  const next = random(20261125);
  const categories: DemoCategory[] = [];
  const products: DemoProduct[] = [];
  const brands: DemoBrand[] = BRANDS.map((name) => ({
    id: uuidFromName(`brand:${name}`),
    name,
    slug: slug(name),
  }));
  const usedNames = new Set<string>();

  TREE.forEach((root, rootIndex) => {
    const rootId = uuidFromName(`category:${root.name}`);
    categories.push({
      id: rootId,
      name: root.name,
      slug: slug(root.name),
      parentId: null,
      position: rootIndex,
    });
    root.children.forEach((child, childIndex) => {
      const categoryId = uuidFromName(`category:${root.name}/${child.name}`);
      categories.push({
        id: categoryId,
        name: child.name,
        slug: slug(child.name),
        parentId: rootId,
        position: childIndex,
      });
      for (const kind of child.kinds) {
        for (let i = 0; i < PRODUCTS_PER_KIND; i++) {
          let name: string;
          do {
            name = `${ADJECTIVES[Math.floor(next() * ADJECTIVES.length)]} ${MATERIALS[Math.floor(next() * MATERIALS.length)]} ${kind.noun}`;
          } while (
            usedNames.has(name) &&
            usedNames.size < ADJECTIVES.length * MATERIALS.length * 20
          );
          if (usedNames.has(name)) name = `${name} ${i + 1}`;
          usedNames.add(name);
          const productSlug = slug(name);
          const brand = brands[Math.floor(next() * brands.length)]!;
          const price = kind.basePrice + Math.floor(next() * 8) * 500;
          const number = String(i + 1).padStart(3, '0');
          const combos =
            kind.options.length === 0
              ? [[]]
              : kind.options[0]!.values.map((value) => [{ name: kind.options[0]!.name, value }]);
          products.push({
            id: uuidFromName(`product:${productSlug}`),
            slug: productSlug,
            name,
            description: `The ${name} by ${brand.name}: made to last, from ${name.split(' ')[1]!.toLowerCase()} materials.`,
            categoryId,
            brandId: brand.id,
            variants: combos.map((options) => {
              const suffix = options.map((o) => slug(o.value).toUpperCase()).join('-');
              const sku = [kind.prefix, number, suffix].filter(Boolean).join('-');
              const parcel = PARCEL_OF[kind.prefix]!;
              const [lengthMm, widthMm, heightMm] = parcel.dimensions;
              return {
                id: uuidFromName(`variant:${sku}`),
                sku,
                title: options.map((o) => o.value).join(' / ') || 'Default',
                options,
                weightGrams: parcel.weightGrams,
                dimensions: { lengthMm, widthMm, heightMm },
                priceAmount: price,
                stock: stockLevels(next),
              };
            }),
          });
        }
      }
    });
  });
  return { categories, brands, products, warehouses: demoWarehouses };
}

export type DemoShop = ReturnType<typeof buildDemoShop>;
