import type { Metadata } from 'next';
import Link from 'next/link';
import { CartCostDocument, CartShippingOptionsDocument } from '../../../../sdk';
import { CostSummary } from '../../components/CostSummary';
import { DiscountCodes } from '../../components/DiscountCodes';
import { currentCart } from '../../lib/catalog';
import { COUNTRIES, countryOrDefault } from '../../lib/countries';
import { formatMoney } from '../../lib/money';
import { shop } from '../../lib/shop';
import { updateLine } from './actions';
import styles from './cart.module.css';

export const metadata: Metadata = { title: 'Your cart', robots: { index: false } };

export default async function CartPage({
  searchParams,
}: {
  searchParams: Promise<{ country?: string }>;
}) {
  const [cart, params] = await Promise.all([currentCart(), searchParams]);
  if (!cart || cart.lines.length === 0) {
    return (
      <>
        <h1>Your cart</h1>
        <p>Your cart is empty.</p>
        <Link className="button" href="/">
          Continue shopping
        </Link>
      </>
    );
  }
  const country = countryOrDefault(params.country);
  const client = await shop();
  // The destination's cost and its delivery options, side by side.
  const [costed, options] = await Promise.all([
    client.request(CartCostDocument, { id: cart.id, countryCode: country }),
    client.request(CartShippingOptionsDocument, { id: cart.id, countryCode: country }),
  ]);
  const cost = costed.cart?.cost ?? cart.cost;
  return (
    <>
      <h1>Your cart</h1>
      <div className={styles.layout}>
        <section aria-label="Items">
          <ul className={styles.lines}>
            {cart.lines.map((line) => (
              <li key={line.id} className={styles.line} data-testid="cart-line">
                <div>
                  <strong>{line.productName}</strong>
                  <div className="muted">
                    {line.variantTitle} · {formatMoney(line.cost.unitPrice)} each
                  </div>
                  <form action={updateLine}>
                    <input type="hidden" name="lineId" value={line.id} />
                    <label className="visually-hidden" htmlFor={`qty-${line.id}`}>
                      Quantity of {line.productName}
                    </label>
                    <input
                      id={`qty-${line.id}`}
                      name="quantity"
                      type="number"
                      min={0}
                      defaultValue={line.quantity}
                    />
                    <button className="button button-secondary" type="submit">
                      Update
                    </button>
                  </form>
                </div>
                <div>{formatMoney(line.cost.total)}</div>
              </li>
            ))}
          </ul>
        </section>
        <aside className={styles.summary} aria-label="Order summary">
          <DiscountCodes codes={cart.discountCodes} />
          {cost.couponErrors.length > 0 && (
            <ul className="error" aria-label="Codes that do not apply">
              {cost.couponErrors.map((e) => (
                <li key={e.message}>{e.message}</li>
              ))}
            </ul>
          )}
          <form className={styles.destination} action="/cart">
            <div style={{ flex: 1 }}>
              <label htmlFor="country">Deliver to</label>
              <select id="country" name="country" defaultValue={country}>
                {COUNTRIES.map((c) => (
                  <option key={c.code} value={c.code}>
                    {c.name}
                  </option>
                ))}
              </select>
            </div>
            <button className="button button-secondary" type="submit">
              Update
            </button>
          </form>
          {cost.errors.length === 0 && <CostSummary cost={cost} />}
          {cost.errors.map((e) => (
            <p key={e.message} className="notice notice-error">
              {e.message}
            </p>
          ))}
          {options.cart?.shippingOptions && options.cart.shippingOptions.length > 0 && (
            <div>
              <h2>Delivery options</h2>
              <ul>
                {options.cart.shippingOptions.map((o) => (
                  <li key={o.method.id}>
                    {o.method.name} ({o.method.carrier}): {o.free ? 'free' : formatMoney(o.price)}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <Link className="button" href={`/checkout?country=${country}`}>
            Check out
          </Link>
        </aside>
      </div>
    </>
  );
}
