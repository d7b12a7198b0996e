import type { DataSource, EntityManager } from 'typeorm';
import type { EventHandler } from '../../platform/events/consume';
import {
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
import type { SearchEngine, SearchPage, Suggestion } from './domain/engine';
import { parseSearchArgs, queryTerms, type SearchArgs } from './domain/request';
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

  search(args: SearchArgs): Promise<SearchPage> {
    return this.engine.search(parseSearchArgs(args, this.config.SEARCH_DEFAULT_LOCALE));
  }

  /** Where a page starts, from its `after` cursor (already checked by search()). */
  offsetOf(after: string | null | undefined): number {
    return parseSearchArgs({ after }, this.config.SEARCH_DEFAULT_LOCALE).offset;
  }

  suggest(prefix: string, first: number | null | undefined): Promise<Suggestion[]> {
    const limit = Math.min(Math.max(first ?? this.config.SEARCH_SUGGEST_LIMIT, 1), 20);
    return this.engine.suggest(queryTerms(prefix, ['prefix']).slice(0, 5), limit);
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
