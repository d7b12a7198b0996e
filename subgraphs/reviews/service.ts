import type { DataSource } from 'typeorm';
import type { EventHandler } from '../../platform/events/consume';
import {
  PRODUCT_CHANGED_TOPIC,
  type ProductChangedEvent,
} from '../../platform/events/product-topics';
import { DomainError } from '../../platform/errors';
import type { Viewer } from '../../platform/identity';
import { isUuid } from '../../platform/ids';
import type { PageArgs } from '../../platform/pagination';
import {
  ORDER_CONFIRMED_TOPIC,
  ORDER_DELIVERED_TOPIC,
  type OrderConfirmedEvent,
  type OrderFulfillmentEvent,
} from '../../platform/topics';
import type { ReviewsConfig } from './config';
import { DEFAULT_BLOCKED_WORDS } from './domain/moderation';
import { ratingsOf } from './domain/rating';
import { ReviewStore, type ReviewDraft, type ReviewStatus } from './domain/reviews';
import { ReviewSources } from './domain/sources';
import { ReviewsErrorCode as Code } from './errors';
import type { IdentityGateway } from './gateways';

function id(value: string, field: string[]): string {
  if (!isUuid(value)) throw new DomainError(Code.INVALID_ID, 'Not a valid id', field);
  return value.toLowerCase();
}

/** Control characters other than line breaks and tabs are never meant in a review. */
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const clean = (value: string) => value.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim();

/**
 * Reviews' entry point: catalog's, orders' and fulfillment's events in, reviews posted
 * (validated, auto-moderated), moderated and voted on, the ratings they make.
 */
export class ReviewsService {
  readonly sources = new ReviewSources();
  readonly store: ReviewStore;

  constructor(
    private readonly db: DataSource,
    private readonly identity: IdentityGateway,
    private readonly config: ReviewsConfig,
  ) {
    this.store = new ReviewStore(db, this.sources, {
      blockedWords: [...DEFAULT_BLOCKED_WORDS, ...config.REVIEWS_BLOCKED_WORDS],
      holdUnverified: config.REVIEWS_HOLD_UNVERIFIED,
    });
  }

  consumers(): EventHandler<never>[] {
    const handlers: [
      EventHandler<ProductChangedEvent>,
      EventHandler<OrderConfirmedEvent>,
      EventHandler<OrderFulfillmentEvent>,
    ] = [
      { topic: PRODUCT_CHANGED_TOPIC, handle: (tx, e) => this.sources.applyProduct(tx, e) },
      { topic: ORDER_CONFIRMED_TOPIC, handle: (tx, e) => this.sources.applyOrderConfirmed(tx, e) },
      { topic: ORDER_DELIVERED_TOPIC, handle: (tx, e) => this.sources.applyOrderDelivered(tx, e) },
    ];
    return handlers as unknown as EventHandler<never>[];
  }

  async post(viewer: Viewer, input: ReviewDraft) {
    const customerId = this.customerOf(viewer);
    const draft = {
      productId: id(input.productId, ['input', 'productId']),
      rating: input.rating,
      title: clean(input.title),
      body: clean(input.body),
    };
    const c = this.config;
    if (!Number.isInteger(draft.rating) || draft.rating < 1 || draft.rating > 5) {
      throw new DomainError(Code.INVALID_RATING, 'A rating is 1 to 5', ['input', 'rating']);
    }
    if ([...draft.title].length > c.REVIEWS_TITLE_MAX_LENGTH) {
      throw new DomainError(
        Code.TITLE_TOO_LONG,
        `At most ${c.REVIEWS_TITLE_MAX_LENGTH} characters`,
        ['input', 'title'],
      );
    }
    const length = [...draft.body].length;
    if (length < c.REVIEWS_BODY_MIN_LENGTH) {
      throw new DomainError(
        Code.BODY_TOO_SHORT,
        `At least ${c.REVIEWS_BODY_MIN_LENGTH} characters`,
        ['input', 'body'],
      );
    }
    if (length > c.REVIEWS_BODY_MAX_LENGTH) {
      throw new DomainError(Code.BODY_TOO_LONG, `At most ${c.REVIEWS_BODY_MAX_LENGTH} characters`, [
        'input',
        'body',
      ]);
    }
    return this.store.post(customerId, await this.identity.authorName(viewer), draft);
  }

  moderate(viewer: Viewer, reviewId: string, decision: 'PUBLISH' | 'REJECT', note?: string | null) {
    const staff = viewer.kind === 'staff' ? viewer.staffId : viewer.kind;
    const text = note ? clean(note).slice(0, 1000) : null;
    return this.store.moderate(id(reviewId, ['id']), decision, staff, text);
  }

  voteHelpful(viewer: Viewer, reviewId: string) {
    return this.store.voteHelpful(id(reviewId, ['reviewId']), this.customerOf(viewer));
  }

  published(productId: string, page: PageArgs) {
    return this.store.publishedOf(productId, page);
  }

  forModeration(status: ReviewStatus, page: PageArgs) {
    return this.store.withStatus(status, page);
  }

  mine(viewer: Viewer) {
    return viewer.kind === 'customer'
      ? this.store.ofCustomer(viewer.customerId)
      : Promise.resolve([]);
  }

  ratings(productIds: readonly string[]) {
    return ratingsOf(this.db, productIds);
  }

  byIds(ids: readonly string[]) {
    return this.store.byIds(ids.filter((v) => isUuid(v)));
  }

  private customerOf(viewer: Viewer): string {
    if (viewer.kind !== 'customer') {
      throw new DomainError(Code.CUSTOMERS_ONLY, 'Only a signed-in customer may do this', null);
    }
    return viewer.customerId;
  }
}
