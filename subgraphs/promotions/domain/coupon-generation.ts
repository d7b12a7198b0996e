import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { PromotionsErrorCode } from '../errors';
import type { Coupons } from './coupons';
import { checkLimits } from './input';
import type { CouponsGenerateInput } from './types';

export const MAX_GENERATED_CODES = 10_000;
export const DEFAULT_GENERATED_LENGTH = 10;
const MIN_GENERATED_LENGTH = 6;
const MAX_GENERATED_LENGTH = 32;
/** Crockford-like alphabet without 0/O and 1/I: 32 symbols, so one random byte & 31 is unbiased. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const MAX_GENERATE_ROUNDS = 20;
const PREFIX = /^([A-Z0-9][A-Z0-9_-]{0,19})?$/;

/** Batches of random coupon codes for one promotion. */
export class CouponGeneration {
  constructor(
    private readonly db: DataSource,
    private readonly coupons: Coupons,
  ) {}

  /**
   * Creates `count` random codes `PREFIX` + `length` symbols in one transaction, with one
   * INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING per round: codes that collide
   * (with existing ones or a concurrent batch) are drawn again in the next round.
   */
  async generate(input: CouponsGenerateInput): Promise<{ count: number; codes: string[] }> {
    const count = input.count;
    if (!Number.isSafeInteger(count) || count < 1) {
      throw new DomainError(
        PromotionsErrorCode.INVALID_VALUE,
        'count must be a positive whole number',
        ['count'],
      );
    }
    if (count > MAX_GENERATED_CODES) {
      throw new DomainError(
        PromotionsErrorCode.TOO_MANY_CODES,
        `At most ${MAX_GENERATED_CODES} codes per call`,
        ['count'],
      );
    }
    const prefix = (input.prefix ?? '').trim().toUpperCase();
    if (!PREFIX.test(prefix)) {
      throw new DomainError(
        PromotionsErrorCode.INVALID_VALUE,
        'prefix is up to 20 letters, digits, dashes or underscores',
        ['prefix'],
      );
    }
    const length = input.length ?? DEFAULT_GENERATED_LENGTH;
    if (
      !Number.isSafeInteger(length) ||
      length < MIN_GENERATED_LENGTH ||
      length > MAX_GENERATED_LENGTH
    ) {
      throw new DomainError(
        PromotionsErrorCode.INVALID_VALUE,
        `length must be between ${MIN_GENERATED_LENGTH} and ${MAX_GENERATED_LENGTH}`,
        ['length'],
      );
    }
    const limits = checkLimits(input);
    await this.coupons.promotionOf(input.promotionId);

    return this.db.transaction(async (tx) => {
      const created: string[] = [];
      const seen = new Set<string>();
      for (let round = 0; created.length < count; round += 1) {
        if (round === MAX_GENERATE_ROUNDS) {
          throw new DomainError(
            PromotionsErrorCode.CODE_SPACE_EXHAUSTED,
            'Could not find enough free codes; use a longer length',
            ['length'],
          );
        }
        const batch: string[] = [];
        while (batch.length < count - created.length) {
          const code = prefix + randomCode(length);
          if (!seen.has(code)) {
            seen.add(code);
            batch.push(code);
          }
        }
        const inserted: { code: string }[] = await tx.query(
          `INSERT INTO promotions.coupon (promotion_id, code, usage_limit, per_customer_limit)
           SELECT $1, code, $3, $4 FROM unnest($2::text[]) AS t(code)
           ON CONFLICT (code) DO NOTHING
           RETURNING code`,
          [input.promotionId, batch, limits.usageLimit, limits.perCustomerLimit],
        );
        for (const row of inserted) created.push(row.code);
      }
      return { count: created.length, codes: created };
    });
  }
}

function randomCode(length: number): string {
  const bytes = randomBytes(length);
  let code = '';
  for (const byte of bytes) code += CODE_ALPHABET[byte & 31];
  return code;
}
