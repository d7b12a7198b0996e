import { isUniqueViolation } from '../../platform/db';
import { type DataSource, In, IsNull, type Repository } from 'typeorm';
import { DomainError } from '../../platform/errors';
import { CurrencyRow, PriceListRow, PriceRow, ShippingRateRow, TaxRuleRow } from './entities';
import { effectivePrice, type PriceCandidate } from './price-rules';
import { calculateQuote, type Quote } from './quote';
import { MAX_RATE_BASIS_POINTS } from './rounding';

export interface PriceListInput {
  code: string;
  currency: string;
  taxInclusive: boolean;
  priority?: number | null;
}

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

export interface TaxRuleInput {
  country: string;
  region?: string | null;
  rateBasisPoints: number;
  name: string;
}

export interface ShippingRateInput {
  country: string;
  currency: string;
  amount: number;
  freeOver?: number | null;
}

export interface PriceQuoteInput {
  currency: string;
  shippingCountry: string;
  shippingRegion?: string | null;
  lines: { variantId: string; quantity: number; discountAmount?: number | null }[];
  shippingDiscountAmount?: number | null;
  at?: string | null;
}

/** A price row with what the price rules need from its list. */
export interface ListedPrice extends PriceCandidate {
  variantId: string;
  sku: string;
  createdAt: Date;
}

const CURRENCY = /^[A-Z]{3}$/;
const COUNTRY = /^[A-Z]{2}$/;
const REGION = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;
const LIST_CODE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_NAME_LENGTH = 100;
const MAX_QUOTE_LINES = 200;
/** A validFrom this little in the past is taken as now (clock skew); earlier would rewrite history. */
const PAST_GRACE_MS = 60_000;

function toListed(row: PriceRow): ListedPrice {
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
  };
}

/**
 * Pricing rules: price lists, the price history of variants, tax rules, interim shipping
 * rates, and quotes. Which price applies is decided in price-rules.ts, the arithmetic of
 * a quote in quote.ts and rounding.ts; this class reads, validates and writes.
 */
export class PricingService {
  private readonly currencies: Repository<CurrencyRow>;
  private readonly lists: Repository<PriceListRow>;
  private readonly prices: Repository<PriceRow>;
  private readonly taxRules: Repository<TaxRuleRow>;
  private readonly shippingRates: Repository<ShippingRateRow>;

  constructor(private readonly db: DataSource) {
    this.currencies = db.getRepository(CurrencyRow);
    this.lists = db.getRepository(PriceListRow);
    this.prices = db.getRepository(PriceRow);
    this.taxRules = db.getRepository(TaxRuleRow);
    this.shippingRates = db.getRepository(ShippingRateRow);
  }

  allCurrencies(): Promise<CurrencyRow[]> {
    return this.currencies.find({ order: { code: 'ASC' } });
  }

  allPriceLists(): Promise<PriceListRow[]> {
    return this.lists.find({ order: { currency: 'ASC', priority: 'DESC', code: 'ASC' } });
  }

  listTaxRules(country?: string | null): Promise<TaxRuleRow[]> {
    const query = this.taxRules.createQueryBuilder('t');
    if (country) query.where('t.country = :country', { country: country.trim().toUpperCase() });
    return query.orderBy('t.country', 'ASC').addOrderBy('t.region', 'ASC', 'NULLS FIRST').getMany();
  }

  listShippingRates(country?: string | null): Promise<ShippingRateRow[]> {
    return this.shippingRates.find({
      where: country ? { country: country.trim().toUpperCase() } : {},
      order: { country: 'ASC', currency: 'ASC' },
    });
  }

  /**
   * The prices of many variants that are valid now or later, in one statement: what
   * `price`, `priceTiers` and `priceRange` choose from.
   */
  async livePricesOfVariants(
    variantIds: readonly string[],
    now = new Date(),
  ): Promise<ListedPrice[]> {
    const rows = await this.prices
      .createQueryBuilder('p')
      .innerJoinAndMapOne('p.priceList', PriceListRow, 'l', 'l.id = p.price_list_id')
      .where('p.variant_id IN (:...variantIds)', { variantIds: [...variantIds] })
      .andWhere('(p.valid_to IS NULL OR p.valid_to > :now)', { now })
      .getMany();
    return rows.map(toListed);
  }

  /** Every price row of many variants, in one statement, newest validFrom first. */
  async priceHistoryOfVariants(variantIds: readonly string[]): Promise<ListedPrice[]> {
    const rows = await this.prices
      .createQueryBuilder('p')
      .innerJoinAndMapOne('p.priceList', PriceListRow, 'l', 'l.id = p.price_list_id')
      .where('p.variant_id IN (:...variantIds)', { variantIds: [...variantIds] })
      .orderBy('p.valid_from', 'DESC')
      .addOrderBy('p.seq', 'DESC')
      .getMany();
    return rows.map(toListed);
  }

  async createPriceList(input: PriceListInput): Promise<PriceListRow> {
    const code = input.code.trim().toUpperCase();
    if (!LIST_CODE.test(code)) {
      throw new DomainError(
        'INVALID_CODE',
        'Code must be 1-32 letters, digits, dashes or underscores',
        ['code'],
      );
    }
    const currency = await this.knownCurrency(input.currency, ['currency']);
    const priority = input.priority ?? 0;
    if (!Number.isSafeInteger(priority))
      throw new DomainError('INVALID_PRIORITY', 'Priority must be an integer', ['priority']);
    return this.db.transaction(async (tx) => {
      // Lists of one currency are created one at a time, so that they agree on taxInclusive.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `pricing:currency:${currency}`,
      ]);
      const sibling = await tx.findOneBy(PriceListRow, { currency });
      if (sibling && sibling.taxInclusive !== input.taxInclusive) {
        throw new DomainError(
          'TAX_MODE_MISMATCH',
          `${currency} lists are tax-${sibling.taxInclusive ? 'inclusive' : 'exclusive'}; a quote cannot mix both`,
          ['taxInclusive'],
        );
      }
      try {
        return await tx.save(
          tx.create(PriceListRow, { code, currency, taxInclusive: input.taxInclusive, priority }),
        );
      } catch (error) {
        if (isUniqueViolation(error))
          throw new DomainError('CODE_TAKEN', `Price list code ${code} is already used`, ['code']);
        throw error;
      }
    });
  }

  /**
   * Sets a price. Without validTo: closes the tier's open-ended price(s) from the new
   * start on (a not-yet-started one is closed at its own start: cancelled, kept as
   * history) and adds the new one. With validTo: adds a scheduled price, which beats the
   * open-ended one inside its window. Setting the current open-ended amount again changes
   * nothing, so a retry has no second effect.
   */
  async setPrice(input: PriceSetInput): Promise<ListedPrice> {
    const now = new Date();
    const sku = input.sku.trim();
    if (!SKU.test(sku)) {
      throw new DomainError(
        'INVALID_SKU',
        'SKU must be 1-64 letters, digits, dots, dashes or underscores',
        ['sku'],
      );
    }
    if (!Number.isSafeInteger(input.amount) || input.amount < 0) {
      throw new DomainError(
        'INVALID_AMOUNT',
        'Amount must be a whole number of minor units, 0 or more',
        ['amount'],
      );
    }
    const minQuantity = input.minQuantity ?? 1;
    if (!Number.isSafeInteger(minQuantity) || minQuantity < 1) {
      throw new DomainError(
        'INVALID_QUANTITY',
        'minQuantity must be a whole number of at least 1',
        ['minQuantity'],
      );
    }
    const requestedFrom = parseTime(input.validFrom, 'validFrom');
    if (requestedFrom && requestedFrom.getTime() < now.getTime() - PAST_GRACE_MS) {
      throw new DomainError(
        'INVALID_WINDOW',
        'validFrom cannot be in the past: price history is not rewritten',
        ['validFrom'],
      );
    }
    const validTo = parseTime(input.validTo, 'validTo');
    checkWindow(requestedFrom && requestedFrom > now ? requestedFrom : now, validTo);
    const list = await this.listFor(input.currency, input.priceList);

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
      return row.id;
    });
    const row = await this.prices
      .createQueryBuilder('p')
      .innerJoinAndMapOne('p.priceList', PriceListRow, 'l', 'l.id = p.price_list_id')
      .where('p.id = :id', { id })
      .getOneOrFail();
    return toListed(row);
  }

  /** Creates or replaces the rule of a country (region omitted) or of a region. */
  async setTaxRule(input: TaxRuleInput): Promise<TaxRuleRow> {
    const country = checkCountry(input.country, ['country']);
    const region = checkRegion(country, input.region, ['region']);
    if (
      !Number.isInteger(input.rateBasisPoints) ||
      input.rateBasisPoints < 0 ||
      input.rateBasisPoints > MAX_RATE_BASIS_POINTS
    ) {
      throw new DomainError(
        'INVALID_RATE',
        `Rate must be 0 to ${MAX_RATE_BASIS_POINTS} basis points`,
        ['rateBasisPoints'],
      );
    }
    const name = input.name.trim();
    if (!name || name.length > MAX_NAME_LENGTH) {
      throw new DomainError('INVALID_NAME', `Name must be 1-${MAX_NAME_LENGTH} characters`, [
        'name',
      ]);
    }
    const [{ id }] = (await this.db.query(
      `INSERT INTO pricing.tax_rule (country, region, rate_basis_points, name) VALUES ($1, $2, $3, $4)
       ON CONFLICT (country, (coalesce(region, '')))
       DO UPDATE SET rate_basis_points = EXCLUDED.rate_basis_points, name = EXCLUDED.name, updated_at = now()
       RETURNING id`,
      [country, region, input.rateBasisPoints, name],
    )) as [{ id: string }];
    return this.taxRules.findOneByOrFail({ id });
  }

  /** Creates or replaces the flat shipping rate of a country in a currency. */
  async setShippingRate(input: ShippingRateInput): Promise<ShippingRateRow> {
    const country = checkCountry(input.country, ['country']);
    if (!Number.isSafeInteger(input.amount) || input.amount < 0) {
      throw new DomainError(
        'INVALID_AMOUNT',
        'Amount must be a whole number of minor units, 0 or more',
        ['amount'],
      );
    }
    const freeOver = input.freeOver ?? null;
    if (freeOver !== null && (!Number.isSafeInteger(freeOver) || freeOver < 0)) {
      throw new DomainError(
        'INVALID_AMOUNT',
        'freeOver must be a whole number of minor units, 0 or more',
        ['freeOver'],
      );
    }
    const currency = await this.knownCurrency(input.currency, ['currency']);
    const [{ id }] = (await this.db.query(
      `INSERT INTO pricing.shipping_rate (country, currency, amount, free_over) VALUES ($1, $2, $3, $4)
       ON CONFLICT (country, currency)
       DO UPDATE SET amount = EXCLUDED.amount, free_over = EXCLUDED.free_over, updated_at = now()
       RETURNING id`,
      [country, currency, input.amount, freeOver],
    )) as [{ id: string }];
    return this.shippingRates.findOneByOrFail({ id });
  }

  /** The rate of a destination: its region's rule, else its country's, else 0. */
  async taxRateFor(country: string, region: string | null): Promise<number> {
    const query = this.taxRules.createQueryBuilder('t').where('t.country = :country', { country });
    if (region) query.andWhere('(t.region IS NULL OR t.region = :region)', { region });
    else query.andWhere('t.region IS NULL');
    const rule = await query.orderBy('t.region', 'ASC', 'NULLS LAST').getOne();
    return rule?.rateBasisPoints ?? 0;
  }

  /**
   * Prices a cart at a time: validates the input, reads the lists, the prices valid at
   * `at`, the tax rule and the shipping rate, then leaves the arithmetic to quote.ts.
   * Reads only; variant ids are parsed by the caller.
   */
  async quote(input: PriceQuoteInput, now = new Date()): Promise<Quote> {
    const currency = normalizeCurrency(input.currency, ['currency']);
    const country = checkCountry(input.shippingCountry, ['shippingCountry']);
    const region = checkRegion(country, input.shippingRegion, ['shippingRegion']);
    const at = parseTime(input.at, 'at') ?? now;
    if (input.lines.length > MAX_QUOTE_LINES) {
      throw new DomainError('TOO_MANY_LINES', `A quote has at most ${MAX_QUOTE_LINES} lines`, [
        'lines',
      ]);
    }
    const lines = input.lines.map((line, index) => {
      if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) {
        throw new DomainError('INVALID_QUANTITY', 'Quantity must be a positive whole number', [
          'lines',
          String(index),
          'quantity',
        ]);
      }
      const discountAmount = line.discountAmount ?? 0;
      if (!Number.isSafeInteger(discountAmount) || discountAmount < 0) {
        throw new DomainError('INVALID_AMOUNT', 'A discount must be 0 or more minor units', [
          'lines',
          String(index),
          'discountAmount',
        ]);
      }
      return { variantId: line.variantId, quantity: line.quantity, discountAmount };
    });
    const shippingDiscountAmount = input.shippingDiscountAmount ?? 0;
    if (!Number.isSafeInteger(shippingDiscountAmount) || shippingDiscountAmount < 0) {
      throw new DomainError('INVALID_AMOUNT', 'A discount must be 0 or more minor units', [
        'shippingDiscountAmount',
      ]);
    }

    const lists = await this.lists.find({
      where: { currency },
      order: { priority: 'DESC', code: 'ASC' },
    });
    if (lists.length === 0)
      throw new DomainError('UNKNOWN_CURRENCY', `Nothing is priced in ${currency}`, ['currency']);
    const variantIds = [...new Set(lines.map((l) => l.variantId))];
    const [rows, rate, shipping] = await Promise.all([
      this.pricesValidAt(
        variantIds,
        lists.map((l) => l.id),
        at,
      ),
      this.taxRateFor(country, region),
      lines.length ? this.shippingRates.findOneBy({ country, currency }) : null,
    ]);
    if (lines.length && !shipping) {
      throw new DomainError(
        'SHIPPING_UNAVAILABLE',
        `No shipping rate to ${country} in ${currency}`,
        ['shippingCountry'],
      );
    }
    const priced = lines.map((line, index) => {
      const price = effectivePrice(
        rows.filter((r) => r.variantId === line.variantId),
        currency,
        line.quantity,
        at,
      );
      if (!price) {
        throw new DomainError(
          'VARIANT_NOT_PRICED',
          `Variant ${line.variantId} has no ${currency} price`,
          ['lines', String(index)],
        );
      }
      return { ...line, unitPrice: price.amount };
    });
    return calculateQuote({
      currency,
      taxInclusive: lists[0]!.taxInclusive,
      taxRateBasisPoints: rate,
      lines: priced,
      shipping: shipping ? { amount: shipping.amount, freeOver: shipping.freeOver } : null,
      shippingDiscountAmount,
    });
  }

  private async pricesValidAt(
    variantIds: string[],
    listIds: string[],
    at: Date,
  ): Promise<ListedPrice[]> {
    if (variantIds.length === 0) return [];
    const rows = await this.prices
      .createQueryBuilder('p')
      .innerJoinAndMapOne('p.priceList', PriceListRow, 'l', 'l.id = p.price_list_id')
      .where({ variantId: In(variantIds), priceListId: In(listIds) })
      .andWhere('p.valid_from <= :at AND (p.valid_to IS NULL OR p.valid_to > :at)', { at })
      .getMany();
    return rows.map(toListed);
  }

  /** The list a price goes to: the named one, or the currency's highest-priority list. */
  private async listFor(
    currencyInput: string,
    code: string | null | undefined,
  ): Promise<PriceListRow> {
    const currency = normalizeCurrency(currencyInput, ['currency']);
    if (code) {
      const list = await this.lists.findOneBy({ code: code.trim().toUpperCase() });
      if (!list)
        throw new DomainError('NOT_FOUND', `Price list ${code} was not found`, ['priceList']);
      if (list.currency !== currency) {
        throw new DomainError(
          'CURRENCY_MISMATCH',
          `Price list ${list.code} is in ${list.currency}`,
          ['currency'],
        );
      }
      return list;
    }
    const list = await this.lists.findOne({
      where: { currency },
      order: { priority: 'DESC', code: 'ASC' },
    });
    if (!list)
      throw new DomainError('UNKNOWN_CURRENCY', `No price list prices in ${currency}`, [
        'currency',
      ]);
    return list;
  }

  private async knownCurrency(input: string, field: string[]): Promise<string> {
    const code = normalizeCurrency(input, field);
    if (!(await this.currencies.existsBy({ code }))) {
      throw new DomainError(
        'UNKNOWN_CURRENCY',
        `${code} is not a currency the platform prices in`,
        field,
      );
    }
    return code;
  }
}

function checkWindow(validFrom: Date, validTo: Date | null): void {
  if (validTo && validTo.getTime() <= validFrom.getTime()) {
    throw new DomainError('INVALID_WINDOW', 'validTo must be after validFrom', ['validTo']);
  }
}

function normalizeCurrency(input: string, field: string[]): string {
  const code = input.trim().toUpperCase();
  if (!CURRENCY.test(code))
    throw new DomainError('UNKNOWN_CURRENCY', 'Currency must be an ISO 4217 code', field);
  return code;
}

function checkCountry(input: string, field: string[]): string {
  const country = input.trim().toUpperCase();
  if (!COUNTRY.test(country)) {
    throw new DomainError('INVALID_COUNTRY', 'Country must be an ISO 3166-1 alpha-2 code', field);
  }
  return country;
}

/** Accepts US-CA or CA (for country US); null when absent. */
function checkRegion(
  country: string,
  input: string | null | undefined,
  field: string[],
): string | null {
  const text = input?.trim().toUpperCase();
  if (!text) return null;
  const region = text.includes('-') ? text : `${country}-${text}`;
  if (!REGION.test(region) || !region.startsWith(`${country}-`)) {
    throw new DomainError(
      'INVALID_REGION',
      `Region must be an ISO 3166-2 code of ${country}, such as ${country}-CA`,
      field,
    );
  }
  return region;
}

function parseTime(input: string | null | undefined, field: string): Date | null {
  if (input === null || input === undefined || input === '') return null;
  const time = new Date(input);
  if (!/^\d{4}-\d{2}-\d{2}/.test(input) || Number.isNaN(time.getTime())) {
    throw new DomainError('INVALID_DATE', `${field} must be an ISO 8601 time`, [field]);
  }
  return time;
}
