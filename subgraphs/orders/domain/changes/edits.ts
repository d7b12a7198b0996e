import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../../../../platform/errors';
import { UpstreamError } from '../../../../platform/service-client';
import type { OrdersClients } from '../../clients/index';
import { OrderChangeRow, OrderLineRow, OrderRow } from '../../entities';
import { OrdersErrorCode } from '../../errors';
import type { CartQuoter } from '../cart-quote';
import type { OrderService } from '../orders';
import { type EditInput, planEdit, stockDeltas } from './edit-rules';
import { announceOrderChanged } from './change-events';
import { parcelsOf, shippedByLine } from './line-progress';
import { previewOf } from './preview';
import type { ChangeSettlement, PaymentChoice } from './settlement';
import { lockChange, lockOrder, staleError } from './locks';

/**
 * Staff edits of a CONFIRMED order, as one versioned change: preview (quoted as checkout
 * quotes: pricing, shipping, promotions, tax), then commit. Commit claims the order for
 * the change with a compare-and-set on its version (and `pending_change_id`), so of two
 * concurrent commits exactly one goes on; the other is ORDER_CHANGE_STALE with nothing
 * done. The claimed change then reserves or releases stock and settles the difference,
 * each effect keyed by the change id (a retry after a crash or an outage resumes with the
 * same keys), and finally writes the lines, totals and version with the history and the
 * `orderUpdated` event in one transaction.
 */
export class OrderEdits {
  constructor(
    private readonly db: DataSource,
    private readonly clients: OrdersClients,
    private readonly quoter: CartQuoter,
    private readonly orders: OrderService,
    private readonly settlement: ChangeSettlement,
  ) {}

  async preview(
    orderId: string,
    input: EditInput,
    actor: string | null,
  ): Promise<{ change: OrderChangeRow; order: OrderRow }> {
    const order = await this.db.getRepository(OrderRow).findOneBy({ id: orderId });
    if (!order) {
      throw new DomainError(OrdersErrorCode.NOT_FOUND, `Order ${orderId} was not found`, [
        'input',
        'orderId',
      ]);
    }
    const lines = await this.orders.linesOfOrders([orderId]);
    const parcels = await parcelsOf(this.db.manager, orderId);
    const planned = planEdit(
      { status: order.status, lines },
      input,
      shippedByLine(order, lines, parcels),
    );
    const address = input.shippingAddress
      ? await this.clients.location.normalise(input.shippingAddress, ['input', 'shippingAddress'])
      : order.shippingAddress;
    const kept = planned.filter((p) => p.quantity > 0);
    const quote = await this.quoter.quote({
      currency: order.currency,
      lines: kept.map((p) => ({
        variantId: p.variantId,
        quantity: p.quantity,
        unitPrice: p.unitPrice,
      })),
      country: address.country,
      region: address.region ?? null,
      couponCodes: order.discountCodes,
      customerKey: order.customerId,
      customerSegments: order.customerId
        ? await this.clients.identity.segmentsOf(order.customerId)
        : [],
      shippingMethodId: input.shippingMethodId ?? order.shippingMethod?.methodId ?? null,
      shippingFields: {
        destination: ['input', 'shippingAddress', 'country'],
        method: ['input', 'shippingMethodId'],
      },
    });
    const preview = previewOf(quote, kept, input.shippingAddress ? address : null);
    const skuOf = (variantId: string) =>
      lines.find((l) => l.variantId === variantId)?.sku ?? quote.variants.get(variantId)!.sku;
    const change = await this.db.getRepository(OrderChangeRow).save(
      this.db.getRepository(OrderChangeRow).create({
        orderId,
        kind: 'EDIT',
        status: 'PREVIEWED',
        baseVersion: order.version,
        items: planned
          .filter((p) => p.quantity !== p.previousQuantity)
          .map((p) => ({
            lineId: p.lineId,
            variantId: p.variantId,
            sku: skuOf(p.variantId),
            quantity: p.quantity,
            previousQuantity: p.previousQuantity,
          })),
        preview,
        differenceAmount: preview.total - order.totalAmount,
        currency: order.currency,
        requestedBy: actor,
      }),
    );
    return { change, order };
  }

  async commit(
    changeId: string,
    payment: PaymentChoice | null,
    actor: string | null,
  ): Promise<{ change: OrderChangeRow; order: OrderRow }> {
    const claimed = await this.db.transaction(async (tx) => {
      const change = await lockChange(tx, changeId, ['input', 'changeId']);
      if (change.kind !== 'EDIT') {
        throw new DomainError(OrdersErrorCode.NOT_FOUND, `Edit ${changeId} was not found`, [
          'input',
          'changeId',
        ]);
      }
      const order = await lockOrder(tx, change.orderId);
      if (change.status === 'COMMITTED') return { change, order, done: true };
      if (change.status !== 'PREVIEWED' && change.status !== 'COMMITTING') {
        throw new DomainError(
          OrdersErrorCode.INVALID_CHANGE_STATUS,
          `The edit is ${change.status}: preview it again`,
          ['input', 'changeId'],
        );
      }
      if (
        order.version !== change.baseVersion ||
        (order.pendingChangeId !== null && order.pendingChangeId !== change.id)
      ) {
        throw staleError(order.version, change.baseVersion);
      }
      // A parcel may have left since the preview (shipping does not bump the version).
      const lines = await tx.getRepository(OrderLineRow).findBy({ orderId: order.id });
      const shipped = shippedByLine(order, lines, await parcelsOf(tx, order.id));
      change.items.forEach((item) => {
        if (item.lineId && (shipped.get(item.lineId) ?? 0) > 0) {
          throw new DomainError(
            OrdersErrorCode.LINE_ALREADY_SHIPPED,
            `${item.sku} shipped since the preview: return it instead of editing it`,
            ['input', 'changeId'],
          );
        }
      });
      await tx.getRepository(OrderRow).update(order.id, { pendingChangeId: change.id });
      await tx.getRepository(OrderChangeRow).update(change.id, { status: 'COMMITTING' });
      return { change, order, done: false };
    });
    if (claimed.done) return { change: claimed.change, order: claimed.order };
    const { change, order } = claimed;
    try {
      await this.applyEffects(change, order, payment);
    } catch (error) {
      // An outage keeps the claim: a retry resumes with the same keys. A refusal ends it.
      if (error instanceof DomainError && !(error instanceof UpstreamError)) {
        await this.fail(change, order, error);
      }
      throw error;
    }
    return this.db.transaction(async (tx) => {
      const current = await lockOrder(tx, order.id);
      const moved = await tx
        .createQueryBuilder()
        .update(OrderChangeRow)
        .set({
          status: 'COMMITTED',
          committedVersion: current.version + 1,
          updatedAt: () => 'now()',
        })
        .where('id = :id AND status = :from', { id: change.id, from: 'COMMITTING' })
        .execute();
      if (moved.affected === 1) await this.writeOrder(tx, current, change, actor);
      return {
        change: await tx.getRepository(OrderChangeRow).findOneByOrFail({ id: change.id }),
        order: await tx.getRepository(OrderRow).findOneByOrFail({ id: order.id }),
      };
    });
  }

  /** Stock first (the likelier refusal), then the money; a refused payment gives the stock back. */
  private async applyEffects(
    change: OrderChangeRow,
    order: OrderRow,
    payment: PaymentChoice | null,
  ): Promise<void> {
    const deltas = stockDeltas(
      change.items.map((i) => ({ ...i, previousQuantity: i.previousQuantity ?? 0 })),
    );
    const key = `order-change:${change.id}`;
    if (deltas.length > 0) {
      await this.clients.inventory.adjust(order.reservationId, key, deltas);
    }
    try {
      if (change.differenceAmount > 0) {
        await this.settlement.charge(order, key, change.differenceAmount, payment, [
          'input',
          'payment',
        ]);
      } else if (change.differenceAmount < 0) {
        await this.settlement.refund(
          order,
          `${key}:refund`,
          -change.differenceAmount,
          'Order edited',
          ['input', 'changeId'],
        );
      }
    } catch (error) {
      if (deltas.length > 0 && !(error instanceof UpstreamError)) {
        await this.clients.inventory.adjust(
          order.reservationId,
          `${key}:undo`,
          deltas.map((d) => ({ sku: d.sku, delta: -d.delta })),
        );
      }
      throw error;
    }
  }

  private async fail(change: OrderChangeRow, order: OrderRow, error: DomainError): Promise<void> {
    await this.db.transaction(async (tx) => {
      await lockOrder(tx, order.id);
      await tx
        .getRepository(OrderChangeRow)
        .update(change.id, { status: 'FAILED', failure: `${error.code}: ${error.message}` });
      await tx
        .createQueryBuilder()
        .update(OrderRow)
        .set({ pendingChangeId: null })
        .where('id = :id AND pending_change_id = :change', { id: order.id, change: change.id })
        .execute();
    });
  }

  private async writeOrder(
    tx: EntityManager,
    order: OrderRow,
    change: OrderChangeRow,
    actor: string | null,
  ): Promise<void> {
    const preview = change.preview!;
    const lines = tx.getRepository(OrderLineRow);
    const existing = await lines.findBy({ orderId: order.id });
    let position = Math.max(-1, ...existing.map((l) => l.position));
    for (const line of existing) {
      if (!preview.lines.some((p) => p.lineId === line.id)) await lines.delete(line.id);
    }
    for (const p of preview.lines) {
      const values = {
        quantity: p.quantity,
        unitPriceAmount: p.unitPrice,
        discountAmount: p.discount,
        taxAmount: p.tax,
        lineTotalAmount: p.lineTotal,
      };
      if (p.lineId) await lines.update(p.lineId, values);
      else
        await lines.insert({
          ...values,
          orderId: order.id,
          position: (position += 1),
          variantId: p.variantId,
          sku: p.sku,
          productName: p.productName,
          variantTitle: p.variantTitle,
        });
    }
    await tx.getRepository(OrderRow).update(order.id, {
      subtotalAmount: preview.subtotal,
      discountTotalAmount: preview.discountTotal,
      discounts: preview.discounts,
      shippingAmount: preview.shipping,
      taxTotalAmount: preview.tax,
      totalAmount: preview.total,
      shippingAddress: preview.shippingAddress ?? order.shippingAddress,
      shippingMethod: preview.shippingMethod ?? order.shippingMethod,
      version: order.version + 1,
      pendingChangeId: null,
      updatedAt: () => 'now()',
    });
    await this.orders.recordStatus(
      tx,
      order.id,
      order.status,
      `Edited (version ${order.version + 1}): ${signed(change.differenceAmount)} ${order.currency}`,
      actor,
    );
    await announceOrderChanged(tx, order.id, change);
  }
}

const signed = (amount: number) => (amount > 0 ? `+${amount}` : String(amount));
