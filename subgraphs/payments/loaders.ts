import { loaderByKey, loaderOfMany } from '../../platform/loaders';
import type { PaymentsService } from './service';

export function createPaymentsLoaders(payments: PaymentsService) {
  return {
    paymentById: loaderByKey(
      (ids: readonly string[]) => payments.paymentsByIds(ids),
      (p) => p.id,
    ),
    paymentsOfOrder: loaderOfMany(
      (ids: readonly string[]) => payments.paymentsOfOrders(ids),
      (p) => p.orderId,
    ),
    transactionsOfPayment: loaderOfMany(
      (ids: readonly string[]) => payments.transactionsOfPayments(ids),
      (t) => t.paymentId,
    ),
    fraudAssessmentOfPayment: loaderByKey(
      (ids: readonly string[]) => payments.fraudAssessmentsOfPayments(ids),
      // Loaded by payment id, so never null here.
      (a) => a.paymentId as string,
    ),
    disputesOfPayment: loaderOfMany(
      (ids: readonly string[]) => payments.disputesOfPayments(ids),
      (d) => d.paymentId,
    ),
  };
}

export type PaymentsLoaders = ReturnType<typeof createPaymentsLoaders>;
