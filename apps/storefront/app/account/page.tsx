import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { WebAccountDocument } from '../../../../sdk';
import { AddressForm } from '../../components/AccountForms';
import { formatMoney } from '../../lib/money';
import { accessToken } from '../../lib/session';
import { shop } from '../../lib/shop';
import { deleteAddress, logout } from './actions';

export const metadata: Metadata = { title: 'Your account', robots: { index: false } };

export default async function AccountPage() {
  if (!(await accessToken())) redirect('/account/login');
  const { me } = await (await shop()).request(WebAccountDocument, { ordersFirst: 20 });
  if (!me) redirect('/account/login');
  const orders = me.orders?.edges.map((edge) => edge.node) ?? [];
  return (
    <>
      <h1>
        Hello, {me.firstName} {me.lastName}
      </h1>
      <p data-testid="account-email">
        {me.email} · {me.emailVerified ? 'email confirmed' : 'email not confirmed yet'} · two-step
        sign-in {me.mfaEnabled ? 'on' : 'off'}
      </p>
      <form action={logout}>
        <button className="button button-secondary" type="submit">
          Sign out
        </button>
      </form>
      <h2>Your orders</h2>
      {me.orders === null && (
        <p className="notice notice-error">Orders cannot be shown right now.</p>
      )}
      {orders.length === 0 ? (
        <p className="muted">No orders yet.</p>
      ) : (
        <ul data-testid="order-history">
          {orders.map((order) => (
            <li key={order.id}>
              <Link href={`/orders/${order.id}`}>Order {order.number}</Link> ·{' '}
              {new Date(order.createdAt).toLocaleDateString('en-GB')} · {order.status.toLowerCase()}{' '}
              · {formatMoney(order.total)}
            </li>
          ))}
        </ul>
      )}
      <h2>Addresses</h2>
      {me.addresses.length === 0 && <p className="muted">No saved addresses.</p>}
      <ul data-testid="addresses">
        {me.addresses.map((address) => (
          <li key={address.id}>
            {address.name}, {address.line1}, {address.postalCode} {address.city}, {address.country}
            {address.isDefaultShipping ? ' (default)' : ''}{' '}
            <form action={deleteAddress} style={{ display: 'inline' }}>
              <input type="hidden" name="id" value={address.id} />
              <button className="button button-secondary" type="submit">
                Delete<span className="visually-hidden"> address {address.line1}</span>
              </button>
            </form>
          </li>
        ))}
      </ul>
      <h2>Add an address</h2>
      <AddressForm />
    </>
  );
}
