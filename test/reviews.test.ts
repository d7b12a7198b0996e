import { randomUUID } from 'node:crypto';
import { dataOf } from '../platform/testing/graphql-client';
import {
  createCommerceClient,
  MyReviewsDocument,
  ProductReviewsDocument,
  ReviewHelpfulVoteDocument,
  ReviewModerateDocument,
  ReviewPostDocument,
  ReviewsForModerationDocument,
  type CommerceClient,
} from '../sdk/node';
import {
  bootstrapAdmin,
  callerOf,
  customerToken,
  registerVerified,
  staffToken,
} from './support/accounts';
import { type ChangeShop, deliverConfirmed, stockChangeShop } from './support/changes';
import { eventually } from './support/fulfillment';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { CHECKOUT, cartWith, checkoutInput } from './support/shop';

/**
 * Reviews through the router with tokens deciding: a delivered order's customer reviews
 * what they bought (verified from orders' and fulfillment's events), the rating on
 * catalog's Product moves, helpful votes count once, held reviews stay private.
 */
const ADMIN = { email: 'reviews-root@shop.test', password: 'correct horse battery staple' };
const PASSWORD = 'a long enough passphrase 1';
let platform: TestPlatform;
let clearAdmin: () => void;
let shop: ChangeShop;
let productId: string;
let ada: CommerceClient;
let bob: CommerceClient;
let staff: CommerceClient;
let anonymous: CommerceClient;
let adaToken: string;
let staffBearer: string;

beforeAll(async () => {
  clearAdmin = bootstrapAdmin(ADMIN);
  platform = await startTestPlatform('reviews', { authorization: 'enforced', background: true });
  const url = platform.router.url;
  const nobody = callerOf(() => url, null);
  staffBearer = await staffToken(nobody, ADMIN.email, ADMIN.password);
  const admin = { ...platform, query: callerOf(() => url, staffBearer) } as TestPlatform;
  shop = await stockChangeShop(admin, 'REV');
  await registerVerified(nobody, 'ada-reviews@example.com', PASSWORD, {
    firstName: 'Ada',
    lastName: 'Lovelace',
  });
  await registerVerified(nobody, 'bob-reviews@example.com', PASSWORD);
  adaToken = await customerToken(nobody, 'ada-reviews@example.com', PASSWORD);
  const bobToken = await customerToken(nobody, 'bob-reviews@example.com', PASSWORD);
  ada = createCommerceClient({ url, getToken: () => adaToken });
  bob = createCommerceClient({ url, getToken: () => bobToken });
  staff = createCommerceClient({ url, getToken: () => staffBearer });
  anonymous = createCommerceClient({ url });

  // Ada buys the small tee signed in; the warehouse and the carrier deliver it.
  const asAda = callerOf(() => url, adaToken);
  const cartId = await cartWith({ ...platform, query: asAda } as TestPlatform, [
    { variantId: shop.small, quantity: 1 },
  ]);
  const placed = dataOf(
    await asAda(CHECKOUT, { input: checkoutInput(cartId, randomUUID()) }),
  ).checkout;
  expect(placed.userErrors).toEqual([]);
  const captured = dataOf(
    await admin.query(`mutation ($id: ID!) { orderCapture(id: $id) { userErrors { code } } }`, {
      id: placed.order.id,
    }),
  ).orderCapture;
  expect(captured.userErrors).toEqual([]);
  await deliverConfirmed(admin, placed.order.id);
  productId = dataOf(
    await nobody(`query ($id: ID) { variant(id: $id) { product { id } } }`, { id: shop.small }),
  ).variant.product.id;
  // Reviews hears of the delivery by event, after orders did.
  await eventually(
    () =>
      platform.subgraphs.reviews!.dataSource.query(
        `SELECT 1 FROM reviews.purchase WHERE order_id = $1 AND delivered_at IS NOT NULL`,
        [placed.order.id],
      ),
    (rows: unknown[]) => rows.length === 1,
  );
});

afterAll(async () => {
  clearAdmin?.();
  await Promise.all([ada, bob, staff, anonymous].map((c) => c?.close()));
  await platform?.stop();
});

const ratingOf = async () =>
  (await anonymous.request(ProductReviewsDocument, { id: productId })).product!;

describe('reviews through the router', () => {
  it('a delivered order customer posts a review → auto-moderated → published as verified; Product.rating moves; another customer helpful vote counts once', async () => {
    expect((await ratingOf()).rating).toEqual({ average: null, count: 0 });

    const { reviewPost } = await ada.request(ReviewPostDocument, {
      input: {
        productId,
        rating: 5,
        title: 'Best tee I own',
        body: 'Soft cotton, true to size, and it kept its shape after many washes.',
      },
    });
    expect(reviewPost.userErrors).toEqual([]);
    expect(reviewPost.review).toMatchObject({
      status: 'PUBLISHED',
      verifiedPurchase: true,
      authorName: 'Ada L.',
      holdReasons: [],
      helpfulCount: 0,
    });
    const reviewId = reviewPost.review!.id;

    const page = await ratingOf();
    expect(page.rating).toEqual({ average: 5, count: 1 });
    expect(page.reviews.edges.map((e) => e.node.id)).toEqual([reviewId]);

    // Bob clicks "helpful" three times, two of them at once: one vote.
    const votes = await Promise.all([
      bob.request(ReviewHelpfulVoteDocument, { reviewId }),
      bob.request(ReviewHelpfulVoteDocument, { reviewId }),
    ]);
    const again = await bob.request(ReviewHelpfulVoteDocument, { reviewId });
    for (const { reviewHelpfulVote } of [...votes, again]) {
      expect(reviewHelpfulVote.userErrors).toEqual([]);
    }
    expect(again.reviewHelpfulVote.review!.helpfulCount).toBe(1);
    const own = await ada.request(ReviewHelpfulVoteDocument, { reviewId });
    expect(own.reviewHelpfulVote.userErrors).toEqual([
      expect.objectContaining({ code: 'OWN_REVIEW', field: ['reviewId'] }),
    ]);
    await expect(anonymous.request(ReviewHelpfulVoteDocument, { reviewId })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect((await ratingOf()).reviews.edges[0]!.node.helpfulCount).toBe(1);

    // Search hears the new rating by event: the rating filter finds the tee now.
    const nobody = callerOf(() => platform.router.url, null);
    await eventually(
      async () =>
        dataOf(
          await nobody(
            `{ search(query: "REV Tee", filters: { minRating: 4.5 }) { edges { node { product { id } } } } }`,
          ),
        ).search.edges.map((e: { node: { product: { id: string } } }) => e.node.product.id),
      (ids: string[]) => ids.includes(productId),
    );
  });

  it('holds a review with a link by a customer who never bought: private to its author and staff, who decide', async () => {
    const { reviewPost } = await bob.request(ReviewPostDocument, {
      input: {
        productId,
        rating: 1,
        title: 'Meh',
        body: 'Much cheaper at https://rival.example/tees, go there instead.',
      },
    });
    expect(reviewPost.review).toMatchObject({
      status: 'HELD',
      verifiedPurchase: false,
      holdReasons: ['LINK', 'UNVERIFIED_PURCHASE'],
    });
    const heldId = reviewPost.review!.id;
    const REVIEW = `query ($id: ID!) { review(id: $id) { id status holdReasons } }`;
    for (const token of [null, adaToken]) {
      const caller = callerOf(() => platform.router.url, token);
      expect(dataOf(await caller(REVIEW, { id: heldId })).review).toBeNull();
    }
    expect((await bob.request(MyReviewsDocument, {})).myReviews).toEqual([
      expect.objectContaining({ id: heldId, status: 'HELD' }),
    ]);
    // Not counted, not shown.
    expect((await ratingOf()).rating).toEqual({ average: 5, count: 1 });

    await expect(ada.request(ReviewsForModerationDocument, {})).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const queue = await staff.request(ReviewsForModerationDocument, { status: 'HELD' });
    expect(queue.reviewsForModeration.edges.map((e) => e.node.id)).toEqual([heldId]);
    const { reviewModerate } = await staff.request(ReviewModerateDocument, {
      id: heldId,
      decision: 'REJECT',
      note: 'Links to other shops are not allowed',
    });
    expect(reviewModerate.review).toMatchObject({ status: 'REJECTED' });
    expect((await bob.request(MyReviewsDocument, {})).myReviews[0]).toMatchObject({
      status: 'REJECTED',
      moderationNote: 'Links to other shops are not allowed',
    });
    expect((await ratingOf()).rating).toEqual({ average: 5, count: 1 });
  });

  it('gives staff the permissions of identity migration 0007 and customers none of them', async () => {
    const DELIVERIES = `{ notificationDeliveries(first: 1) { totalCount } }`;
    const asStaff = callerOf(() => platform.router.url, staffBearer);
    const asAda = callerOf(() => platform.router.url, adaToken);
    expect((await asStaff(DELIVERIES)).errors).toBeUndefined();
    expect((await asAda(DELIVERIES)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const roles = dataOf(await asStaff(`{ roles { name permissions } }`)).roles as {
      name: string;
      permissions: string[];
    }[];
    for (const name of ['super_admin', 'admin', 'staff']) {
      expect(roles.find((r) => r.name === name)?.permissions).toEqual(
        expect.arrayContaining(['notifications:manage', 'reviews:moderate']),
      );
    }
  });
});
