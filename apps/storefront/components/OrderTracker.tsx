'use client';

import { useEffect, useState } from 'react';
import {
  createCommerceClient,
  WebOrderUpdatedDocument,
  type OrderTrackingFragment,
} from '../../../sdk';
import { formatMoney } from '../lib/money';
import styles from './OrderTracker.module.css';

const STEPS = ['PENDING', 'CONFIRMED', 'FULFILLED', 'DELIVERED'] as const;
const STATUS_TEXT: Record<string, string> = {
  PENDING: 'Order received, waiting for payment',
  CONFIRMED: 'Payment taken, preparing your parcel',
  FULFILLED: 'Shipped',
  DELIVERED: 'Delivered',
  CANCELLED: 'Cancelled',
  REFUNDED: 'Refunded',
};

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString('en-GB') : '');

/**
 * The order as it changes: rendered from the server's copy, then replaced by each
 * `orderUpdated` event (the first event is the order now, so a reconnect catches up).
 */
export function OrderTracker({
  initial,
  routerUrl,
  orderAccessToken,
  customerToken,
}: {
  initial: OrderTrackingFragment;
  routerUrl: string;
  orderAccessToken: string | null;
  customerToken: string | null;
}) {
  const [order, setOrder] = useState(initial);
  const [live, setLive] = useState(false);

  useEffect(() => {
    const client = createCommerceClient({ url: routerUrl, getToken: () => customerToken });
    const events = client.subscribe(WebOrderUpdatedDocument, {
      id: initial.id,
      accessToken: orderAccessToken,
    });
    let open = true;
    void (async () => {
      try {
        for await (const { orderUpdated } of events) {
          if (!open) break;
          setLive(true);
          setOrder(orderUpdated);
        }
      } catch {
        setLive(false);
      }
    })();
    return () => {
      open = false;
      void events.return?.();
      void client.close();
    };
  }, [routerUrl, initial.id, orderAccessToken, customerToken]);

  const shipments = order.shipments ?? [];
  const fulfillments = order.fulfillments ?? [];
  const reached = STEPS.indexOf(order.status as (typeof STEPS)[number]);
  return (
    <div>
      <p className={styles.status} role="status" aria-live="polite" data-testid="order-status">
        {STATUS_TEXT[order.status] ?? order.status}
      </p>
      <p className="muted">{live ? 'Updates live.' : 'Connecting for live updates…'}</p>
      {reached >= 0 && (
        <ol className={styles.steps} aria-label="Progress">
          {STEPS.map((step, index) => (
            <li key={step} className={`${styles.step} ${index <= reached ? styles.done : ''}`}>
              {STATUS_TEXT[step]}
              {index <= reached && <span className="visually-hidden"> (done)</span>}
            </li>
          ))}
        </ol>
      )}
      <section className={styles.card} aria-labelledby="shipments-title">
        <h2 id="shipments-title">Shipments</h2>
        {shipments.length === 0 && fulfillments.length === 0 && (
          <p className="muted">Not shipped yet.</p>
        )}
        {fulfillments.map((f) => (
          <div key={f.id} data-testid="fulfillment">
            <p>
              Parcel: <strong>{f.status}</strong>
              {f.carrier && <> · {f.carrier}</>}
              {f.trackingNumber && (
                <>
                  {' '}
                  · tracking number{' '}
                  <strong data-testid="tracking-number">{f.trackingNumber}</strong>
                </>
              )}
              {f.shippedAt && <> · shipped {when(f.shippedAt)}</>}
            </p>
          </div>
        ))}
        {shipments.map((s) => (
          <div key={s.id}>
            <p>
              {s.carrier} {s.trackingNumber}: <strong>{s.status}</strong>
            </p>
            <ul>
              {s.trackingEvents.map((e) => (
                <li key={`${e.occurredAt}-${e.status}`}>
                  {when(e.occurredAt)}: {e.description}
                </li>
              ))}
            </ul>
          </div>
        ))}
      </section>
      <section className={styles.card} aria-labelledby="lines-title">
        <h2 id="lines-title">Items</h2>
        <table className={styles.table}>
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Qty</th>
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {order.lines.map((line) => (
              <tr key={line.id}>
                <td>
                  {line.productName} <span className="muted">({line.variantTitle})</span>
                </td>
                <td>{line.quantity}</td>
                <td>{formatMoney(line.lineTotal)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          Shipping {formatMoney(order.shipping)} · Tax {formatMoney(order.tax)}
          {order.discountTotal && order.discountTotal.amount > 0 && (
            <> · Discount −{formatMoney(order.discountTotal)}</>
          )}
        </p>
        <p className={styles.status} data-testid="order-total">
          Total {formatMoney(order.total)}
        </p>
      </section>
      <section className={styles.card} aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        <ul>
          {order.statusHistory.map((change) => (
            <li key={`${change.at}-${change.status}`}>
              {when(change.at)}: {STATUS_TEXT[change.status] ?? change.status}
              {change.note ? ` (${change.note})` : ''}
            </li>
          ))}
        </ul>
        {(order.payments ?? []).map((p) => (
          <p key={p.id} data-testid="payment">
            Payment {p.status.toLowerCase()}
            {p.card ? ` · ${p.card.brand} •••• ${p.card.last4}` : ''} · {formatMoney(p.amount)}
          </p>
        ))}
      </section>
    </div>
  );
}
