import type { DataSource, Repository } from 'typeorm';
import { isUniqueViolation } from '../../../platform/db';
import { DomainError } from '../../../platform/errors';
import { rowOf } from '../../../platform/sql-rows';
import { CurrencyRow, PriceListRow } from '../entities';
import { PricingErrorCode } from '../errors';
import { checkListCode, normalizeCurrency } from './rules';

export interface PriceListInput {
  code: string;
  currency: string;
  taxInclusive: boolean;
  priority?: number | null;
  /** false keeps the list internal (WHOLESALE): staff see it, shoppers are never priced from it. */
  public?: boolean | null;
}

/** Currencies and price lists: which lists exist, and which one a new price goes to. */
export class PriceLists {
  private readonly currencies: Repository<CurrencyRow>;
  private readonly lists: Repository<PriceListRow>;

  constructor(private readonly db: DataSource) {
    this.currencies = db.getRepository(CurrencyRow);
    this.lists = db.getRepository(PriceListRow);
  }

  allCurrencies(): Promise<CurrencyRow[]> {
    return this.currencies.find({ order: { code: 'ASC' } });
  }

  allPriceLists(): Promise<PriceListRow[]> {
    return this.lists.find({ order: { currency: 'ASC', priority: 'DESC', code: 'ASC' } });
  }

  /** The public lists of a currency, highest priority first: what shoppers are priced from. */
  async publicListsOf(currency: string): Promise<PriceListRow[]> {
    // Every quote asks this: plain SQL, not the repository's query building.
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT * FROM pricing.price_list WHERE currency = $1 AND public
        ORDER BY priority DESC, code ASC`,
      [currency],
    );
    return rows.map((raw) => rowOf(this.db.manager, PriceListRow, raw));
  }

  async createPriceList(input: PriceListInput): Promise<PriceListRow> {
    const code = checkListCode(input.code);
    const currency = await this.knownCurrency(input.currency, ['currency']);
    const priority = input.priority ?? 0;
    if (!Number.isSafeInteger(priority))
      throw new DomainError(PricingErrorCode.INVALID_PRIORITY, 'Priority must be an integer', [
        'priority',
      ]);
    return this.db.transaction(async (tx) => {
      // Lists of one currency are created one at a time, so that they agree on taxInclusive.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `pricing:currency:${currency}`,
      ]);
      const sibling = await tx.findOneBy(PriceListRow, { currency });
      if (sibling && sibling.taxInclusive !== input.taxInclusive) {
        throw new DomainError(
          PricingErrorCode.TAX_MODE_MISMATCH,
          `${currency} lists are tax-${sibling.taxInclusive ? 'inclusive' : 'exclusive'}; a quote cannot mix both`,
          ['taxInclusive'],
        );
      }
      try {
        return await tx.save(
          tx.create(PriceListRow, {
            code,
            currency,
            taxInclusive: input.taxInclusive,
            priority,
            public: input.public ?? true,
          }),
        );
      } catch (error) {
        if (isUniqueViolation(error))
          throw new DomainError(
            PricingErrorCode.CODE_TAKEN,
            `Price list code ${code} is already used`,
            ['code'],
          );
        throw error;
      }
    });
  }

  /**
   * The list a price goes to: the named one, or the currency's highest-priority public
   * list (an internal list such as WHOLESALE gets a price only when it is named, even when
   * it outranks the retail list).
   */
  async listFor(currencyInput: string, code: string | null | undefined): Promise<PriceListRow> {
    const currency = normalizeCurrency(currencyInput, ['currency']);
    if (code) {
      const list = await this.lists.findOneBy({ code: code.trim().toUpperCase() });
      if (!list)
        throw new DomainError(PricingErrorCode.NOT_FOUND, `Price list ${code} was not found`, [
          'priceList',
        ]);
      if (list.currency !== currency) {
        throw new DomainError(
          PricingErrorCode.CURRENCY_MISMATCH,
          `Price list ${list.code} is in ${list.currency}`,
          ['currency'],
        );
      }
      return list;
    }
    const list = await this.lists.findOne({
      where: { currency, public: true },
      order: { priority: 'DESC', code: 'ASC' },
    });
    if (!list)
      throw new DomainError(
        PricingErrorCode.UNKNOWN_CURRENCY,
        `No public price list prices in ${currency}`,
        ['currency'],
      );
    return list;
  }

  async knownCurrency(input: string, field: string[]): Promise<string> {
    const code = normalizeCurrency(input, field);
    if (!(await this.currencies.existsBy({ code }))) {
      throw new DomainError(
        PricingErrorCode.UNKNOWN_CURRENCY,
        `${code} is not a currency the platform prices in`,
        field,
      );
    }
    return code;
  }
}
