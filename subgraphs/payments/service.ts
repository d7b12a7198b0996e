import { type DataSource, In, type Repository } from 'typeorm';
import {
  type FraudAssessmentRow,
  PaymentDisputeRow,
  PaymentRow,
  PaymentTransactionRow,
} from './entities';
import { type FraudConfig, fraudConfigFromEnv } from './fraud/config';
import { FraudScreening } from './fraud/store';
import type { PaymentProvider } from './provider';
import { authorize, type AuthorizeInput } from './domain/authorization';
import { capture, refund, voidPayment } from './domain/operations';
import { applyProviderEvent, type ProviderEventResult } from './domain/provider-events';
import type { PaymentOutcome, PaymentsDeps } from './domain/shared';
import {
  type UnclaimedRound,
  type UnclaimedSettings,
  voidUnclaimedAuthorizations,
} from './domain/unclaimed';
import type { OrdersGateway } from './orders-gateway';
import type { ProviderEvent } from './webhooks/events';

export type { AuthorizeInput } from './domain/authorization';
export { FRAUD_REJECTED_CODE } from './domain/authorization';
import { paymentMethodsOf, removePaymentMethod, savePaymentMethod } from './domain/saved-methods';
import type { SavedPaymentMethodRow } from './entities';
export type { ProviderEventResult } from './domain/provider-events';
export type { PaymentOutcome } from './domain/shared';

/**
 * The payments domain's entry point: reads for the resolvers and loaders, and the use
 * cases in domain/ (authorization with fraud screening, capture/void/refund, provider
 * events, the reconciler of unclaimed authorizations).
 */
export class PaymentsService {
  private readonly payments: Repository<PaymentRow>;
  private readonly transactions: Repository<PaymentTransactionRow>;
  private readonly disputes: Repository<PaymentDisputeRow>;
  private readonly deps: PaymentsDeps;
  readonly fraud: FraudScreening;

  constructor(
    db: DataSource,
    provider: PaymentProvider,
    fraudConfig: FraudConfig = fraudConfigFromEnv(),
  ) {
    this.payments = db.getRepository(PaymentRow);
    this.transactions = db.getRepository(PaymentTransactionRow);
    this.disputes = db.getRepository(PaymentDisputeRow);
    this.fraud = new FraudScreening(db, fraudConfig);
    this.deps = { db, provider, fraud: this.fraud };
  }

  paymentsByIds(ids: readonly string[]): Promise<PaymentRow[]> {
    return this.payments.findBy({ id: In([...ids]) });
  }

  /** Payments of many orders in one statement, oldest first. */
  paymentsOfOrders(orderIds: readonly string[]): Promise<PaymentRow[]> {
    return this.payments.find({
      where: { orderId: In([...orderIds]) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  transactionsOfPayments(paymentIds: readonly string[]): Promise<PaymentTransactionRow[]> {
    return this.transactions.find({
      where: { paymentId: In([...paymentIds]) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  fraudAssessmentsOfPayments(paymentIds: readonly string[]): Promise<FraudAssessmentRow[]> {
    return this.fraud.assessmentsOfPayments(paymentIds);
  }

  disputesOfPayments(paymentIds: readonly string[]): Promise<PaymentDisputeRow[]> {
    return this.disputes.find({
      where: { paymentId: In([...paymentIds]) },
      order: { openedAt: 'ASC', id: 'ASC' },
    });
  }

  /** Checkout's authorization; idempotent per idempotencyKey (domain/authorization.ts). */
  authorize(input: AuthorizeInput): Promise<PaymentOutcome> {
    return authorize(this.deps, input);
  }

  capture(
    id: string,
    args: { amount?: number | null; idempotencyKey?: string | null; requestedBy?: string },
  ): Promise<PaymentOutcome> {
    return capture(this.deps, id, args);
  }

  void(
    id: string,
    args: { idempotencyKey?: string | null; requestedBy?: string },
  ): Promise<PaymentOutcome> {
    return voidPayment(this.deps, id, args);
  }

  savePaymentMethod(customerId: string, token: string): Promise<SavedPaymentMethodRow> {
    return savePaymentMethod(this.deps, customerId, token);
  }

  removePaymentMethod(customerId: string, id: string): Promise<SavedPaymentMethodRow> {
    return removePaymentMethod(this.deps, customerId, id);
  }

  paymentMethodsOf(customerIds: readonly string[]): Promise<SavedPaymentMethodRow[]> {
    return paymentMethodsOf(this.deps, customerIds);
  }

  refund(
    id: string,
    args: {
      amount?: number | null;
      reason?: string | null;
      idempotencyKey?: string | null;
      requestedBy?: string;
    },
  ): Promise<PaymentOutcome> {
    return refund(this.deps, id, args);
  }

  /** One provider webhook event (domain/provider-events.ts). */
  applyProviderEvent(event: ProviderEvent): Promise<ProviderEventResult> {
    return applyProviderEvent(this.deps, event);
  }

  /** One round of the unclaimed-authorization reconciler (domain/unclaimed.ts). */
  voidUnclaimedAuthorizations(
    orders: OrdersGateway,
    settings: UnclaimedSettings,
  ): Promise<UnclaimedRound> {
    return voidUnclaimedAuthorizations(this.deps, orders, settings);
  }
}
