import { DomainError, type UserError } from '../kit/errors';
import { createServiceClient, type ServiceClient } from '../kit/service-client';
import type { SubgraphUrls } from '../kit/subgraph';

/** What checkout needs to know about a variant, as catalog has it now. */
export interface VariantQuote {
  id: string;
  sku: string;
  title: string;
  archived: boolean;
  price: { amount: number; currency: string };
  product: { name: string; status: string };
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
  async variants(ids: string[]): Promise<Map<string, VariantQuote>> {
    const data = await this.client.request<{ _entities: (VariantQuote | null)[] }>(
      `query ($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on ProductVariant { id sku title archived price { amount currency } product { name status } }
        }
      }`,
      { representations: ids.map((id) => ({ __typename: 'ProductVariant', id })) },
    );
    return new Map(data._entities.filter((v): v is VariantQuote => v !== null).map((v) => [v.id, v]));
  }
}

export interface ReservationRef {
  id: string;
  status: string;
}

const RESERVATION = `reservation { id status } userErrors { field message code }`;

export class InventoryClient {
  constructor(private readonly client: ServiceClient) {}

  async reserve(reference: string, lines: { sku: string; quantity: number }[], ttlSeconds: number): Promise<ReservationRef> {
    const data = await this.client.request<{ stockReserve: Payload & { reservation: ReservationRef } }>(
      `mutation ($input: StockReserveInput!) { stockReserve(input: $input) { ${RESERVATION} } }`,
      { input: { reference, lines, ttlSeconds } },
    );
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
    const data = await this.client.request<Record<string, Payload & { reservation: ReservationRef }>>(
      `mutation ($id: ID!) { ${mutation}(id: $id) { ${RESERVATION} } }`,
      { id },
    );
    const payload = data[mutation]!;
    if (payload.userErrors.length) raise(payload);
    return payload.reservation;
  }
}

export interface PaymentRef {
  id: string;
  status: string;
}

const PAYMENT = `payment { id status } userErrors { field message code }`;

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
  }): Promise<{ payment: PaymentRef | null; userErrors: UserError[] }> {
    const data = await this.client.request<{ paymentAuthorize: Payload & { payment: PaymentRef | null } }>(
      `mutation ($input: PaymentAuthorizeInput!) { paymentAuthorize(input: $input) { ${PAYMENT} } }`,
      { input },
    );
    return data.paymentAuthorize;
  }

  capture(id: string, idempotencyKey: string): Promise<PaymentRef> {
    return this.act('paymentCapture', { id, idempotencyKey });
  }

  void(id: string, idempotencyKey: string): Promise<PaymentRef> {
    return this.act('paymentVoid', { id, idempotencyKey });
  }

  refund(id: string, idempotencyKey: string, reason: string | null): Promise<PaymentRef> {
    return this.act('paymentRefund', { id, idempotencyKey, reason });
  }

  private async act(mutation: string, variables: { id: string; idempotencyKey: string; reason?: string | null }): Promise<PaymentRef> {
    const withReason = 'reason' in variables;
    const data = await this.client.request<Record<string, Payload & { payment: PaymentRef }>>(
      `mutation ($id: ID!, $idempotencyKey: String${withReason ? ', $reason: String' : ''}) {
        ${mutation}(id: $id, idempotencyKey: $idempotencyKey${withReason ? ', reason: $reason' : ''}) { ${PAYMENT} }
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
    inventory: new InventoryClient(createServiceClient('orders', 'inventory', urls.inventory)),
    payments: new PaymentsClient(createServiceClient('orders', 'payments', urls.payments)),
  };
}

export type OrdersClients = ReturnType<typeof createClients>;
