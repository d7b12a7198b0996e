import DataLoader from 'dataloader';
import type { Viewer } from '../../platform/identity';
import { loaderByKey, loaderOfMany } from '../../platform/loaders';
import type { OrderRef, OrdersGateway } from './orders-gateway';
import type { PaymentsService } from './service';

export function createPaymentsLoaders(payments: PaymentsService, orders: OrdersGateway) {
  // One viewer per request, so one loader: every order reference of the request is one call.
  let readable: DataLoader<OrderRef, boolean, string> | null = null;
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
    paymentMethodsOfCustomer: loaderOfMany(
      (ids: readonly string[]) => payments.paymentMethodsOf(ids),
      (m) => m.customerId,
    ),
    /** Whether orders lets the viewer read the order (asked once per request and order). */
    orderReadable(viewer: Viewer): DataLoader<OrderRef, boolean, string> {
      readable ??= new DataLoader((refs) => orders.readable(viewer, refs), {
        cacheKeyFn: (ref) => `${ref.id}:${ref.accessGrant ?? ''}`,
      });
      return readable;
    },
  };
}

export type PaymentsLoaders = ReturnType<typeof createPaymentsLoaders>;
