import { PRODUCT_CHANGED_TOPIC } from '../../platform/events/product-topics';
import { createPubSub, type PubSubHandle } from '../../platform/pubsub';
import { startSubgraphForTest, type TestSubgraph, viewers } from '../../platform/testing/harness';
import { ORDER_CONFIRMED_TOPIC, ORDER_DELIVERED_TOPIC } from '../../platform/topics';
import { reviewsSubgraph, type ReviewsServices } from '.';

/** Reviews alone, fed by events as the platform would feed it; who may see and do what. */
let t: TestSubgraph<ReviewsServices>;
let pubsub: PubSubHandle;
const PRODUCT = '00000000-0000-4000-8000-0000000000a1';
const VARIANT = '00000000-0000-4000-8000-0000000000b1';
const ORDER = '00000000-0000-4000-8000-0000000000c1';
const buyer = { viewer: viewers.customer('buyer') };
const other = { viewer: viewers.customer('other') };
const stranger = { viewer: viewers.customer('stranger') };
const moderator = { viewer: viewers.staff(['reviews:moderate']) };

const POST = `mutation ($input: ReviewPostInput!) { reviewPost(input: $input) {
  review { id status verifiedPurchase holdReasons rating helpfulCount authorName }
  userErrors { field code } } }`;
const REVIEW = `query ($id: ID!) { review(id: $id) { id status holdReasons } }`;
const RATING = `query ($r: [_Any!]!) { _entities(representations: $r) {
  ... on Product { rating { average count } reviews { totalCount edges { node { id } } } } } }`;
const VOTE = `mutation ($id: ID!) { reviewHelpfulVote(reviewId: $id) {
  review { helpfulCount } userErrors { code } } }`;
const MODERATE = `mutation ($id: ID!, $d: ReviewDecision!) { reviewModerate(id: $id, decision: $d) {
  review { status } userErrors { code } } }`;

const input = (body: string, rating = 5) => ({
  productId: PRODUCT,
  rating,
  title: 'Good tee',
  body,
});
const productOf = async () =>
  (await t.data(RATING, { r: [{ __typename: 'Product', id: PRODUCT }] }))._entities[0];

beforeAll(async () => {
  // In-process (not REDIS_URL's): a publish is heard before it resolves, so idle() covers it.
  pubsub = createPubSub('', `reviews-access-${process.pid}`);
  t = await startSubgraphForTest(reviewsSubgraph, {
    pubsub,
    env: { AUTHORIZATION_MODE: undefined },
  });
  const publish = (topic: string, event: object) => pubsub.pubsub.publish(topic, event);
  await publish(PRODUCT_CHANGED_TOPIC, {
    productId: PRODUCT,
    version: '1',
    name: 'Tee',
    description: '',
    status: 'ACTIVE',
    locale: 'en',
    brand: null,
    categories: [],
    variants: [{ id: VARIANT, sku: 'TEE-M', title: 'M', options: [] }],
    createdAt: new Date().toISOString(),
    eventId: 'catalog:1',
  });
  await publish(ORDER_CONFIRMED_TOPIC, {
    orderId: ORDER,
    customerId: 'buyer',
    currency: 'EUR',
    reservationId: ORDER,
    shippingAddress: { name: 'B', line1: 'x', city: 'y', postalCode: '1', country: 'DE' },
    lines: [{ lineId: 'l', variantId: VARIANT, sku: 'TEE-M', quantity: 1 }],
    eventId: 'orders:1',
  });
  await publish(ORDER_DELIVERED_TOPIC, {
    orderId: ORDER,
    fulfillmentIds: [],
    eventId: 'fulfillment:1',
  });
  await t.subgraph.events.idle();
});

afterAll(async () => {
  await t?.stop();
  await pubsub?.close();
});

describe('reviews', () => {
  let published: string;
  let held: string;

  it('publishes the buyer review as verified and moves the rating; a second one is refused', async () => {
    expect(await productOf()).toEqual({
      rating: { average: null, count: 0 },
      reviews: { totalCount: 0, edges: [] },
    });
    const posted = (
      await t.data(POST, { input: input('Soft, true to size, kept its shape.', 4) }, buyer)
    ).reviewPost;
    expect(posted.userErrors).toEqual([]);
    expect(posted.review).toMatchObject({
      status: 'PUBLISHED',
      verifiedPurchase: true,
      holdReasons: [],
      rating: 4,
    });
    published = posted.review.id;
    expect(await productOf()).toEqual({
      rating: { average: 4, count: 1 },
      reviews: { totalCount: 1, edges: [{ node: { id: published } }] },
    });
    const again = (await t.data(POST, { input: input('Another go at the same product.') }, buyer))
      .reviewPost;
    expect(again.userErrors).toEqual([{ field: ['input', 'productId'], code: 'ALREADY_REVIEWED' }]);
    const [event] = await t.sql(
      `SELECT payload FROM outbox WHERE topic = 'reviews.product.rating.changed'`,
    );
    expect(event!.payload).toEqual({ productId: PRODUCT, average: 4, count: 1 });
  });

  it('holds an unverified or profane review: only its author and moderators see it', async () => {
    const posted = (
      await t.data(POST, { input: input('Looks like shit in the photos.', 1) }, other)
    ).reviewPost;
    expect(posted.review).toMatchObject({
      status: 'HELD',
      verifiedPurchase: false,
      holdReasons: ['PROFANITY', 'UNVERIFIED_PURCHASE'],
    });
    held = posted.review.id;
    expect((await t.data(REVIEW, { id: held }, stranger)).review).toBeNull();
    expect((await t.data(REVIEW, { id: held }, { viewer: viewers.anonymous })).review).toBeNull();
    expect(
      (await t.data(REVIEW, { id: held }, { viewer: viewers.staff(['orders:manage']) })).review,
    ).toBeNull();
    expect((await t.data(REVIEW, { id: held }, other)).review.holdReasons).toHaveLength(2);
    expect((await t.data(REVIEW, { id: held }, moderator)).review.status).toBe('HELD');
    // Held reviews neither count nor show.
    expect((await productOf()).rating).toEqual({ average: 4, count: 1 });
    // A published review is public; its moderation details are not.
    expect((await t.data(REVIEW, { id: published }, stranger)).review).toEqual({
      id: published,
      status: 'PUBLISHED',
      holdReasons: null,
    });
  });

  it('lets only moderators decide; publishing counts it in the rating', async () => {
    const refused = await t.gql(MODERATE, { id: held, d: 'PUBLISH' }, other);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const queue = await t.gql(`{ reviewsForModeration { totalCount } }`, {}, other);
    expect(queue.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(
      (await t.data(`{ reviewsForModeration { totalCount } }`, {}, moderator)).reviewsForModeration
        .totalCount,
    ).toBe(1);
    const done = (await t.data(MODERATE, { id: held, d: 'PUBLISH' }, moderator)).reviewModerate;
    expect(done).toEqual({ review: { status: 'PUBLISHED' }, userErrors: [] });
    expect((await productOf()).rating).toEqual({ average: 2.5, count: 2 });
    const twice = (await t.data(MODERATE, { id: held, d: 'PUBLISH' }, moderator)).reviewModerate;
    expect(twice.userErrors).toEqual([{ code: 'ALREADY_MODERATED' }]);
    const withdrawn = (await t.data(MODERATE, { id: held, d: 'REJECT' }, moderator)).reviewModerate;
    expect(withdrawn.review.status).toBe('REJECTED');
    expect((await productOf()).rating).toEqual({ average: 4, count: 1 });
  });

  it('counts a helpful vote once per customer, also when sent ten times at once', async () => {
    const votes = await Promise.all(
      Array.from({ length: 10 }, () => t.data(VOTE, { id: published }, stranger)),
    );
    expect(votes.every((v) => v.reviewHelpfulVote.userErrors.length === 0)).toBe(true);
    expect(
      (await t.data(VOTE, { id: published }, other)).reviewHelpfulVote.review.helpfulCount,
    ).toBe(2);
    const [row] = await t.sql(
      `SELECT helpful_count, (SELECT count(*)::int FROM helpful_vote) AS votes FROM review WHERE id = $1`,
      [published],
    );
    expect(row).toEqual({ helpful_count: 2, votes: 2 });
    expect((await t.data(VOTE, { id: published }, buyer)).reviewHelpfulVote.userErrors).toEqual([
      { code: 'OWN_REVIEW' },
    ]);
    expect((await t.data(VOTE, { id: held }, stranger)).reviewHelpfulVote.userErrors).toEqual([
      { code: 'REVIEW_NOT_PUBLISHED' },
    ]);
    expect((await t.gql(VOTE, { id: published })).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('refuses bad input with a field path, and staff posting', async () => {
    const codes = async (i: object, as = stranger) =>
      (await t.data(POST, { input: { ...input('A perfectly fine review text.'), ...i } }, as))
        .reviewPost.userErrors;
    expect(await codes({ rating: 6 })).toEqual([
      { field: ['input', 'rating'], code: 'INVALID_RATING' },
    ]);
    expect(await codes({ body: 'too short' })).toEqual([
      { field: ['input', 'body'], code: 'BODY_TOO_SHORT' },
    ]);
    expect(await codes({ title: 'x'.repeat(121) })).toEqual([
      { field: ['input', 'title'], code: 'TITLE_TOO_LONG' },
    ]);
    expect(await codes({ productId: 'nope' })).toEqual([
      { field: ['input', 'productId'], code: 'INVALID_ID' },
    ]);
    expect(await codes({ productId: VARIANT })).toEqual([
      { field: ['input', 'productId'], code: 'PRODUCT_UNKNOWN' },
    ]);
    expect(await codes({}, moderator)).toEqual([{ field: null, code: 'CUSTOMERS_ONLY' }]);
  });
});
