import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { SearchErrorCode } from '../errors';
import type {
  IndexDocument,
  RebuildSource,
  SearchEngine,
  SearchPage,
  SearchRequest,
  Shopper,
  Suggestion,
} from './engine';
import { Params } from './pg-facets';
import { documentTableSql } from './pg-document-table';
import { writeDocuments } from './pg-index';
import { pgSearch, shopperCondition } from './pg-search';

/** The default engine: the index is a table of search's own schema (pg-document-table.ts). */
export class PostgresSearchEngine implements SearchEngine {
  readonly name = 'postgres';

  constructor(private readonly db: DataSource) {}

  index(documents: IndexDocument[], tx?: EntityManager): Promise<void> {
    return writeDocuments(tx ?? this.db, documents);
  }

  async remove(productIds: string[], tx?: EntityManager): Promise<void> {
    if (productIds.length === 0) return;
    await (tx ?? this.db).query(`DELETE FROM search.document WHERE product_id = ANY($1::uuid[])`, [
      productIds,
    ]);
  }

  search(request: SearchRequest): Promise<SearchPage> {
    return pgSearch(this.db, request);
  }

  /** Names starting with the words (the last one a prefix), then near misses; brands and categories. */
  async suggest(terms: string[], limit: number, shopper: Shopper): Promise<Suggestion[]> {
    if (terms.length === 0) return [];
    const prefix = terms.map((term) => `'${term}':*A`).join(' & ');
    const phrase = terms.join(' ');
    const last = terms[terms.length - 1]!;
    // Near misses: a word of the name within one or two letters of what was typed.
    return this.db.transaction(async (tx) => {
      await tx.query(`SET LOCAL pg_trgm.word_similarity_threshold = 0.45`);
      return this.suggestIn(tx, [prefix, limit, phrase, last], shopper);
    });
  }

  private suggestIn(
    tx: EntityManager,
    values: [prefix: string, limit: number, phrase: string, last: string],
    shopper: Shopper,
  ): Promise<Suggestion[]> {
    const params = new Params();
    params.values.push(...values);
    const visible = shopperCondition(params, shopper);
    return tx.query(
      `WITH folded AS (SELECT lower(public.unaccent('public.unaccent'::regdictionary, $3)) AS phrase,
                              lower(public.unaccent('public.unaccent'::regdictionary, $4)) AS last),
       named AS (
         SELECT 'PRODUCT' AS kind, d.product_id::text AS id, d.name AS text, 0 AS tier,
                length(d.name)::float8 AS rank
           FROM search.document d
          WHERE d.visible AND ${visible} AND d.tsv @@ to_tsquery('search.unaccented', $1)
          ORDER BY length(d.name), d.name LIMIT $2),
       near AS (
         SELECT 'PRODUCT' AS kind, d.product_id::text AS id, d.name AS text, 1 AS tier,
                -public.word_similarity(f.phrase, d.name_norm) AS rank
           FROM search.document d, folded f
          WHERE length(f.phrase) >= 3 AND (SELECT count(*) FROM named) < $2
            AND d.visible AND ${visible} AND f.phrase OPERATOR(public.<%) d.name_norm
            AND d.product_id NOT IN (SELECT id::uuid FROM named)
          ORDER BY rank, d.name LIMIT $2),
       labels AS (
         SELECT l.kind, l.id::text AS id, l.name AS text,
                CASE l.kind WHEN 'BRAND' THEN 2 ELSE 3 END AS tier, 0::float8 AS rank
           FROM search.label l, folded f
          WHERE l.name_norm COLLATE "C" >= f.last AND l.name_norm COLLATE "C" < f.last || chr(1114111)
          ORDER BY l.kind, l.name LIMIT 6)
       SELECT kind, id, text FROM (
         SELECT * FROM named UNION ALL SELECT * FROM near UNION ALL SELECT * FROM labels) s
       ORDER BY tier, rank, text LIMIT $2`,
      params.values,
    );
  }

  /**
   * A new table beside the live one, filled from the sources; then, with writers held off
   * (readers are not), what changed meanwhile, and the names swapped in one transaction.
   * Searches run against the old index until the swap and the new one after it.
   */
  async rebuild(source: RebuildSource): Promise<{ documents: number }> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query(
        `SELECT pg_try_advisory_lock(hashtext('search:rebuild')) AS locked`,
      );
      if (!locked) {
        throw new DomainError(SearchErrorCode.REINDEX_RUNNING, 'A reindex is already running');
      }
      try {
        const startedAt = await source.mark();
        // Fresh statistics: after a bulk load (a seed, an import) the planner would otherwise
        // scan whole source tables per document.
        await runner.query(
          `ANALYZE search.product_source, search.variant_source, search.variant_price, search.sku_stock`,
        );
        await runner.query(`DROP TABLE IF EXISTS search.document_next`);
        await runner.query(documentTableSql('document_next'));
        let documents = 0;
        for await (const batch of source.all()) {
          await writeDocuments(this.db, batch, 'document_next');
          documents += batch.length;
        }
        await this.db.transaction(async (tx) => {
          await tx.query(`LOCK TABLE search.document IN EXCLUSIVE MODE`);
          const changed = await source.changedSince(startedAt);
          await writeDocuments(tx, changed.documents, 'document_next');
          await tx.query(`DELETE FROM search.document_next WHERE product_id = ANY($1::uuid[])`, [
            changed.removed,
          ]);
          await tx.query(`ALTER TABLE search.document RENAME TO document_old`);
          await tx.query(`ALTER TABLE search.document_next RENAME TO document`);
          await tx.query(`DROP TABLE search.document_old`);
          await tx.query(`ANALYZE search.document`);
          const [{ count }] = await tx.query(`SELECT count(*)::int AS count FROM search.document`);
          documents = count;
          await tx.query(
            `INSERT INTO search.reindex_run (started_at, finished_at, documents)
             VALUES ($1, clock_timestamp(), $2)`,
            [startedAt, documents],
          );
        });
        return { documents };
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext('search:rebuild'))`);
      }
    } finally {
      await runner.release();
    }
  }

  async clear(): Promise<void> {
    await this.db.query(`TRUNCATE search.document, search.lexicon, search.label`);
  }
}
