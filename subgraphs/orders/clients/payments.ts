import type { UserError } from '../../../platform/errors';
import type { ServiceClient } from '../../../platform/service-client';
import {
  type OrdersPaymentPayloadFragment,
  OrdersPaymentAuthorizeDocument,
  OrdersPaymentCaptureDocument,
  OrdersPaymentRefundDocument,
  OrdersPaymentVoidDocument,
  type PaymentAuthorizeInput,
} from '../generated/clients/payments';
import { valueOf } from './raise';

export type PaymentRef = NonNullable<OrdersPaymentPayloadFragment['payment']>;

export class PaymentsClient {
  constructor(private readonly client: ServiceClient) {}

  /**
   * Returns the payment and, when the provider said no, the userErrors. A declined
   * payment is still a payment (it is recorded), so both come back. Idempotent by key.
   */
  async authorize(
    input: PaymentAuthorizeInput,
  ): Promise<{ payment: PaymentRef | null; userErrors: UserError[] }> {
    return (await this.client.execute(OrdersPaymentAuthorizeDocument, { input })).paymentAuthorize;
  }

  async capture(id: string, idempotencyKey: string, amount: number | null = null) {
    const { paymentCapture: p } = await this.client.execute(OrdersPaymentCaptureDocument, {
      id,
      idempotencyKey,
      amount,
    });
    return valueOf(p, p.payment, 'payment');
  }

  async void(id: string, idempotencyKey: string): Promise<PaymentRef> {
    const { paymentVoid: p } = await this.client.execute(OrdersPaymentVoidDocument, {
      id,
      idempotencyKey,
    });
    return valueOf(p, p.payment, 'payment');
  }

  async refund(
    id: string,
    idempotencyKey: string,
    reason: string | null,
    amount: number | null = null,
  ): Promise<PaymentRef> {
    const { paymentRefund: p } = await this.client.execute(OrdersPaymentRefundDocument, {
      id,
      idempotencyKey,
      reason,
      amount,
    });
    return valueOf(p, p.payment, 'payment');
  }
}
