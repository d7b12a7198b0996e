import type { DataSource, EntityManager } from 'typeorm';
import type { EventHandler } from '../../platform/events/consume';
import type { Viewer } from '../../platform/identity';
import {
  CUSTOMER_AGE_VERIFIED_TOPIC,
  type CustomerAgeVerifiedEvent,
  PRICE_CHANGED_TOPIC,
  PRODUCT_CHANGED_TOPIC,
  RATING_CHANGED_TOPIC,
  STOCK_CHANGED_TOPIC,
  type PriceChangedEvent,
  type ProductChangedEvent,
  type RatingChangedEvent,
  type StockChangedEvent,
} from '../../platform/events/product-topics';
import type { SearchConfig } from './config';
import type { SearchEngine, SearchPage, Shopper, Suggestion } from './domain/engine';
import { parseCountry, parseSearchArgs, queryTerms, type SearchArgs } from './domain/request';
import { SearchSources } from './domain/sources';

/**
 * Search's entry point: events in (each applied to the sources and the touched products
 * indexed again, in the event's inbox transaction), searches and suggestions out.
 */
export class SearchService {
  readonly sources: SearchSources;

  constructor(
    private readonly db: DataSource,
    readonly engine: SearchEngine,
    private readonly config: SearchConfig,
  ) {
    this.sources = new SearchSources(db);
  }

  async search(args: SearchArgs, viewer: Viewer): Promise<SearchPage> {
    const request = parseSearchArgs(args, this.config.SEARCH_DEFAULT_LOCALE);
    return this.engine.search({ ...request, shopper: await this.shopper(viewer, args.country) });
  }

  /**
   * Who searches, for the visibility rules: the country the storefront names, and the
   * customer's age from the birth date catalog verified (nobody else has a known age).
   */
  async shopper(viewer: Viewer, country: string | null | undefined): Promise<Shopper> {
    const shopper: Shopper = { country: parseCountry(country), age: null };
    if (viewer.kind !== 'customer') return shopper;
    const rows: { age: number }[] = await this.db.query(
      `SELECT extract(year FROM age(current_date, birth_date))::int AS age
         FROM search.customer_age WHERE customer_id = $1`,
      [viewer.customerId],
    );
    return { ...shopper, age: rows[0]?.age ?? null };
  }

  /** Where a page starts, from its `after` cursor (already checked by search()). */
  offsetOf(after: string | null | undefined): number {
    return parseSearchArgs({ after }, this.config.SEARCH_DEFAULT_LOCALE).offset;
  }

  async suggest(
    args: { prefix: string; first?: number | null; country?: string | null },
    viewer: Viewer,
  ): Promise<Suggestion[]> {
    const limit = Math.min(Math.max(args.first ?? this.config.SEARCH_SUGGEST_LIMIT, 1), 20);
    const terms = queryTerms(args.prefix, ['prefix']).slice(0, 5);
    return this.engine.suggest(terms, limit, await this.shopper(viewer, args.country));
  }

  async reindex(): Promise<{ documents: number; tookMs: number }> {
    const started = Date.now();
    const { documents } = await this.engine.rebuild(this.sources.rebuildSource());
    return { documents, tookMs: Date.now() - started };
  }

  consumers(): EventHandler<never>[] {
    const handlers: [
      EventHandler<ProductChangedEvent>,
      EventHandler<PriceChangedEvent>,
      EventHandler<StockChangedEvent>,
      EventHandler<RatingChangedEvent>,
      EventHandler<CustomerAgeVerifiedEvent>,
    ] = [
      {
        topic: PRODUCT_CHANGED_TOPIC,
        handle: async (tx, e) =>
          this.reindexIn(tx, await this.guarded(tx, () => this.sources.applyProduct(tx, e))),
      },
      {
        topic: PRICE_CHANGED_TOPIC,
        handle: async (tx, e) =>
          this.reindexIn(tx, await this.guarded(tx, () => this.sources.applyPrice(tx, e))),
      },
      {
        topic: STOCK_CHANGED_TOPIC,
        handle: async (tx, e) =>
          this.reindexIn(tx, await this.guarded(tx, () => this.sources.applyStock(tx, e))),
      },
      {
        topic: RATING_CHANGED_TOPIC,
        handle: async (tx, e) =>
          this.reindexIn(tx, await this.guarded(tx, () => this.sources.applyRating(tx, e))),
      },
      {
        // Changes no document: only who may find the age-restricted ones.
        topic: CUSTOMER_AGE_VERIFIED_TOPIC,
        handle: async (tx, e) => {
          await tx.query(
            `INSERT INTO search.customer_age (customer_id, birth_date) VALUES ($1, $2)
             ON CONFLICT (customer_id) DO UPDATE
               SET birth_date = EXCLUDED.birth_date, changed_at = clock_timestamp()`,
            [e.customerId, e.birthDate],
          );
        },
      },
    ];
    return handlers as unknown as EventHandler<never>[];
  }

  private async guarded(tx: EntityManager, apply: () => Promise<string[]>): Promise<string[]> {
    await this.sources.guard(tx);
    return apply();
  }

  private async reindexIn(tx: EntityManager, productIds: string[]): Promise<void> {
    // (The sources were changed under sources.guard, taken first by every handler.)
    if (productIds.length === 0) return;
    const documents = await this.sources.documents(productIds, tx);
    await this.engine.index(documents, tx);
    const kept = new Set(documents.map((doc) => doc.productId));
    await this.engine.remove(
      productIds.filter((id) => !kept.has(id)),
      tx,
    );
  }

  /** For the demo seed and tests: the sources' word on these products, indexed. */
  async indexFromSources(productIds: string[]): Promise<void> {
    await this.engine.index(await this.sources.documents(productIds, this.db));
  }
}
