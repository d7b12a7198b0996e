import { orNull } from '../../platform/loaders';
import { hasPermission, requirePermission, requireService } from '../../platform/authorization';
import type { SubgraphContext } from '../../platform/context';
import {
  type DomainError,
  forbidden,
  toUserError,
  unauthenticated,
  withUserErrors,
} from '../../platform/errors';
import type { Viewer } from '../../platform/identity';
import { isUuid, parseId } from '../../platform/ids';
import type {
  FraudAssessmentRow,
  PaymentDisputeRow,
  PaymentRow,
  PaymentTransactionRow,
  SavedPaymentMethodRow,
} from './entities';
import type {
  FraudAssessment,
  ModelFields,
  Order,
  Payment,
  PaymentDispute,
  PaymentMethod,
  PaymentTransaction,
  Resolvers,
  SavedPaymentMethod,
} from './generated/resolvers-types';
import { OFFLINE_METHODS } from './offline-provider';
import type { PaymentsLoaders } from './loaders';
import type { PaymentsServices } from './index';
import type { PaymentOutcome } from './service';

export type Context = SubgraphContext<PaymentsServices, PaymentsLoaders>;
const CAPTURE = 'payments:capture';
const REFUND = 'payments:refund';
const READ = 'payments:read';

/**
 * GraphQL shapes: the schema's fields, plus the ids that child resolvers load from. The
 * `…Model` types are the mappers of codegen.yml: generated/resolvers-types.ts types every
 * resolver's parent and result with them, and ModelFields ties them to the schema (a
 * field without a resolver must be in the model, with the schema's type).
 */
export type PaymentModel = ModelFields<
  Payment,
  'transactions' | 'order' | 'fraudAssessment' | 'disputes'
> & { currency: string; orderId: string };
export type OrderModel = ModelFields<Order, 'payments' | 'accessGrant'>;

function methodOf(provider: string): PaymentMethod {
  if (provider === OFFLINE_METHODS.BANK_TRANSFER) return 'BANK_TRANSFER';
  if (provider === OFFLINE_METHODS.CASH_ON_DELIVERY) return 'CASH_ON_DELIVERY';
  return 'CARD';
}

function toPayment(row: PaymentRow): PaymentModel {
  return {
    id: row.id,
    amount: { amount: row.amount, currency: row.currency },
    status: row.status,
    capturedAmount: { amount: row.capturedAmount, currency: row.currency },
    refundedAmount: { amount: row.refundedAmount, currency: row.currency },
    method: methodOf(row.provider),
    nextAction:
      row.status === 'REQUIRES_ACTION' && row.actionUrl && row.actionExpiresAt
        ? { url: row.actionUrl, expiresAt: row.actionExpiresAt.toISOString() }
        : null,
    transferReference:
      row.provider === OFFLINE_METHODS.BANK_TRANSFER ? row.providerReference : null,
    card: row.cardBrand && row.cardLast4 ? { brand: row.cardBrand, last4: row.cardLast4 } : null,
    failureCode: row.failureCode,
    failureMessage: row.failureMessage,
    currency: row.currency,
    orderId: row.orderId,
    createdAt: row.createdAt.toISOString(),
  };
}
function toTransaction(row: PaymentTransactionRow, currency: string): PaymentTransaction {
  return {
    id: row.id,
    kind: row.kind,
    amount: { amount: row.amount, currency },
    status: row.status,
    reason: row.reason,
    failureCode: row.failureCode,
    failureMessage: row.failureMessage,
    createdAt: row.createdAt.toISOString(),
  };
}

function toFraudAssessment(row: FraudAssessmentRow): FraudAssessment {
  return {
    id: row.id,
    score: row.score,
    decision: row.decision,
    reasons: row.reasons,
    createdAt: row.createdAt.toISOString(),
  };
}

function toDispute(row: PaymentDisputeRow, currency: string): PaymentDispute {
  return {
    id: row.id,
    providerDisputeId: row.providerDisputeId,
    amount: { amount: row.amount, currency },
    reason: row.reason,
    openedAt: row.openedAt.toISOString(),
  };
}

/**
 * A payment payload: the payment, and a userError when the provider declined. That
 * outcome still returns the payment (it is stored), unlike a refused request.
 */
async function paymentPayload(body: () => Promise<PaymentOutcome>) {
  const outcome: { failure: DomainError | null } = { failure: null };
  const payload = await withUserErrors(async () => {
    const { payment, failure } = await body();
    outcome.failure = failure;
    return { payment: toPayment(payment) };
  });
  return outcome.failure ? { ...payload, userErrors: [toUserError(outcome.failure)] } : payload;
}

/**
 * Payments carry card details: staff with any payments permission and platform services
 * read them by id. Customers see theirs as Order.payments, reached only through an order
 * the orders subgraph let them read.
 */
function requirePaymentReader(viewer: Viewer): void {
  if (isPaymentReader(viewer)) return;
  if (viewer.kind === 'anonymous') throw unauthenticated();
  requirePermission(viewer, READ);
}

function isPaymentReader(viewer: Viewer): boolean {
  if (viewer.kind === 'staff' && [CAPTURE, REFUND].some((p) => viewer.permissions.includes(p)))
    return true;
  return hasPermission(viewer, READ);
}

export const paymentsResolvers = {
  Query: {
    async payment(_, args, ctx) {
      return ctx.loaders.paymentById.load(parseId(args.id, 'id')).then(orNull(toPayment));
    },
  },
  Mutation: {
    paymentAuthorize(_, { input }, ctx) {
      if (ctx.viewer.kind === 'anonymous') throw unauthenticated();
      requireService(ctx.viewer);
      const orderId = parseId(input.orderId, 'orderId');
      return paymentPayload(() => ctx.services.payments.authorize({ ...input, orderId }));
    },
    paymentMethodSave(_, args, ctx) {
      const customerId = signedInCustomer(ctx.viewer);
      return withUserErrors(async () => ({
        paymentMethod: toSavedMethod(
          await ctx.services.payments.savePaymentMethod(customerId, args.token),
        ),
      }));
    },
    paymentMethodRemove(_, args, ctx) {
      const customerId = signedInCustomer(ctx.viewer);
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => ({
        paymentMethod: toSavedMethod(
          await ctx.services.payments.removePaymentMethod(customerId, id),
        ),
      }));
    },
    paymentCapture(_, args, ctx) {
      const id = parseId(args.id, 'id');
      return paymentPayload(() =>
        ctx.services.payments.capture(id, { ...args, requestedBy: requester(ctx.viewer) }),
      );
    },
    paymentVoid(_, args, ctx) {
      const id = parseId(args.id, 'id');
      return paymentPayload(() =>
        ctx.services.payments.void(id, { ...args, requestedBy: requester(ctx.viewer) }),
      );
    },
    paymentRefund(_, args, ctx) {
      const id = parseId(args.id, 'id');
      return paymentPayload(() =>
        ctx.services.payments.refund(id, { ...args, requestedBy: requester(ctx.viewer) }),
      );
    },
  },
  Payment: {
    async __resolveReference(ref, ctx) {
      requirePaymentReader(ctx.viewer);
      if (!isUuid(ref.id)) return null;
      return ctx.loaders.paymentById.load(ref.id.toLowerCase()).then(orNull(toPayment));
    },
    async transactions(payment, _, ctx) {
      return (await ctx.loaders.transactionsOfPayment.load(payment.id)).map((t) =>
        toTransaction(t, payment.currency),
      );
    },
    order(payment) {
      return { id: payment.orderId };
    },
    async fraudAssessment(payment, _, ctx) {
      // The reasons would teach a fraudster the rules: payment staff only (in the SDL).
      return ctx.loaders.fraudAssessmentOfPayment.load(payment.id).then(orNull(toFraudAssessment));
    },
    async disputes(payment, _, ctx) {
      return (await ctx.loaders.disputesOfPayment.load(payment.id)).map((d) =>
        toDispute(d, payment.currency),
      );
    },
  },
  Customer: {
    __resolveReference(ref) {
      return { id: ref.id };
    },
    async paymentMethods(customer, _, ctx) {
      const own = ctx.viewer.kind === 'customer' && ctx.viewer.customerId === customer.id;
      if (!own && !isPaymentReader(ctx.viewer)) {
        if (ctx.viewer.kind === 'anonymous') throw unauthenticated();
        throw forbidden('Only the customer and payments staff see saved payment methods');
      }
      if (!isUuid(customer.id)) return [];
      return (await ctx.loaders.paymentMethodsOfCustomer.load(customer.id.toLowerCase())).map(
        toSavedMethod,
      );
    },
  },
  Order: {
    /**
     * Orders decides who may read an order; payments asks it (batched, with the caller's
     * identity and the grant orders gave the router) instead of answering anyone signed.
     * Platform services and payments staff read every order's payments.
     */
    async __resolveReference(ref, ctx) {
      if (!isUuid(ref.id)) return null;
      const id = ref.id.toLowerCase();
      if (ctx.viewer.kind === 'service' || isPaymentReader(ctx.viewer)) return { id };
      const accessGrant = 'accessGrant' in ref ? ref.accessGrant : null;
      const readable = await ctx.loaders.orderReadable(ctx.viewer).load({ id, accessGrant });
      return readable ? { id } : null;
    },
    async payments(order, _, ctx) {
      return (await ctx.loaders.paymentsOfOrder.load(order.id)).map(toPayment);
    },
  },
} satisfies Resolvers;

/** Saved methods are the signed-in customer's own business: nobody else saves or removes them. */
function signedInCustomer(viewer: Viewer): string {
  if (viewer.kind === 'customer') return viewer.customerId;
  if (viewer.kind === 'anonymous') throw unauthenticated();
  throw forbidden('Only a signed-in customer saves or removes their payment methods');
}

function toSavedMethod(row: SavedPaymentMethodRow): SavedPaymentMethod {
  return {
    id: row.id,
    brand: row.brand,
    last4: row.last4,
    expMonth: row.expMonth,
    expYear: row.expYear,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Who asked for a payment change, as orders hears it: a fellow service by name, or the caller's kind. */
function requester(viewer: Viewer): string {
  return viewer.kind === 'service' ? viewer.service : viewer.kind;
}
