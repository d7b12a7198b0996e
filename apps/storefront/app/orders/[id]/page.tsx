import type { Metadata } from 'next';
import Link from 'next/link';
import { CommerceError, WebOrderDocument } from '../../../../../sdk';
import { OrderTracker } from '../../../components/OrderTracker';
import { storefrontConfig } from '../../../lib/config';
import { accessToken } from '../../../lib/session';
import { shop } from '../../../lib/shop';

export const metadata: Metadata = { title: 'Your order', robots: { index: false } };

export default async function OrderPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ token?: string }>;
}) {
  const [{ id }, { token }, customerToken] = await Promise.all([
    params,
    searchParams,
    accessToken(),
  ]);
  let order = null;
  try {
    ({ order } = await (
      await shop()
    ).request(WebOrderDocument, { id, accessToken: token ?? null }));
  } catch (error) {
    if (!(error instanceof CommerceError)) throw error;
  }
  if (!order) {
    return (
      <>
        <h1>Order not found</h1>
        <p>
          Open the link from your confirmation email, or <Link href="/account/login">sign in</Link>{' '}
          to see your orders.
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Order {order.number}</h1>
      <p className="muted">
        Placed {new Date(order.createdAt).toLocaleString('en-GB')} · {order.email}
      </p>
      <OrderTracker
        initial={order}
        routerUrl={storefrontConfig().browserRouterUrl}
        orderAccessToken={token ?? null}
        customerToken={token ? null : (customerToken ?? null)}
      />
    </>
  );
}
