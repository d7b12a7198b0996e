import { randomUUID } from 'node:crypto';
import { dataOf } from '../platform/testing/graphql-client';
import {
  createCommerceClient,
  DraftOrderCheckoutDocument,
  DraftOrderCreateDocument,
  DraftOrderDocument,
  DraftOrderSendDocument,
  PayableDraftOrderDocument,
} from '../sdk/node';
import type { TestPlatform } from './support/platform';
import { ADDRESS, stockOf } from './support/shop';
import {
  CUSTOMER,
  createDraft,
  CREATE,
  type DraftShop,
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
let customerId: string;
let staffBearer: string;
let customerBearer: string;
let lamp: string;
let shade: string;

beforeAll(async () => {
  shop = await startDraftShop('draft_pay');
  ({ platform, admin, staff, customerId, staffBearer, customerBearer, lamp, shade } = shop);
});

afterAll(async () => {
  await shop?.stop();
});

describe('a draft’s shipping method', () => {
  it('is the one staff chose, charged as checkout charges it; an unknown one is refused', async () => {
    const cart = dataOf(
      await shop.anonymous()(
        `mutation ($v: ID!) { cartCreate(input: { lines: [{ variantId: $v, quantity: 1 }] }) { cart { id } } }`,
        { v: lamp },
      ),
    ).cartCreate.cart;
    const options = dataOf(
      await shop.anonymous()(
        `query ($id: ID!) { cart(id: $id) { shippingOptions(countryCode: "DE") { method { id } price { amount } } } }`,
        { id: cart.id },
      ),
    ).cart.shippingOptions as { method: { id: string }; price: { amount: number } }[];
    expect(options.length).toBeGreaterThan(0);
    const chosen = options[options.length - 1]!;
    const METHOD = `mutation ($input: DraftOrderCreateInput!) {
      draftOrderCreate(input: $input) {
        draftOrder { id shippingMethodId cost { shipping { amount } shippingMethod { id } } }
        userErrors { field code }
      }
    }`;
    const input = {
      email: 'method@example.com',
      lines: [{ variantId: lamp, quantity: 1 }],
      shippingAddress: ADDRESS,
    };
    const created = dataOf(
      await staff(METHOD, { input: { ...input, shippingMethodId: chosen.method.id } }),
    ).draftOrderCreate;
    expect(created.userErrors).toEqual([]);
    expect(created.draftOrder).toMatchObject({
      shippingMethodId: chosen.method.id,
      cost: { shipping: { amount: chosen.price.amount }, shippingMethod: { id: chosen.method.id } },
    });
    const token = await send(shop, created.draftOrder.id);
    const paid = dataOf(
      await shop.anonymous()(
        `mutation ($input: DraftOrderCheckoutInput!) { draftOrderCheckout(input: $input) {
          order { shipping { amount } } userErrors { code } } }`,
        {
          input: { payToken: token, idempotencyKey: randomUUID(), payment: { token: 'tok_visa' } },
        },
      ),
    ).draftOrderCheckout;
    expect(paid).toEqual({ order: { shipping: { amount: chosen.price.amount } }, userErrors: [] });

    const refused = dataOf(
      await staff(METHOD, { input: { ...input, shippingMethodId: randomUUID() } }),
    ).draftOrderCreate;
    expect(refused.userErrors).toEqual([
      { field: ['input', 'shippingMethodId'], code: 'SHIPPING_METHOD_UNAVAILABLE' },
    ]);
  });
});

describe('a draft order marked paid', () => {
  it('places a CONFIRMED bank-transfer order with the money recorded, once', async () => {
    const draft = await createDraft(shop, {
      email: 'b2b@example.com',
      lines: [
        { variantId: shade, quantity: 3, priceOverride: { amount: 2000, reason: 'Trade price' } },
      ],
      shippingAddress: ADDRESS,
    });
    const MARK = `mutation ($id: ID!) {
      draftOrderMarkPaid(id: $id) {
        draftOrder { status order { id } }
        order { id status total { amount } payments { method status capturedAmount { amount } } }
        userErrors { field code }
      }
    }`;
    const marked = dataOf(await staff(MARK, { id: draft.id })).draftOrderMarkPaid;
    expect(marked.userErrors).toEqual([]);
    expect(marked.order).toMatchObject({
      status: 'CONFIRMED',
      total: { amount: draft.cost.total.amount },
      payments: [
        {
          method: 'BANK_TRANSFER',
          status: 'CAPTURED',
          capturedAmount: { amount: draft.cost.total.amount },
        },
      ],
    });
    expect(marked.draftOrder).toEqual({ status: 'COMPLETED', order: { id: marked.order.id } });
    const again = dataOf(await staff(MARK, { id: draft.id })).draftOrderMarkPaid;
    expect(again).toMatchObject({
      order: { id: marked.order.id, status: 'CONFIRMED' },
      userErrors: [],
    });
  });
});

describe('a draft order paid twice at once', () => {
  it('becomes one order: the customer’s card and the staff’s mark-paid race, the loser is undone', async () => {
    const draft = await createDraft(shop, {
      email: 'race@example.com',
      lines: [{ variantId: shade, quantity: 2 }],
      shippingAddress: ADDRESS,
    });
    const token = await send(shop, draft.id);
    const before = await stockOf(admin, 'DRAFT-SHADE');
    const [paid, marked] = await Promise.all([
      pay(shop, token, randomUUID()),
      staff(
        `mutation ($id: ID!) { draftOrderMarkPaid(id: $id) { order { id } userErrors { code } } }`,
        { id: draft.id },
      ).then((r) => dataOf(r).draftOrderMarkPaid),
    ]);
    const winners = [paid, marked].filter((p) => p.userErrors.length === 0);
    expect(winners).toHaveLength(1);
    const loser = winners[0] === paid ? marked : paid;
    expect(loser.userErrors).toEqual([expect.objectContaining({ code: 'DRAFT_ALREADY_PAID' })]);
    const now = dataOf(await staff(READ, { id: draft.id })).draftOrder;
    expect(now).toMatchObject({ status: 'COMPLETED', order: { id: winners[0].order.id } });
    // The loser's reservation was released: the stock moved once.
    expect((await stockOf(admin, 'DRAFT-SHADE')).available).toBe(before.available - 2);
  });
});

describe('bad input', () => {
  const line = (extra: Record<string, unknown> = {}) => ({
    variantId: lamp,
    quantity: 1,
    ...extra,
  });
  const errorsOf = async (input: Record<string, unknown>) =>
    dataOf(await staff(CREATE, { input: { email: 'bad@example.com', ...input } })).draftOrderCreate
      .userErrors;

  it('answers with userErrors and field paths', async () => {
    expect(await errorsOf({ lines: [line({ priceOverride: { amount: 100 } })] })).toEqual([
      expect.objectContaining({
        code: 'REQUIRED',
        field: ['input', 'lines', '0', 'priceOverride', 'reason'],
      }),
    ]);
    expect(
      await errorsOf({ lines: [line({ priceOverride: { amount: -1, reason: 'x' } })] }),
    ).toEqual([
      expect.objectContaining({
        code: 'INVALID_AMOUNT',
        field: ['input', 'lines', '0', 'priceOverride', 'amount'],
      }),
    ]);
    expect(await errorsOf({ lines: [line(), { variantId: randomUUID(), quantity: 1 }] })).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'lines', '1', 'variantId'] }),
    ]);
    expect(await errorsOf({ lines: [line({ quantity: 0 })] })).toEqual([
      expect.objectContaining({
        code: 'INVALID_QUANTITY',
        field: ['input', 'lines', '0', 'quantity'],
      }),
    ]);
    expect(await errorsOf({ customerId: randomUUID(), lines: [] })).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'customerId'] }),
    ]);
    expect(await errorsOf({ email: 'not-an-email', lines: [] })).toEqual([
      expect.objectContaining({ code: 'INVALID_EMAIL', field: ['input', 'email'] }),
    ]);
    const [address] = await errorsOf({
      lines: [],
      shippingAddress: { ...ADDRESS, postalCode: 'nope' },
    });
    expect(address.field.slice(0, 2)).toEqual(['input', 'shippingAddress']);
  });

  it('refuses to send an incomplete draft, and to pay a bad token or a cancelled draft', async () => {
    const empty = await createDraft(shop, { lines: [line()], email: 'half@example.com' });
    expect(dataOf(await staff(SEND, { id: empty.id })).draftOrderSend.userErrors).toEqual([
      { field: ['id'], code: 'DRAFT_INCOMPLETE' },
    ]);
    expect((await pay(shop, 'no-such-token', randomUUID())).userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'payToken'] }),
    ]);
    const draft = await createDraft(shop, {
      lines: [line()],
      email: 'gone@example.com',
      shippingAddress: ADDRESS,
    });
    const token = await send(shop, draft.id);
    const cancelled = dataOf(
      await staff(
        `mutation ($id: ID!) { draftOrderCancel(id: $id) { draftOrder { status } userErrors { code } } }`,
        {
          id: draft.id,
        },
      ),
    ).draftOrderCancel;
    expect(cancelled).toEqual({ draftOrder: { status: 'CANCELLED' }, userErrors: [] });
    expect((await pay(shop, token, randomUUID())).userErrors).toEqual([
      expect.objectContaining({ code: 'DRAFT_CANCELLED' }),
    ]);
  });
});

describe('through the SDK', () => {
  it('is created and sent by a staff tool and paid by the signed-in customer’s storefront', async () => {
    const url = platform.router.url;
    const staffTool = createCommerceClient({ url, getToken: () => staffBearer });
    const storefront = createCommerceClient({ url, getToken: () => customerBearer });
    try {
      const { draftOrderCreate } = await staffTool.request(DraftOrderCreateDocument, {
        input: {
          email: CUSTOMER.email,
          customerId,
          lines: [
            {
              variantId: lamp,
              quantity: 1,
              priceOverride: { amount: 7000, reason: 'Price match' },
            },
          ],
          shippingAddress: ADDRESS,
        },
      });
      expect(draftOrderCreate.userErrors).toEqual([]);
      const id = draftOrderCreate.draftOrder!.id;
      const { draftOrderSend } = await staffTool.request(DraftOrderSendDocument, { id });
      const payToken = draftOrderSend.payToken!;

      const { payableDraftOrder } = await storefront.request(PayableDraftOrderDocument, {
        payToken,
      });
      expect(payableDraftOrder!.lines[0]!.unitPrice.amount).toBe(7000);
      const { draftOrderCheckout } = await storefront.request(DraftOrderCheckoutDocument, {
        input: { payToken, idempotencyKey: randomUUID(), payment: { token: 'tok_visa' } },
      });
      expect(draftOrderCheckout.userErrors).toEqual([]);
      expect(draftOrderCheckout.order).toMatchObject({
        status: 'PENDING',
        total: { amount: payableDraftOrder!.cost.total.amount },
        lines: [{ sku: 'DRAFT-LAMP', unitPrice: { amount: 7000 } }],
      });

      const { draftOrder } = await staffTool.request(DraftOrderDocument, { id });
      expect(draftOrder).toMatchObject({
        status: 'COMPLETED',
        order: { id: draftOrderCheckout.order!.id },
      });
      // The storefront cannot read the draft itself, only what its pay token shows.
      await expect(storefront.request(DraftOrderDocument, { id })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
    } finally {
      await Promise.all([staffTool.close(), storefront.close()]);
    }
  });
});
