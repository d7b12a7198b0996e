import { randomUUID } from 'node:crypto';
import { dataOf } from '../platform/testing/graphql-client';
import { codeOf } from './support/accounts';
import type { TestPlatform } from './support/platform';
import { ADDRESS, setPrice, stockOf } from './support/shop';
import {
  CUSTOMER,
  createDraft,
  CREATE,
  DRAFT,
  type DraftShop,
  PAY,
  PAYABLE,
  pay,
  READ,
  SEND,
  send,
  startDraftShop,
} from './support/drafts';

/**
 * Draft orders through the router with authorization enforced: staff (drafts:manage) build
 * an order with a price override, send it, and the customer pays it with the pay token (or
 * staff mark it paid); it becomes a normal order. Nobody else creates or reads drafts.
 */
let shop: DraftShop;
let platform: TestPlatform;
let admin: TestPlatform;
let staff: DraftShop['staff'];
let customer: DraftShop['customer'];
let customerId: string;
let lamp: string;
let shade: string;

beforeAll(async () => {
  shop = await startDraftShop('draft_orders');
  ({ platform, admin, staff, customer, customerId, lamp, shade } = shop);
});

afterAll(async () => {
  await shop?.stop();
});

describe('a draft order sent to the customer', () => {
  let draftId: string;
  let payToken: string;
  let quoted: number;
  let orderId: string;

  it('is built by staff with an override priced before tax, like checkout will charge it', async () => {
    const draft = await createDraft(shop, {
      email: CUSTOMER.email,
      customerId,
      lines: [
        { variantId: lamp, quantity: 2, priceOverride: { amount: 6000, reason: 'Showroom model' } },
        { variantId: shade, quantity: 1 },
      ],
      shippingAddress: ADDRESS,
    });
    expect(draft).toMatchObject({
      status: 'OPEN',
      customerId,
      lines: [
        {
          sku: 'DRAFT-LAMP',
          quantity: 2,
          unitPrice: { amount: 6000 },
          priceOverride: { amount: { amount: 6000 } },
        },
        { sku: 'DRAFT-SHADE', quantity: 1, unitPrice: { amount: 2500 }, priceOverride: null },
      ],
      cost: { subtotal: { amount: 2 * 6000 + 2500 }, errors: [], total: { currency: 'EUR' } },
      order: null,
    });
    draftId = draft.id;
    quoted = draft.cost.total.amount;
    // EUR lists include tax: the total is the subtotal plus shipping (free over a threshold or not).
    expect(quoted).toBeGreaterThanOrEqual(14500);
  });

  it('cannot be created or read by a customer or an anonymous caller', async () => {
    const input = { email: 'x@example.com', lines: [{ variantId: lamp, quantity: 1 }] };
    expect(codeOf(await shop.anonymous()(CREATE, { input }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await customer(CREATE, { input }))).toBe('FORBIDDEN');
    expect(codeOf(await customer(READ, { id: draftId }))).toBe('FORBIDDEN');
    expect(codeOf(await shop.anonymous()(READ, { id: draftId }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await customer(SEND, { id: draftId }))).toBe('FORBIDDEN');
  });

  it('is frozen when sent, and shown to whoever holds the pay token', async () => {
    payToken = await send(shop, draftId);
    expect(payToken.length).toBeGreaterThanOrEqual(32);
    const shown = dataOf(await shop.anonymous()(PAYABLE, { t: payToken })).payableDraftOrder;
    expect(shown).toEqual({
      status: 'SENT',
      email: CUSTOMER.email,
      lines: [
        { sku: 'DRAFT-LAMP', unitPrice: { amount: 6000 } },
        { sku: 'DRAFT-SHADE', unitPrice: { amount: 2500 } },
      ],
      cost: { total: { amount: quoted } },
    });
    expect(
      dataOf(await shop.anonymous()(PAYABLE, { t: `${payToken}x` })).payableDraftOrder,
    ).toBeNull();
    const changed = dataOf(
      await staff(
        `mutation ($id: ID!) { draftOrderUpdate(id: $id, input: { email: "other@example.com" }) { userErrors { field code } } }`,
        { id: draftId },
      ),
    ).draftOrderUpdate;
    expect(changed.userErrors).toEqual([{ field: ['id'], code: 'DRAFT_NOT_OPEN' }]);
  });

  it('is paid by the customer with a card through checkout: a normal order at the override price', async () => {
    const before = await stockOf(admin, 'DRAFT-LAMP');
    const key = randomUUID();
    const paid = await pay(shop, payToken, key);
    expect(paid.userErrors).toEqual([]);
    expect(paid.order).toMatchObject({
      status: 'PENDING',
      email: CUSTOMER.email,
      total: { amount: quoted },
      lines: [
        { sku: 'DRAFT-LAMP', quantity: 2, unitPrice: { amount: 6000 } },
        { sku: 'DRAFT-SHADE', quantity: 1, unitPrice: { amount: 2500 } },
      ],
    });
    expect(paid.orderAccessToken).toEqual(expect.any(String));
    orderId = paid.order.id;
    expect((await stockOf(admin, 'DRAFT-LAMP')).available).toBe(before.available - 2);

    // The order is the draft's customer's, though a guest paid it.
    const mine = dataOf(
      await customer(`query ($id: ID!) { order(id: $id) { id total { amount } } }`, {
        id: orderId,
      }),
    ).order;
    expect(mine).toEqual({ id: orderId, total: { amount: quoted } });

    const draft = dataOf(await staff(READ, { id: draftId })).draftOrder;
    expect(draft).toMatchObject({ status: 'COMPLETED', order: { id: orderId, status: 'PENDING' } });

    // A retry with the key is the same order; another key is told the draft is paid.
    const again = await pay(shop, payToken, key);
    expect(again).toMatchObject({ order: { id: orderId }, userErrors: [] });
    expect((await pay(shop, payToken, randomUUID())).userErrors).toEqual([
      expect.objectContaining({ code: 'DRAFT_ALREADY_PAID', field: ['input', 'idempotencyKey'] }),
    ]);
    expect((await stockOf(admin, 'DRAFT-LAMP')).available).toBe(before.available - 2);
  });
});

describe('an open draft', () => {
  it('is changed by staff (lines replaced, an override dropped, quoted again) and listed to staff only', async () => {
    const draft = await createDraft(shop, {
      email: 'edit@example.com',
      lines: [{ variantId: lamp, quantity: 1, priceOverride: { amount: 100, reason: 'Typo' } }],
    });
    expect(draft.cost.subtotal.amount).toBe(100);
    const UPDATE = `mutation ($id: ID!, $input: DraftOrderUpdateInput!) {
      draftOrderUpdate(id: $id, input: $input) { draftOrder { ...Draft } userErrors { field code } }
    } ${DRAFT}`;
    const updated = dataOf(
      await staff(UPDATE, {
        id: draft.id,
        input: { lines: [{ variantId: lamp, quantity: 2 }], shippingAddress: ADDRESS },
      }),
    ).draftOrderUpdate;
    expect(updated.userErrors).toEqual([]);
    expect(updated.draftOrder).toMatchObject({
      status: 'OPEN',
      lines: [{ sku: 'DRAFT-LAMP', quantity: 2, unitPrice: { amount: 8000 }, priceOverride: null }],
      cost: { subtotal: { amount: 16000 } },
    });
    const blankReason = { amount: 1, reason: '  ' };
    const refused = dataOf(
      await staff(UPDATE, {
        id: draft.id,
        input: { lines: [{ variantId: lamp, quantity: 1, priceOverride: blankReason }] },
      }),
    ).draftOrderUpdate;
    expect(refused.userErrors).toEqual([
      { field: ['input', 'lines', '0', 'priceOverride', 'reason'], code: 'REQUIRED' },
    ]);
    expect(dataOf(await staff(READ, { id: draft.id })).draftOrder.lines[0].quantity).toBe(2);

    const LIST = `query { draftOrders(first: 100, status: OPEN) { id status } }`;
    const listed = dataOf(await staff(LIST)).draftOrders as { id: string; status: string }[];
    expect(listed).toContainEqual({ id: draft.id, status: 'OPEN' });
    expect(listed.every((d) => d.status === 'OPEN')).toBe(true);
    expect(codeOf(await customer(LIST))).toBe('FORBIDDEN');
  });
});

describe('paying a draft is paying like a checkout', () => {
  it('survives a declined card, asks for 3-D Secure and places the order after it, and keeps saved cards to their owner', async () => {
    const draft = await createDraft(shop, {
      email: 'card@example.com',
      lines: [{ variantId: lamp, quantity: 1, priceOverride: { amount: 5000, reason: 'Repair' } }],
      shippingAddress: ADDRESS,
    });
    const token = await send(shop, draft.id);
    const before = await stockOf(admin, 'DRAFT-LAMP');

    const declined = await pay(shop, token, randomUUID(), shop.anonymous(), {
      token: 'tok_chargeDeclined',
    });
    expect(declined.userErrors).toEqual([expect.objectContaining({ code: 'PAYMENT_DECLINED' })]);
    expect(await stockOf(admin, 'DRAFT-LAMP')).toEqual(before);

    const saved = await pay(shop, token, randomUUID(), shop.anonymous(), {
      savedMethodId: randomUUID(),
    });
    expect(saved.userErrors).toEqual([
      expect.objectContaining({
        code: 'INVALID_INPUT',
        field: ['input', 'payment', 'savedMethodId'],
      }),
    ]);

    const key = randomUUID();
    const challenged = await pay(shop, token, key, shop.anonymous(), {
      token: 'tok_threeDSecureRequired',
    });
    expect(challenged.userErrors).toEqual([
      expect.objectContaining({ code: 'PAYMENT_ACTION_REQUIRED' }),
    ]);
    const bank = new URL(
      new URL(challenged.paymentAction.url).pathname,
      platform.subgraphUrls.payments,
    );
    const answered = await fetch(bank, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: '123456' }),
    });
    expect(answered.status).toBe(200);
    const placed = await pay(shop, token, key, shop.anonymous(), {
      token: 'tok_threeDSecureRequired',
    });
    expect(placed.userErrors).toEqual([]);
    expect(placed.order).toMatchObject({
      status: 'PENDING',
      lines: [{ unitPrice: { amount: 5000 } }],
    });
    expect((await stockOf(admin, 'DRAFT-LAMP')).available).toBe(before.available - 1);
  });

  it('issues a new pay token when sent again; the previous one stops working', async () => {
    const draft = await createDraft(shop, {
      email: 'resend@example.com',
      lines: [{ variantId: shade, quantity: 1 }],
      shippingAddress: ADDRESS,
    });
    const first = await send(shop, draft.id);
    const second = await send(shop, draft.id);
    expect(second).not.toBe(first);
    expect(dataOf(await shop.anonymous()(PAYABLE, { t: first })).payableDraftOrder).toBeNull();
    expect(dataOf(await shop.anonymous()(PAYABLE, { t: second })).payableDraftOrder.status).toBe(
      'SENT',
    );
    expect((await pay(shop, first, randomUUID())).userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'payToken'] }),
    ]);
  });

  it('refuses with PRICE_CHANGED when the lists moved since the customer was shown the total', async () => {
    const draft = await createDraft(shop, {
      email: 'moved@example.com',
      lines: [{ variantId: lamp, quantity: 1 }],
      shippingAddress: ADDRESS,
    });
    const token = await send(shop, draft.id);
    const total = async () =>
      dataOf(await shop.anonymous()(PAYABLE, { t: token })).payableDraftOrder.cost.total.amount;
    const shown = await total();
    await setPrice(admin, lamp, 'DRAFT-LAMP', 'EUR', 8500);
    try {
      const input = (amount: number) => ({
        input: {
          payToken: token,
          idempotencyKey: randomUUID(),
          payment: { token: 'tok_visa' },
          expectedTotal: { amount, currency: 'EUR' },
        },
      });
      const refused = dataOf(await shop.anonymous()(PAY, input(shown))).draftOrderCheckout;
      expect(refused.userErrors).toEqual([
        expect.objectContaining({ code: 'PRICE_CHANGED', field: ['expectedTotal'] }),
      ]);
      const now = await total();
      expect(now).toBe(shown + 500);
      const paid = dataOf(await shop.anonymous()(PAY, input(now))).draftOrderCheckout;
      expect(paid.userErrors).toEqual([]);
      expect(paid.order.total.amount).toBe(now);
    } finally {
      await setPrice(admin, lamp, 'DRAFT-LAMP', 'EUR', 8000);
    }
  });

  it('shows the override’s reason to staff only', async () => {
    const draft = await createDraft(shop, {
      email: 'reason@example.com',
      lines: [{ variantId: shade, quantity: 1, priceOverride: { amount: 1, reason: 'Goodwill' } }],
      shippingAddress: ADDRESS,
    });
    const token = await send(shop, draft.id);
    const REASON = `query ($t: String!) { payableDraftOrder(payToken: $t) { lines { priceOverride { reason } } } }`;
    const shown = await shop.anonymous()(REASON, { t: token });
    expect(codeOf(shown)).toBe('UNAUTHENTICATED');
    expect(shown.data?.payableDraftOrder?.lines?.[0]?.priceOverride?.reason ?? null).toBeNull();
    expect(
      dataOf(await staff(REASON, { t: token })).payableDraftOrder.lines[0].priceOverride,
    ).toEqual({ reason: 'Goodwill' });
  });
});
