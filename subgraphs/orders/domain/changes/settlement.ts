import { DomainError } from '../../../../platform/errors';
import type { OrdersClients } from '../../clients/index';
import type { OrderRow } from '../../entities';
import { OrdersErrorCode } from '../../errors';

export interface PaymentChoice {
  method?: 'CARD' | 'BANK_TRANSFER' | 'CASH_ON_DELIVERY' | null;
  token?: string | null;
  savedMethodId?: string | null;
}

/**
 * Settles a change's difference with payments, every call keyed by the change (`key`), so
 * a retry after a crash or a timeout finds the first authorization, capture or refund
 * instead of making a second. More to pay: an extra authorization (a card given now, a
 * saved card, or the order's own offline method), captured at once for cards. Less: a
 * refund of the order's payment; payments refuses one larger than what was captured.
 */
export class ChangeSettlement {
  constructor(private readonly clients: OrdersClients) {}

  async charge(
    order: OrderRow,
    key: string,
    amount: number,
    choice: PaymentChoice | null,
    field: string[],
  ): Promise<string> {
    const method = this.methodFor(order, amount, choice, field);
    const result = await this.clients.payments.authorize({
      orderId: order.id,
      amount,
      currency: order.currency,
      method,
      token: choice?.token ?? null,
      savedMethodId: choice?.savedMethodId ?? null,
      idempotencyKey: `${key}:authorize`,
      email: order.email,
      customerKey: order.customerId ?? order.email,
      shippingCountry: order.shippingAddress.country,
      billingCountry: order.billingAddress?.country ?? order.shippingAddress.country,
    });
    const [failure] = result.userErrors;
    if (failure || !result.payment || result.payment.status === 'REQUIRES_ACTION') {
      throw new DomainError(
        failure?.code ?? OrdersErrorCode.PAYMENT_FAILED,
        failure?.message ?? 'The card needs 3-D Secure, which changes after the sale do not offer',
        field,
      );
    }
    if (method === 'CARD') {
      await this.clients.payments.capture(result.payment.id, `${key}:capture`, amount);
    }
    return result.payment.id;
  }

  /**
   * How a positive difference would be paid, or PAYMENT_REQUIRED: checked before a change
   * holds stock, so a missing card costs nothing.
   */
  methodFor(
    order: OrderRow,
    amount: number,
    choice: PaymentChoice | null,
    field: string[],
  ): 'CARD' | 'BANK_TRANSFER' | 'CASH_ON_DELIVERY' {
    const card = Boolean(choice?.token || choice?.savedMethodId);
    const method = choice?.method ?? (card ? 'CARD' : order.paymentMethod);
    if (method === 'CARD' && !card) {
      throw new DomainError(
        OrdersErrorCode.PAYMENT_REQUIRED,
        `${amount} ${order.currency} more is due: give a card token or a saved method`,
        field,
      );
    }
    return method;
  }

  async refund(
    order: OrderRow,
    key: string,
    amount: number,
    reason: string,
    field: string[],
  ): Promise<void> {
    try {
      await this.clients.payments.refund(order.paymentId, key, reason, amount);
    } catch (error) {
      if (error instanceof DomainError && error.code !== OrdersErrorCode.UPSTREAM_UNAVAILABLE) {
        throw new DomainError(error.code, error.message, field);
      }
      throw error;
    }
  }
}
