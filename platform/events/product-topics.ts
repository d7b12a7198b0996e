/**
 * What catalog, pricing, inventory and reviews announce about products, for
 * domains that keep a view of the catalog of their own: search indexes from these alone.
 * Each is recorded in the transaction of the change (platform/outbox.ts).
 */

/** Catalog, whenever a product or one of its variants changes: the whole product as it is now. */
export const PRODUCT_CHANGED_TOPIC = 'catalog.product.changed';

export interface ProductChangedEvent {
  productId: string;
  /**
   * Grows with every change of the product (microseconds of the database clock, the
   * product's row locked): a consumer keeps the highest it saw and drops older snapshots.
   */
  version: string;
  /** true when the product no longer exists (catalog archives; a delete would say so). */
  removed?: boolean;
  name: string;
  description: string;
  status: string;
  /** BCP 47 language of the texts, e.g. en (catalog's default until translations exist). */
  locale: string;
  brand: { id: string; name: string } | null;
  /** From the root down to the product's own category. */
  categories: { id: string; name: string; parentId: string | null }[];
  /** Sellable (not archived) variants. */
  variants: {
    id: string;
    sku: string;
    title: string;
    options: { name: string; value: string }[];
  }[];
  createdAt: string;
  /** Filterable or facetable attributes (product's and variants' values together). */
  attributes?: { code: string; name: string; values: string[] }[];
  /** Visibility rules: shoppers younger than this, or from these countries, neither find nor buy it. */
  minimumAge?: number | null;
  deniedCountries?: string[];
  eventId?: string;
}

/** Catalog, when an age verification provider confirmed a customer's birth date. */
export const CUSTOMER_AGE_VERIFIED_TOPIC = 'catalog.customer.age.verified';

export interface CustomerAgeVerifiedEvent {
  customerId: string;
  /** YYYY-MM-DD. */
  birthDate: string;
  eventId?: string;
}

/** Pricing, when the open-ended single-unit price of a variant in a list changes. */
export const PRICE_CHANGED_TOPIC = 'pricing.price.changed';

export interface PriceChangedEvent {
  variantId: string;
  sku: string;
  currency: string;
  priceList: string;
  /** Lists of one currency are tried by priority (highest first), as checkout does. */
  priority: number;
  public: boolean;
  /** Integer minor units. */
  amount: number;
  eventId?: string;
}

/** Inventory, whenever an item's on-hand or reserved quantity changes (any SKU, any warehouse). */
export const STOCK_CHANGED_TOPIC = 'inventory.stock.changed';

export interface StockChangedEvent {
  sku: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
  eventId?: string;
}

/** Reviews, when a product's rating changes (a review published or withdrawn): search's rating facet and sort. */
export const RATING_CHANGED_TOPIC = 'reviews.product.rating.changed';

export interface RatingChangedEvent {
  productId: string;
  /** 0-5. */
  average: number;
  count: number;
  eventId?: string;
}
