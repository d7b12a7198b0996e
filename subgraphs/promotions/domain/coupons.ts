import { type DataSource, type Repository } from 'typeorm';
import { isUniqueViolation } from '../../../platform/db';
import { DomainError } from '../../../platform/errors';
import { type Connection, type PageRequest, toConnection } from '../../../platform/pagination';
import { CouponRow, type PromotionRow } from '../entities';
import { PromotionsErrorCode } from '../errors';
import { checkLimits } from './input';
import type { Promotions } from './promotions';
import type { CouponInput } from './types';

/** A coupon code as staff type it: upper-cased, 3-64 letters, digits, dashes or underscores. */
const CODE = /^[A-Z0-9][A-Z0-9_-]{2,63}$/;

/** Coupons: the codes that unlock a promotion, with their usage limits. */
export class Coupons {
  private readonly coupons: Repository<CouponRow>;

  constructor(
    db: DataSource,
    private readonly promotions: Promotions,
  ) {
    this.coupons = db.getRepository(CouponRow);
  }

  byCode(code: string): Promise<CouponRow | null> {
    return this.coupons.findOneBy({ code: code.trim().toUpperCase() });
  }

  /** The coupons of a promotion by code. */
  async list(promotionId: string, page: PageRequest): Promise<Connection<CouponRow>> {
    const query = this.coupons
      .createQueryBuilder('k')
      .where('k.promotion_id = :promotionId', { promotionId });
    const totalCount = await query.clone().getCount();
    if (page.after) query.andWhere('k.code > :afterCode', { afterCode: page.after[0] });
    const rows = await query
      .orderBy('k.code', 'ASC')
      .limit(page.limit + 1)
      .getMany();
    return toConnection(rows, page, (row) => [row.code], totalCount);
  }

  async create(input: CouponInput): Promise<CouponRow> {
    const code = input.code.trim().toUpperCase();
    if (!CODE.test(code)) {
      throw new DomainError(
        PromotionsErrorCode.INVALID_CODE,
        'A code is 3-64 letters, digits, dashes or underscores',
        ['code'],
      );
    }
    const limits = checkLimits(input);
    await this.promotionOf(input.promotionId);
    try {
      return await this.coupons.save(
        this.coupons.create({ promotionId: input.promotionId, code, ...limits }),
      );
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError(
          PromotionsErrorCode.CODE_TAKEN,
          `Coupon code ${code} is already used`,
          ['code'],
        );
      throw error;
    }
  }

  /** A promotion coupons can be made for: it exists and asks for a code. */
  async promotionOf(promotionId: string): Promise<PromotionRow> {
    const promotion = await this.promotions.byId(promotionId);
    if (!promotion)
      throw new DomainError(
        PromotionsErrorCode.NOT_FOUND,
        `Promotion ${promotionId} was not found`,
        ['promotionId'],
      );
    if (!promotion.requiresCoupon) {
      throw new DomainError(
        PromotionsErrorCode.PROMOTION_AUTOMATIC,
        'The promotion applies without a code',
        ['promotionId'],
      );
    }
    return promotion;
  }
}
