import type { Metadata } from 'next';
import Link from 'next/link';
import { randomUUID } from 'node:crypto';
import { CartCostDocument, CartShippingOptionsDocument, WebAccountDocument } from '../../../../sdk';
import { CheckoutForm } from '../../components/CheckoutForm';
import { CostSummary } from '../../components/CostSummary';
import { currentCart } from '../../lib/catalog';
import { countryOrDefault } from '../../lib/countries';
import { formatMoney } from '../../lib/money';
import { accessToken } from '../../lib/session';
import { shop } from '../../lib/shop';
import styles from '../cart/cart.module.css';

export const metadata: Metadata = { title: 'Checkout', robots: { index: false } };

export default async function CheckoutPage({
  searchParams,
}: {
  searchParams: Promise<{ country?: string }>;
}) {
  const [cart, params, token] = await Promise.all([currentCart(), searchParams, accessToken()]);
  if (!cart || cart.lines.length === 0) {
    return (
      <>
        <h1>Checkout</h1>
        <p>Your cart is empty.</p>
        <Link href="/">Continue shopping</Link>
      </>
    );
  }
  const client = await shop();
  const [account] = await Promise.all([
    token ? client.request(WebAccountDocument, { ordersFirst: 1 }).catch(() => null) : null,
  ]);
  const me = account?.me ?? null;
  const address = me?.addresses.find((a) => a.isDefaultShipping) ?? me?.addresses[0];
  const country = countryOrDefault(params.country ?? address?.country);
  const [costed, options] = await Promise.all([
    client.request(CartCostDocument, { id: cart.id, countryCode: country }),
    client.request(CartShippingOptionsDocument, { id: cart.id, countryCode: country }),
  ]);
  const cost = costed.cart?.cost ?? cart.cost;
  const initial: Record<string, string> = {
    email: me?.email ?? '',
    name: address?.name ?? (me ? `${me.firstName} ${me.lastName}` : ''),
    line1: address?.line1 ?? '',
    line2: address?.line2 ?? '',
    postalCode: address?.postalCode ?? '',
    city: address?.city ?? '',
    region: address?.region ?? '',
    country,
  };
  return (
    <>
      <h1>Checkout</h1>
      <p>
        {me ? (
          <>Signed in as {me.email}.</>
        ) : (
          <>
            Checking out as a guest. <Link href="/account/login?next=/checkout">Sign in</Link> to
            use your saved addresses.
          </>
        )}
      </p>
      <div className={styles.layout}>
        <CheckoutForm
          nonce={randomUUID()}
          initial={initial}
          total={cost.total}
          defaultShippingId={cost.shippingMethod?.id ?? null}
          shippingOptions={(options.cart?.shippingOptions ?? []).map((o) => ({
            id: o.method.id,
            label: `${o.method.name} (${o.method.carrier}) · ${o.free ? 'free' : formatMoney(o.price)}`,
          }))}
        />
        <aside className={styles.summary} aria-label="Order summary">
          <h2>Summary</h2>
          <ul>
            {cart.lines.map((line) => (
              <li key={line.id}>
                {line.quantity} × {line.productName} ({line.variantTitle})
              </li>
            ))}
          </ul>
          <CostSummary cost={cost} />
          <p className="muted">
            Prices for delivery to {country}. <Link href={`/cart?country=${country}`}>Change</Link>
          </p>
        </aside>
      </div>
    </>
  );
}
