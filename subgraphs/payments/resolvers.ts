import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap';
import { requirePermission, requireService } from '../kit/authorization';
import type { SubgraphContext } from '../kit/context';
import { type DomainError, toUserError, withUserErrors } from '../kit/errors';
import type { Viewer } from '../kit/identity';
import { isUuid, parseId } from '../kit/ids';
import type {
  FraudAssessmentRow,
  PaymentDisputeRow,
  PaymentRow,
  PaymentTransactionRow,
} from './entities';
import type { PaymentsLoaders } from './loaders';
import type { AuthorizeInput, PaymentOutcome, PaymentsService } from './service';

type Context = SubgraphContext<{ payments: PaymentsService }, PaymentsLoaders>;
const CAPTURE = 'payments:capture';
const REFUND = 'payments:refund';
const READ = 'payments:read';

/** GraphQL shapes: the schema's fields, plus the ids that child resolvers load from. */
function toPayment(row: PaymentRow) {
  return {
    id: row.id,
    amount: { amount: row.amount, currency: row.currency },
    status: row.status,
    capturedAmount: { amount: row.capturedAmount, currency: row.currency },
    refundedAmount: { amount: row.refundedAmount, currency: row.currency },
    card: row.cardBrand && row.cardLast4 ? { brand: row.cardBrand, last4: row.cardLast4 } : null,
    failureCode: row.failureCode,
    failureMessage: row.failureMessage,
    currency: row.currency,
    orderId: row.orderId,
    createdAt: row.createdAt.toISOString(),
  };
}
type Payment = ReturnType<typeof toPayment>;

function toTransaction(row: PaymentTransactionRow, currency: string) {
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

function toFraudAssessment(row: FraudAssessmentRow) {
  return {
    id: row.id,
    score: row.score,
    decision: row.decision,
    reasons: row.reasons,
    createdAt: row.createdAt.toISOString(),
  };
}

function toDispute(row: PaymentDisputeRow, currency: string) {
  return {
    id: row.id,
    providerDisputeId: row.providerDisputeId,
    amount: { amount: row.amount, currency },
    reason: row.reason,
    openedAt: row.openedAt.toISOString(),
  };
}

const orNull =
  <T, R>(map: (row: T) => R) =>
  (row: T | null) =>
    row ? map(row) : null;

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
  if (viewer.kind === 'staff' && [CAPTURE, REFUND].some((p) => viewer.permissions.includes(p)))
    return;
  requirePermission(viewer, READ);
}

export const paymentsResolvers: GraphQLResolverMap<Context> = {
  Query: {
    async payment(_: unknown, args: { id: string }, ctx: Context) {
      requirePaymentReader(ctx.viewer);
      return ctx.loaders.paymentById.load(parseId(args.id, 'id')).then(orNull(toPayment));
    },
  },
  Mutation: {
    paymentAuthorize(_: unknown, { input }: { input: AuthorizeInput }, ctx: Context) {
      requireService(ctx.viewer);
      const orderId = parseId(input.orderId, 'orderId');
      return paymentPayload(() => ctx.services.payments.authorize({ ...input, orderId }));
    },
    paymentCapture(
      _: unknown,
      args: { id: string; amount?: number | null; idempotencyKey?: string | null },
      ctx: Context,
    ) {
      requirePermission(ctx.viewer, CAPTURE);
      const id = parseId(args.id, 'id');
      return paymentPayload(() => ctx.services.payments.capture(id, args));
    },
    paymentVoid(_: unknown, args: { id: string; idempotencyKey?: string | null }, ctx: Context) {
      requirePermission(ctx.viewer, CAPTURE);
      const id = parseId(args.id, 'id');
      return paymentPayload(() => ctx.services.payments.void(id, args));
    },
    paymentRefund(
      _: unknown,
      args: {
        id: string;
        amount?: number | null;
        reason?: string | null;
        idempotencyKey?: string | null;
      },
      ctx: Context,
    ) {
      requirePermission(ctx.viewer, REFUND);
      const id = parseId(args.id, 'id');
      return paymentPayload(() => ctx.services.payments.refund(id, args));
    },
  },
  Payment: {
    async __resolveReference(ref: { id: string }, ctx: Context) {
      requirePaymentReader(ctx.viewer);
      if (!isUuid(ref.id)) return null;
      return ctx.loaders.paymentById.load(ref.id.toLowerCase()).then(orNull(toPayment));
    },
    async transactions(payment: Payment, _: unknown, ctx: Context) {
      return (await ctx.loaders.transactionsOfPayment.load(payment.id)).map((t) =>
        toTransaction(t, payment.currency),
      );
    },
    order(payment: Payment) {
      return { id: payment.orderId };
    },
    async fraudAssessment(payment: Payment, _: unknown, ctx: Context) {
      // The reasons would teach a fraudster the rules: payment staff only.
      requirePaymentReader(ctx.viewer);
      return ctx.loaders.fraudAssessmentOfPayment.load(payment.id).then(orNull(toFraudAssessment));
    },
    async disputes(payment: Payment, _: unknown, ctx: Context) {
      return (await ctx.loaders.disputesOfPayment.load(payment.id)).map((d) =>
        toDispute(d, payment.currency),
      );
    },
  },
  Order: {
    __resolveReference(ref: { id: string }) {
      return isUuid(ref.id) ? { id: ref.id.toLowerCase() } : null;
    },
    async payments(order: { id: string }, _: unknown, ctx: Context) {
      return (await ctx.loaders.paymentsOfOrder.load(order.id)).map(toPayment);
    },
  },
};
