import { type DataSource, IsNull, type Repository } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { rowOf } from '../../../platform/sql-rows';
import { UpstreamError } from '../../../platform/service-client';
import { parseInput, sku as skuSchema } from '../../../platform/validation';
import type { CatalogDirectory } from '../directories';
import { PriceListRow, PriceRow } from '../entities';
import { PricingErrorCode } from '../errors';
import type { PriceCandidate } from '../price-rules';
import type { PriceLists } from './price-lists';
import { recordPriceChanged } from './price-events';
import { checkAmount, checkWindow, parseTime } from './rules';

export interface PriceSetInput {
  variantId: string;
  sku: string;
  currency: string;
  amount: number;
  minQuantity?: number | null;
  validFrom?: string | null;
  validTo?: string | null;
  priceList?: string | null;
}

/** A price row with what the price rules need from its list. */
export interface ListedPrice extends PriceCandidate {
  variantId: string;
  sku: string;
  createdAt: Date;
  listPublic: boolean;
}

/** A validFrom this little in the past is taken as now (clock skew); earlier would rewrite history. */
const PAST_GRACE_MS = 60_000;

export function toListed(row: PriceRow): ListedPrice {
  const list = row.priceList!;
  return {
    id: row.id,
    seq: row.seq,
    variantId: row.variantId,
    sku: row.sku,
    amount: row.amount,
    minQuantity: row.minQuantity,
    validFrom: row.validFrom,
    validTo: row.validTo,
    scheduled: row.scheduled,
    createdAt: row.createdAt,
    currency: list.currency,
    listCode: list.code,
    listPriority: list.priority,
    listPublic: list.public,
  };
}

/** The price rows of variants: what shoppers are priced from, the history, and setting a price. */
export class Prices {
  private readonly prices: Repository<PriceRow>;

  constructor(
    private readonly db: DataSource,
    private readonly lists: PriceLists,
    private readonly catalog: CatalogDirectory,
  ) {
    this.prices = db.getRepository(PriceRow);
  }

  private withList() {
    return this.prices
      .createQueryBuilder('p')
      .innerJoinAndMapOne('p.priceList', PriceListRow, 'l', 'l.id = p.price_list_id');
  }

  /**
   * The prices of public lists of many variants that are valid now or later, in one
   * statement: what `price`, `priceTiers` and `priceRange` choose from.
   */
  async livePricesOfVariants(
    variantIds: readonly string[],
    now = new Date(),
  ): Promise<ListedPrice[]> {
    const rows = await this.withList()
      .where('p.variant_id IN (:...variantIds)', { variantIds: [...variantIds] })
      .andWhere('l.public')
      .andWhere('(p.valid_to IS NULL OR p.valid_to > :now)', { now })
      .getMany();
    return rows.map(toListed);
  }

  /** Every price row of many variants (every list), in one statement, newest validFrom first. */
  async priceHistoryOfVariants(variantIds: readonly string[]): Promise<ListedPrice[]> {
    const rows = await this.withList()
      .where('p.variant_id IN (:...variantIds)', { variantIds: [...variantIds] })
      .orderBy('p.valid_from', 'DESC')
      .addOrderBy('p.seq', 'DESC')
      .getMany();
    return rows.map(toListed);
  }

  /** The public prices of variants valid at `at` in the given lists (a quote's). */
  async pricesValidAt(variantIds: string[], listIds: string[], at: Date): Promise<ListedPrice[]> {
    if (variantIds.length === 0 || listIds.length === 0) return [];
    // Every quote asks this: plain SQL, not the query builder (its build cost more than the query).
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT p.*, l.currency AS list_currency, l.code AS list_code,
              l.priority AS list_priority, l.public AS list_public
         FROM pricing.price p JOIN pricing.price_list l ON l.id = p.price_list_id
        WHERE p.variant_id = ANY($1::uuid[]) AND p.price_list_id = ANY($2::uuid[])
          AND p.valid_from <= $3 AND (p.valid_to IS NULL OR p.valid_to > $3)`,
      [variantIds, listIds, at],
    );
    return rows.map((raw) => {
      const row = rowOf(this.db.manager, PriceRow, raw);
      row.priceList = {
        currency: raw.list_currency,
        code: raw.list_code,
        priority: raw.list_priority,
        public: raw.list_public,
      } as PriceListRow;
      return toListed(row);
    });
  }

  /**
   * Sets a price. Without validTo: closes the tier's open-ended price(s) from the new
   * start on (a not-yet-started one is closed at its own start: cancelled, kept as
   * history) and adds the new one. With validTo: adds a scheduled price, which beats the
   * open-ended one inside its window. Setting the current open-ended amount again changes
   * nothing, so a retry has no second effect. The variant and its SKU must be catalog's:
   * pricing knows variants only by what it is told, so it asks.
   */
  async setPrice(input: PriceSetInput): Promise<ListedPrice> {
    const now = new Date();
    const sku = parseInput(skuSchema, input.sku.trim(), ['sku'], PricingErrorCode.INVALID_SKU);
    checkAmount(input.amount, ['amount']);
    const minQuantity = input.minQuantity ?? 1;
    if (!Number.isSafeInteger(minQuantity) || minQuantity < 1) {
      throw new DomainError(
        PricingErrorCode.INVALID_QUANTITY,
        'minQuantity must be a whole number of at least 1',
        ['minQuantity'],
      );
    }
    const requestedFrom = parseTime(input.validFrom, 'validFrom');
    if (requestedFrom && requestedFrom.getTime() < now.getTime() - PAST_GRACE_MS) {
      throw new DomainError(
        PricingErrorCode.INVALID_WINDOW,
        'validFrom cannot be in the past: price history is not rewritten',
        ['validFrom'],
      );
    }
    const validTo = parseTime(input.validTo, 'validTo');
    checkWindow(requestedFrom && requestedFrom > now ? requestedFrom : now, validTo);
    const list = await this.lists.listFor(input.currency, input.priceList);
    await this.mustBeCatalogVariant(input.variantId, sku);

    const id = await this.db.transaction(async (tx) => {
      // One writer per (list, variant, tier): the close-and-insert below must not interleave.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `pricing:price:${list.id}:${input.variantId}:${minQuantity}`,
      ]);
      // The start is taken from the database clock once the lock is held, so that the
      // writers of a tier (on any replica) form one chain in time.
      const [{ now: lockedAt }] = (await tx.query(`SELECT clock_timestamp() AS now`)) as [
        { now: Date },
      ];
      const validFrom = requestedFrom && requestedFrom > lockedAt ? requestedFrom : lockedAt;
      checkWindow(validFrom, validTo);
      const key = { priceListId: list.id, variantId: input.variantId, minQuantity };
      if (!validTo) {
        const current = await tx.findOneBy(PriceRow, {
          ...key,
          validTo: IsNull(),
          scheduled: false,
        });
        if (
          !requestedFrom &&
          current &&
          current.amount === input.amount &&
          current.validFrom <= lockedAt &&
          current.sku === sku
        ) {
          return current.id;
        }
        await tx.query(
          `UPDATE pricing.price SET valid_to = greatest(valid_from, $4)
            WHERE price_list_id = $1 AND variant_id = $2 AND min_quantity = $3 AND NOT scheduled
              AND (valid_to IS NULL OR valid_to > $4)`,
          [list.id, input.variantId, minQuantity, validFrom],
        );
      }
      const row = await tx.save(
        tx.create(PriceRow, {
          ...key,
          sku,
          amount: input.amount,
          validFrom,
          validTo,
          scheduled: validTo !== null,
        }),
      );
      // Search shows the single-unit price in force now; scheduled and future ones it learns of later.
      if (minQuantity === 1 && !validTo && validFrom <= lockedAt) {
        await recordPriceChanged(tx, {
          variantId: input.variantId,
          sku,
          list,
          amount: input.amount,
        });
      }
      return row.id;
    });
    return toListed(await this.withList().where('p.id = :id', { id }).getOneOrFail());
  }

  private async mustBeCatalogVariant(variantId: string, sku: string): Promise<void> {
    let catalogued: string | null;
    try {
      catalogued = await this.catalog.skuOf(variantId);
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      throw new DomainError(
        PricingErrorCode.CATALOG_UNAVAILABLE,
        'Catalog cannot confirm the variant right now; try again',
        ['variantId'],
      );
    }
    if (catalogued === null) {
      throw new DomainError(PricingErrorCode.NOT_FOUND, `Catalog has no variant ${variantId}`, [
        'variantId',
      ]);
    }
    if (catalogued !== sku) {
      throw new DomainError(
        PricingErrorCode.SKU_MISMATCH,
        `Variant ${variantId} has SKU ${catalogued}, not ${sku}`,
        ['sku'],
      );
    }
  }
}
