import type { DataSource } from 'typeorm';
import type { CatalogDirectory } from './directories';
import { PriceLists } from './domain/price-lists';
import { Prices } from './domain/prices';
import { Quotes } from './domain/quotes';
import { TaxAndShipping } from './domain/tax-and-shipping';

export type { PriceListInput } from './domain/price-lists';
export type { ListedPrice, PriceSetInput } from './domain/prices';
export type { PriceQuoteInput } from './domain/quotes';
export type { ShippingRateInput, TaxRuleInput } from './domain/tax-and-shipping';

/**
 * Pricing's entry point: price lists, the price history of variants, tax rules, interim
 * shipping rates and quotes, each a use case of domain/. Which price applies is decided
 * in price-rules.ts, the arithmetic of a quote in quote.ts and rounding.ts.
 */
export class PricingService {
  readonly lists: PriceLists;
  readonly prices: Prices;
  readonly taxes: TaxAndShipping;
  readonly quotes: Quotes;

  constructor(db: DataSource, catalog: CatalogDirectory) {
    this.lists = new PriceLists(db);
    this.prices = new Prices(db, this.lists, catalog);
    this.taxes = new TaxAndShipping(db, this.lists);
    this.quotes = new Quotes(this.lists, this.prices, this.taxes);
  }
}
