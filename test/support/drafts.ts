import { dataOf } from '../../platform/testing/graphql-client';
import {
  bootstrapAdmin,
  callerOf,
  customerToken,
  registerVerified,
  staffToken as staffTokenOf,
} from './accounts';
import { startTestPlatform, type TestPlatform } from './platform';
import { createProduct, createWarehouse, receiveStock } from './shop';

/** A shop for the draft-order tests: authorization enforced, a staff admin and a customer. */
export interface DraftShop {
  platform: TestPlatform;
  /** The platform as staff sends to it (the shop helpers' `query`). */
  admin: TestPlatform;
  staff: ReturnType<typeof callerOf>;
  customer: ReturnType<typeof callerOf>;
  customerId: string;
  staffBearer: string;
  customerBearer: string;
  lamp: string;
  shade: string;
  anonymous(): ReturnType<typeof callerOf>;
  stop(): Promise<void>;
}

export const ADMIN = { email: 'drafts-root@shop.test', password: 'correct horse battery staple' };
export const CUSTOMER = { email: 'draft-buyer@example.com', password: 'draft buyer passphrase 1' };

export const DRAFT = /* GraphQL */ `
  fragment Draft on DraftOrder {
    id
    status
    email
    customerId
    lines {
      sku
      quantity
      unitPrice {
        amount
      }
      priceOverride {
        amount {
          amount
        }
      }
    }
    cost {
      subtotal {
        amount
      }
      total {
        amount
        currency
      }
      errors {
        code
      }
    }
    order {
      id
      status
    }
  }
`;
export const CREATE = `mutation ($input: DraftOrderCreateInput!) {
  draftOrderCreate(input: $input) { draftOrder { ...Draft } userErrors { field code message } }
} ${DRAFT}`;
export const SEND = `mutation ($id: ID!) {
  draftOrderSend(id: $id) { draftOrder { status } payToken payUrl userErrors { field code } }
}`;
export const PAY = `mutation ($input: DraftOrderCheckoutInput!) {
  draftOrderCheckout(input: $input) {
    order { id status email total { amount } lines { sku unitPrice { amount } quantity } }
    orderAccessToken
    paymentAction { url }
    userErrors { field code message }
  }
}`;
export const READ = `query ($id: ID!) { draftOrder(id: $id) { ...Draft } } ${DRAFT}`;
export const PAYABLE = `query ($t: String!) { payableDraftOrder(payToken: $t) { status email lines { sku unitPrice { amount } } cost { total { amount } } } }`;

export async function startDraftShop(name: string): Promise<DraftShop> {
  const clearAdmin = bootstrapAdmin(ADMIN);
  const platform = await startTestPlatform(name, { authorization: 'enforced', background: true });
  const anonymous = () => callerOf(() => platform.router.url, null);
  const staffBearer = await staffTokenOf(anonymous(), ADMIN.email, ADMIN.password);
  const staff = callerOf(() => platform.router.url, staffBearer);
  const admin = { ...platform, query: staff } as TestPlatform;
  const product = await createProduct(admin, 'Desk Lamp', [
    { sku: 'DRAFT-LAMP', price: 8000 },
    { sku: 'DRAFT-SHADE', price: 2500 },
  ]);
  const [lamp, shade] = product.variants.map((v) => v.id) as [string, string];
  const warehouse = await createWarehouse(admin, 'DRAFT-1');
  await receiveStock(admin, 'DRAFT-LAMP', warehouse, 10);
  await receiveStock(admin, 'DRAFT-SHADE', warehouse, 10);
  const customerId = await registerVerified(anonymous(), CUSTOMER.email, CUSTOMER.password);
  const customerBearer = await customerToken(anonymous(), CUSTOMER.email, CUSTOMER.password);
  const customer = callerOf(() => platform.router.url, customerBearer);
  return {
    platform,
    admin,
    staff,
    customer,
    customerId,
    staffBearer,
    customerBearer,
    lamp,
    shade,
    anonymous,
    async stop() {
      clearAdmin();
      await platform.stop();
    },
  };
}

export async function createDraft(shop: DraftShop, input: Record<string, unknown>) {
  const created = dataOf(await shop.staff(CREATE, { input })).draftOrderCreate;
  expect(created.userErrors).toEqual([]);
  return created.draftOrder;
}

/** Sends the draft; its pay token. */
export async function send(shop: DraftShop, id: string): Promise<string> {
  const sent = dataOf(await shop.staff(SEND, { id })).draftOrderSend;
  expect(sent.userErrors).toEqual([]);
  expect(sent.draftOrder.status).toBe('SENT');
  expect(new URL(sent.payUrl).searchParams.get('token')).toBe(sent.payToken);
  return sent.payToken;
}

export const pay = (
  shop: DraftShop,
  payToken: string,
  idempotencyKey: string,
  caller = shop.anonymous(),
  payment: Record<string, unknown> = { token: 'tok_visa' },
) =>
  caller(PAY, { input: { payToken, idempotencyKey, payment } }).then(
    (r) => dataOf(r).draftOrderCheckout,
  );
