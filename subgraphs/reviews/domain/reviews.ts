import type { DataSource } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import {
  parsePageArgs,
  toConnection,
  type Connection,
  type PageArgs,
} from '../../../platform/pagination';
import { ReviewsErrorCode as Code } from '../errors';
import { moderate, type ModerationPolicy } from './moderation';
import { recountRating } from './rating';
import type { ReviewSources } from './sources';

export type ReviewStatus = 'PUBLISHED' | 'HELD' | 'REJECTED';

export interface Review {
  id: string;
  productId: string;
  customerId: string;
  authorName: string;
  rating: number;
  title: string;
  body: string;
  status: ReviewStatus;
  verifiedPurchase: boolean;
  holdReasons: string[];
  helpfulCount: number;
  moderationNote: string | null;
  createdAt: Date;
}

export interface ReviewDraft {
  productId: string;
  rating: number;
  title: string;
  body: string;
}

const COLUMNS = `id, product_id AS "productId", customer_id AS "customerId", author_name AS "authorName",
  rating, title, body, status, verified_purchase AS "verifiedPurchase", hold_reasons AS "holdReasons",
  helpful_count AS "helpfulCount", moderation_note AS "moderationNote", created_at AS "createdAt"`;

/** Reviews' use cases: post (auto-moderated), moderate, vote helpful, and the reads. */
export class ReviewStore {
  constructor(
    private readonly db: DataSource,
    private readonly sources: ReviewSources,
    private readonly policy: ModerationPolicy,
  ) {}

  async post(customerId: string, authorName: string, draft: ReviewDraft): Promise<Review> {
    return this.db.transaction(async (tx) => {
      if (!(await this.sources.productReviewable(tx, draft.productId))) {
        throw new DomainError(Code.PRODUCT_UNKNOWN, 'No such product to review', [
          'input',
          'productId',
        ]);
      }
      const verifiedPurchase = await this.sources.deliveredTo(tx, customerId, draft.productId);
      const verdict = moderate({ ...draft, verifiedPurchase }, this.policy);
      const status: ReviewStatus = verdict.decision === 'PUBLISH' ? 'PUBLISHED' : 'HELD';
      const rows: Review[] = await tx.query(
        `INSERT INTO reviews.review
           (product_id, customer_id, author_name, rating, title, body, status, verified_purchase, hold_reasons)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT ON CONSTRAINT review_once DO NOTHING
         RETURNING ${COLUMNS}`,
        [
          draft.productId,
          customerId,
          authorName,
          draft.rating,
          draft.title,
          draft.body,
          status,
          verifiedPurchase,
          verdict.reasons,
        ],
      );
      if (!rows[0]) {
        throw new DomainError(Code.ALREADY_REVIEWED, 'You reviewed this product already', [
          'input',
          'productId',
        ]);
      }
      if (status === 'PUBLISHED') await recountRating(tx, draft.productId);
      return rows[0];
    });
  }

  /** Staff: publish or reject a review (a published one may be withdrawn); the rating follows. */
  async moderate(id: string, decision: 'PUBLISH' | 'REJECT', staff: string, note: string | null) {
    return this.db.transaction(async (tx) => {
      const [current]: Review[] = await tx.query(
        `SELECT ${COLUMNS} FROM reviews.review WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!current) throw new DomainError(Code.NOT_FOUND, `No review ${id}`, ['id']);
      const status: ReviewStatus = decision === 'PUBLISH' ? 'PUBLISHED' : 'REJECTED';
      if (current.status === status) {
        throw new DomainError(Code.ALREADY_MODERATED, `The review is ${status} already`, [
          'decision',
        ]);
      }
      const [[updated]]: [Review[], number] = await tx.query(
        `UPDATE reviews.review SET status = $2, moderated_by = $3, moderation_note = $4,
           moderated_at = now()
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, status, staff, note],
      );
      if (current.status === 'PUBLISHED' || status === 'PUBLISHED') {
        await recountRating(tx, current.productId);
      }
      return updated!;
    });
  }

  /**
   * One helpful vote per customer and review: the primary key decides, so a double click
   * or two concurrent requests count once; the count moves only with a vote inserted.
   */
  async voteHelpful(reviewId: string, customerId: string): Promise<Review> {
    return this.db.transaction(async (tx) => {
      const [review]: Review[] = await tx.query(
        `SELECT ${COLUMNS} FROM reviews.review WHERE id = $1`,
        [reviewId],
      );
      if (!review) throw new DomainError(Code.NOT_FOUND, `No review ${reviewId}`, ['reviewId']);
      if (review.status !== 'PUBLISHED') {
        throw new DomainError(Code.REVIEW_NOT_PUBLISHED, 'Only published reviews take votes', [
          'reviewId',
        ]);
      }
      if (review.customerId === customerId) {
        throw new DomainError(Code.OWN_REVIEW, 'You cannot vote for your own review', ['reviewId']);
      }
      const inserted: unknown[] = await tx.query(
        `INSERT INTO reviews.helpful_vote (review_id, customer_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING review_id`,
        [reviewId, customerId],
      );
      if (inserted.length === 0) return review;
      const [[updated]]: [Review[], number] = await tx.query(
        `UPDATE reviews.review SET helpful_count = helpful_count + 1 WHERE id = $1 RETURNING ${COLUMNS}`,
        [reviewId],
      );
      return updated!;
    });
  }

  async byIds(ids: readonly string[]): Promise<Review[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM reviews.review WHERE id = ANY($1::uuid[])`, [ids]);
  }

  async ofCustomer(customerId: string): Promise<Review[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM reviews.review WHERE customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT 100`,
      [customerId],
    );
  }

  /** Published reviews of a product, newest first. */
  publishedOf(productId: string, page: PageArgs): Promise<Connection<Review>> {
    return this.page(`product_id = $1 AND status = 'PUBLISHED'`, [productId], page, 'DESC');
  }

  /** Staff's queue: oldest first, so what waited longest is decided first. */
  withStatus(status: ReviewStatus, page: PageArgs): Promise<Connection<Review>> {
    return this.page(`status = $1`, [status], page, 'ASC');
  }

  private async page(
    where: string,
    params: unknown[],
    args: PageArgs,
    direction: 'ASC' | 'DESC',
  ): Promise<Connection<Review>> {
    const page = parsePageArgs(args, 2);
    const [{ count }] = await this.db.query(
      `SELECT count(*)::int AS count FROM reviews.review WHERE ${where}`,
      params,
    );
    const values = [...params];
    let condition = where;
    if (page.after) {
      values.push(page.after[0], page.after[1]);
      const op = direction === 'DESC' ? '<' : '>';
      condition += ` AND (created_at, id) ${op} ($${values.length - 1}::timestamptz, $${values.length}::uuid)`;
    }
    values.push(page.limit + 1);
    const rows: Review[] = await this.db.query(
      `SELECT ${COLUMNS} FROM reviews.review WHERE ${condition}
       ORDER BY created_at ${direction}, id ${direction} LIMIT $${values.length}`,
      values,
    );
    return toConnection(rows, page, (r) => [r.createdAt.toISOString(), r.id], count);
  }
}
