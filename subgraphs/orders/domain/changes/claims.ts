import type { DataSource } from 'typeorm';
import { DomainError } from '../../../../platform/errors';
import { UpstreamError } from '../../../../platform/service-client';
import type { OrdersClients } from '../../clients/index';
import { OrderChangeRow, OrderLineRow, OrderRow } from '../../entities';
import { OrdersErrorCode } from '../../errors';
import type { OrderService } from '../orders';
import { appendLines } from './append-lines';
import { announceOrderChanged, announceOrderUpdated } from './change-events';
import { type ClaimInput, planClaim, reshipLines } from './claim-rules';
import { stockDeltas } from './edit-rules';
import { parcelsOf } from './line-progress';
import { lockOrder } from './locks';
import type { ReturnLabels } from './returns';
import type { ChangeSettlement } from './settlement';

type Result = Promise<{ change: OrderChangeRow; order: OrderRow }>;

/**
 * Claims: goods that shipped and were LOST in transit or arrived DAMAGED, one versioned
 * OrderChange each, resolved at once. RESHIP holds the units again on the order's own
 * reservation and adds them as lines at no charge, which fulfillment picks and ships from
 * `orders.order.changed`; REFUND pays back the units' share of their line, to the cent.
 * Damaged goods may come back (a return label against the order's shipment); lost ones
 * cannot. The claim is recorded first under the client's key, every effect is keyed by
 * the claim, and the resolution is a compare-and-set of its status: a retry, even after
 * a crash, finds the claim and finishes it with the same keys, so nothing happens twice.
 */
export class OrderClaims {
  constructor(
    private readonly db: DataSource,
    private readonly clients: OrdersClients,
    private readonly orders: OrderService,
    private readonly settlement: ChangeSettlement,
    private readonly labels: ReturnLabels,
    /** The shipment that carried a line (returns.ts), for a damaged claim's return label. */
    private readonly shipmentOf: (order: OrderRow, lineId: string | null) => Promise<string | null>,
  ) {}

  async create(input: ClaimInput, actor: string | null): Result {
    const recorded = await this.record(input, actor);
    if (recorded.change.status !== 'REQUESTED') return recorded;
    const { change, order } = recorded;
    let label: { id: string; trackingNumber: string } | null = null;
    try {
      // The label first: a refusal after it leaves no stock held and no money moved.
      const shipmentId = input.returnItems
        ? await this.shipmentOf(order, change.items[0]?.lineId ?? null)
        : null;
      if (shipmentId) label = await this.labels.buy(shipmentId, `claim:${change.id}`);
      if (change.resolution === 'RESHIP') {
        await this.clients.inventory.adjust(
          order.reservationId,
          `claim:${change.id}`,
          stockDeltas(change.items.map((i) => ({ ...i, previousQuantity: 0 }))),
        );
      } else {
        await this.settlement.refund(
          order,
          `claim:${change.id}:refund`,
          -change.differenceAmount,
          `Claim: ${change.claimReason!.toLowerCase()}`,
          ['input', 'items'],
        );
      }
    } catch (error) {
      if (error instanceof DomainError && !(error instanceof UpstreamError))
        await this.fail(change, error);
      throw error;
    }
    return this.resolve(change, label, actor);
  }

  /** The claim under the client's key: the first one, or a new REQUESTED one. */
  private record(input: ClaimInput, actor: string | null): Result {
    return this.db.transaction(async (tx) => {
      const found = await tx.getRepository(OrderRow).findOneBy({ id: input.orderId });
      if (!found) {
        throw new DomainError(OrdersErrorCode.NOT_FOUND, `Order ${input.orderId} was not found`, [
          'input',
          'orderId',
        ]);
      }
      const order = await lockOrder(tx, found.id);
      const existing = await tx
        .getRepository(OrderChangeRow)
        .findOneBy({ orderId: order.id, idempotencyKey: input.idempotencyKey.trim() });
      if (existing) return { change: existing, order };
      const lines = await tx.getRepository(OrderLineRow).findBy({ orderId: order.id });
      const changes = await tx.getRepository(OrderChangeRow).findBy({ orderId: order.id });
      const plan = planClaim(order, lines, changes, input, await parcelsOf(tx, order.id));
      const reship = input.resolution === 'RESHIP';
      const change = await tx.getRepository(OrderChangeRow).save(
        tx.getRepository(OrderChangeRow).create({
          orderId: order.id,
          kind: 'CLAIM',
          status: 'REQUESTED',
          baseVersion: order.version,
          items: plan.items,
          preview: reship
            ? {
                lines: reshipLines(lines, plan.items),
                subtotal: 0,
                discountTotal: 0,
                discounts: [],
                shipping: 0,
                tax: 0,
                total: 0,
                shippingAddress: null,
                shippingMethod: null,
              }
            : null,
          differenceAmount: reship ? 0 : -plan.value,
          currency: order.currency,
          reason: plan.note,
          claimReason: input.reason,
          resolution: input.resolution,
          idempotencyKey: input.idempotencyKey.trim(),
          requestedBy: actor,
        }),
      );
      await announceOrderUpdated(tx, order.id);
      return { change, order };
    });
  }

  private resolve(
    change: OrderChangeRow,
    label: { id: string; trackingNumber: string } | null,
    actor: string | null,
  ): Result {
    return this.db.transaction(async (tx) => {
      const order = await lockOrder(tx, change.orderId);
      const to = change.resolution === 'RESHIP' ? 'RESHIPPED' : 'REFUNDED';
      const moved = await tx
        .createQueryBuilder()
        .update(OrderChangeRow)
        .set({
          status: to,
          committedVersion: order.version + 1,
          ...(label ? { returnLabel: label } : {}),
          updatedAt: () => 'now()',
        })
        .where('id = :id AND status = :from', { id: change.id, from: 'REQUESTED' })
        .execute();
      if (moved.affected === 1) {
        if (change.preview) {
          const ids = await appendLines(tx, order.id, change.preview.lines);
          await tx.getRepository(OrderChangeRow).update(change.id, {
            preview: {
              ...change.preview,
              lines: change.preview.lines.map((l, i) => ({ ...l, lineId: ids[i]! })),
            },
          });
        }
        await tx.getRepository(OrderRow).update(order.id, {
          version: order.version + 1,
          updatedAt: () => 'now()',
        });
        const what = to === 'RESHIPPED' ? 'sent again' : `${-change.differenceAmount} refunded`;
        await this.orders.recordStatus(
          tx,
          order.id,
          order.status,
          `Claim (${change.claimReason}, version ${order.version + 1}): ${what}`,
          actor,
        );
        // Lost parcels of the claimed lines (not delivered): fulfillment stops waiting for them.
        const lost =
          change.claimReason === 'LOST'
            ? (await parcelsOf(tx, order.id))
                .filter(
                  (p) =>
                    p.deliveredAt === null && change.items.some((i) => i.lineId === p.orderLineId),
                )
                .map((p) => p.fulfillmentId)
            : [];
        await announceOrderChanged(tx, order.id, change, [...new Set(lost)]);
      }
      return {
        change: await tx.getRepository(OrderChangeRow).findOneByOrFail({ id: change.id }),
        order: await tx.getRepository(OrderRow).findOneByOrFail({ id: order.id }),
      };
    });
  }

  /** A refusal (no stock to send, a refund payments refused) ends the claim with nothing done. */
  private async fail(change: OrderChangeRow, error: DomainError): Promise<void> {
    await this.db
      .getRepository(OrderChangeRow)
      .update(
        { id: change.id, status: 'REQUESTED' },
        { status: 'FAILED', failure: `${error.code}: ${error.message}`, updatedAt: () => 'now()' },
      );
  }
}
