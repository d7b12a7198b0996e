import type { DataSource, Repository } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { ShippingRateRow, TaxRuleRow } from '../entities';
import { PricingErrorCode } from '../errors';
import { MAX_RATE_BASIS_POINTS } from '../rounding';
import type { PriceLists } from './price-lists';
import { checkAmount, checkCountry, checkName, checkRegion } from './rules';

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

/**
 * Tax rules by destination, and the deprecated flat shipping rates: still listed and set
 * for old clients, no longer read by quotes (the shipping subgraph prices methods now).
 */
export class TaxAndShipping {
  private readonly taxRules: Repository<TaxRuleRow>;
  private readonly shippingRates: Repository<ShippingRateRow>;

  constructor(
    private readonly db: DataSource,
    private readonly lists: PriceLists,
  ) {
    this.taxRules = db.getRepository(TaxRuleRow);
    this.shippingRates = db.getRepository(ShippingRateRow);
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
        PricingErrorCode.INVALID_RATE,
        `Rate must be 0 to ${MAX_RATE_BASIS_POINTS} basis points`,
        ['rateBasisPoints'],
      );
    }
    const name = checkName(input.name);
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
    checkAmount(input.amount, ['amount']);
    const freeOver = input.freeOver ?? null;
    if (freeOver !== null) checkAmount(freeOver, ['freeOver'], 'freeOver');
    const currency = await this.lists.knownCurrency(input.currency, ['currency']);
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
    // Every taxed quote asks this: plain SQL. The region's own rule beats the country's.
    const [rule]: { rate_basis_points: number }[] = region
      ? await this.db.query(
          `SELECT rate_basis_points FROM pricing.tax_rule
            WHERE country = $1 AND (region IS NULL OR region = $2)
            ORDER BY region ASC NULLS LAST LIMIT 1`,
          [country, region],
        )
      : await this.db.query(
          `SELECT rate_basis_points FROM pricing.tax_rule
            WHERE country = $1 AND region IS NULL LIMIT 1`,
          [country],
        );
    return rule?.rate_basis_points ?? 0;
  }
}
