import type { CartCostDetailsFragment } from '../../../sdk';
import styles from '../app/cart/cart.module.css';
import { formatMoney } from '../lib/money';

/** Subtotal, each discount, shipping, tax and total, as a description list. */
export function CostSummary({ cost }: { cost: CartCostDetailsFragment }) {
  return (
    <dl className={styles.totals} data-testid="cost">
      <dt>Subtotal</dt>
      <dd>{formatMoney(cost.subtotal)}</dd>
      {cost.discounts.map((discount) => (
        <div key={`${discount.name}-${discount.code ?? ''}`} style={{ display: 'contents' }}>
          <dt>
            Discount{discount.code ? ` (${discount.code})` : ''}: {discount.name}
          </dt>
          <dd data-testid="discount">−{formatMoney(discount.amount)}</dd>
        </div>
      ))}
      <dt>Shipping{cost.shippingMethod ? ` (${cost.shippingMethod.name})` : ''}</dt>
      <dd>{cost.shipping ? formatMoney(cost.shipping) : 'Not available'}</dd>
      <dt>Tax{cost.taxInclusive ? ' (included)' : ''}</dt>
      <dd>{formatMoney(cost.tax)}</dd>
      <dt className={styles.total}>Total</dt>
      <dd className={styles.total} data-testid="total">
        {formatMoney(cost.total)}
      </dd>
    </dl>
  );
}
