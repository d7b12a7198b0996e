import { DomainError, type UserError } from '../../platform/errors';
import { createServiceClient, type ServiceClient } from '../../platform/service-client';
import type { SubgraphUrls } from '../../platform/subgraph';

/** What carts and checkout need to know about a variant, as catalog has it now. */
export interface VariantInfo {
  id: string;
  sku: string;
  title: string;
  archived: boolean;
  product: {
    id: string;
    name: string;
    status: string;
    brand: { id: string } | null;
    category: CategoryChain | null;
  };
}

interface CategoryChain {
  id: string;
  parent: CategoryChain | null;
}

/** The category and its ancestors: a promotion on "Apparel" applies to "T-Shirts" too. */
export function categoryIds(variant: VariantInfo): string[] {
  const ids: string[] = [];
  for (let c = variant.product.category; c; c = c.parent) ids.push(c.id);
  return ids;
}

interface Payload {
  userErrors: UserError[];
}

/** A fellow service refused; its userError becomes ours, code and all. */
function raise(payload: Payload): never {
  const [first] = payload.userErrors;
  throw new DomainError(first!.code, first!.message, first!.field);
}

export class CatalogClient {
  constructor(private readonly client: ServiceClient) {}

  /** Variants by id in one call; unknown ids are simply absent from the map. */
  async variants(ids: string[]): Promise<Map<string, VariantInfo>> {
    const data = await this.client.request<{ _entities: (VariantInfo | null)[] }>(
      `query ($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on ProductVariant {
            id sku title archived
            product { id name status brand { id } category { id parent { id parent { id parent { id } } } } }
          }
        }
      }`,
      { representations: ids.map((id) => ({ __typename: 'ProductVariant', id })) },
    );
    return new Map(
      data._entities.filter((v): v is VariantInfo => v !== null).map((v) => [v.id, v]),
    );
  }
}

export interface PriceQuote {
  currency: string;
  taxInclusive: boolean;
  lines: {
    variantId: string;
    quantity: number;
    unitPrice: number;
    lineSubtotal: number;
    discountAmount: number;
    taxAmount: number;
    lineTotal: number;
  }[];
  subtotal: number;
  discountTotal: number;
  shippingAmount: number;
  shippingDiscountAmount: number;
  taxTotal: number;
  total: number;
}

export interface PriceQuoteRequest {
  currency: string;
  shippingCountry: string;
  shippingRegion?: string | null;
  lines: { variantId: string; quantity: number; discountAmount?: number }[];
  shippingDiscountAmount?: number;
}

export class PricingClient {
  constructor(private readonly client: ServiceClient) {}

  async quote(input: PriceQuoteRequest): Promise<PriceQuote> {
    const data = await this.client.request<{ priceQuote: Payload & { quote: PriceQuote } }>(
      `mutation ($input: PriceQuoteInput!) {
        priceQuote(input: $input) {
          quote {
            currency taxInclusive subtotal discountTotal shippingAmount shippingDiscountAmount taxTotal total
            lines { variantId quantity unitPrice lineSubtotal discountAmount taxAmount lineTotal }
          }
          userErrors { field message code }
        }
      }`,
      { input },
    );
    if (data.priceQuote.userErrors.length) raise(data.priceQuote);
    return data.priceQuote.quote;
  }
}

export interface DiscountQuote {
  lines: { variantId: string; discountAmount: number }[];
  orderDiscountAmount: number;
  shippingDiscountAmount: number;
  discountTotal: number;
  applied: { promotionId: string; name: string; code: string | null; amount: number }[];
}

export interface DiscountRequest {
  currency: string;
  customerKey?: string | null;
  customerSegments?: string[];
  couponCodes: string[];
  shippingAmount: number;
  lines: {
    variantId: string;
    productId: string;
    categoryIds: string[];
    brandId: string | null;
    quantity: number;
    unitPrice: number;
  }[];
}

const DISCOUNT_QUOTE = `quote {
  orderDiscountAmount shippingDiscountAmount discountTotal
  lines { variantId discountAmount }
  applied { promotionId name code amount }
}
userErrors { field message code }`;

export class PromotionsClient {
  constructor(private readonly client: ServiceClient) {}

  /** What the cart's discounts come to now; coupon problems come back beside the quote. */
  async quote(
    input: DiscountRequest,
  ): Promise<{ quote: DiscountQuote | null; userErrors: UserError[] }> {
    const data = await this.client.request<{
      discountQuote: { quote: DiscountQuote | null; userErrors: UserError[] };
    }>(`query ($input: DiscountInput!) { discountQuote(input: $input) { ${DISCOUNT_QUOTE} } }`, {
      input,
    });
    return data.discountQuote;
  }

  /** The same, and one use of each applied coupon held for the order; all or nothing. */
  async redeem(orderRef: string, input: DiscountRequest): Promise<DiscountQuote> {
    const data = await this.client.request<{ discountsRedeem: Payload & { quote: DiscountQuote } }>(
      `mutation ($input: DiscountRedeemInput!) { discountsRedeem(input: $input) { ${DISCOUNT_QUOTE} } }`,
      { input: { ...input, orderRef } },
    );
    if (data.discountsRedeem.userErrors.length) raise(data.discountsRedeem);
    return data.discountsRedeem.quote;
  }

  async release(orderRef: string): Promise<void> {
    await this.act('discountsRelease', orderRef);
  }

  async confirm(orderRef: string): Promise<void> {
    await this.act('discountsConfirm', orderRef);
  }

  private async act(mutation: string, orderRef: string): Promise<void> {
    const data = await this.client.request<Record<string, Payload>>(
      `mutation ($orderRef: String!) { ${mutation}(orderRef: $orderRef) { userErrors { field message code } } }`,
      { orderRef },
    );
    const payload = data[mutation]!;
    // Releasing what was never redeemed (no coupon applied) is nothing to undo.
    if (payload.userErrors.length && payload.userErrors[0]!.code !== 'NOT_FOUND') raise(payload);
  }
}

export interface ReservationRef {
  id: string;
  status: string;
}

const RESERVATION = `reservation { id status } userErrors { field message code }`;

export class InventoryClient {
  constructor(private readonly client: ServiceClient) {}

  async reserve(
    reference: string,
    lines: { sku: string; quantity: number }[],
    ttlSeconds: number,
  ): Promise<ReservationRef> {
    const data = await this.client.request<{
      stockReserve: Payload & { reservation: ReservationRef };
    }>(`mutation ($input: StockReserveInput!) { stockReserve(input: $input) { ${RESERVATION} } }`, {
      input: { reference, lines, ttlSeconds },
    });
    if (data.stockReserve.userErrors.length) raise(data.stockReserve);
    return data.stockReserve.reservation;
  }

  commit(id: string): Promise<ReservationRef> {
    return this.act('reservationCommit', id);
  }

  release(id: string): Promise<ReservationRef> {
    return this.act('reservationRelease', id);
  }

  fulfill(id: string): Promise<ReservationRef> {
    return this.act('reservationFulfill', id);
  }

  private async act(mutation: string, id: string): Promise<ReservationRef> {
    const data = await this.client.request<
      Record<string, Payload & { reservation: ReservationRef }>
    >(`mutation ($id: ID!) { ${mutation}(id: $id) { ${RESERVATION} } }`, { id });
    const payload = data[mutation]!;
    if (payload.userErrors.length) raise(payload);
    return payload.reservation;
  }
}

export interface PaymentRef {
  id: string;
  status: string;
  amount: { amount: number };
  capturedAmount: { amount: number };
  refundedAmount: { amount: number };
}

const PAYMENT = `payment { id status amount { amount } capturedAmount { amount } refundedAmount { amount } } userErrors { field message code }`;

export class PaymentsClient {
  constructor(private readonly client: ServiceClient) {}

  /**
   * Returns the payment and, when the provider said no, the userErrors. A declined
   * payment is still a payment (it is recorded), so both come back.
   */
  async authorize(input: {
    orderId: string;
    amount: number;
    currency: string;
    token: string;
    idempotencyKey: string;
    email?: string;
    customerKey?: string;
    ip?: string | null;
    billingCountry?: string;
    shippingCountry?: string;
  }): Promise<{ payment: PaymentRef | null; userErrors: UserError[] }> {
    const data = await this.client.request<{
      paymentAuthorize: Payload & { payment: PaymentRef | null };
    }>(
      `mutation ($input: PaymentAuthorizeInput!) { paymentAuthorize(input: $input) { ${PAYMENT} } }`,
      { input },
    );
    return data.paymentAuthorize;
  }

  capture(id: string, idempotencyKey: string, amount: number | null = null): Promise<PaymentRef> {
    return this.act('paymentCapture', { id, idempotencyKey, amount });
  }

  void(id: string, idempotencyKey: string): Promise<PaymentRef> {
    return this.act('paymentVoid', { id, idempotencyKey });
  }

  refund(
    id: string,
    idempotencyKey: string,
    reason: string | null,
    amount: number | null = null,
  ): Promise<PaymentRef> {
    return this.act('paymentRefund', { id, idempotencyKey, reason, amount });
  }

  private async act(
    mutation: string,
    variables: {
      id: string;
      idempotencyKey: string;
      reason?: string | null;
      amount?: number | null;
    },
  ): Promise<PaymentRef> {
    const withReason = 'reason' in variables;
    const withAmount = 'amount' in variables;
    const data = await this.client.request<Record<string, Payload & { payment: PaymentRef }>>(
      `mutation ($id: ID!, $idempotencyKey: String${withReason ? ', $reason: String' : ''}${withAmount ? ', $amount: Int' : ''}) {
        ${mutation}(id: $id, idempotencyKey: $idempotencyKey${withReason ? ', reason: $reason' : ''}${withAmount ? ', amount: $amount' : ''}) { ${PAYMENT} }
      }`,
      variables,
    );
    const payload = data[mutation]!;
    if (payload.userErrors.length) raise(payload);
    return payload.payment;
  }
}

export function createClients(urls: SubgraphUrls) {
  return {
    catalog: new CatalogClient(createServiceClient('orders', 'catalog', urls.catalog)),
    pricing: new PricingClient(createServiceClient('orders', 'pricing', urls.pricing)),
    promotions: new PromotionsClient(createServiceClient('orders', 'promotions', urls.promotions)),
    inventory: new InventoryClient(createServiceClient('orders', 'inventory', urls.inventory)),
    payments: new PaymentsClient(createServiceClient('orders', 'payments', urls.payments)),
  };
}

export type OrdersClients = ReturnType<typeof createClients>;
