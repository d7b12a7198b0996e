import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { hasPermission } from '../../../platform/authorization';
import type { Viewer } from '../../../platform/identity';

/** Staff who may read every order and cart. */
export const ORDERS_STAFF = 'orders:manage';

/**
 * Who may read an order: its customer, staff with orders:manage, platform services, and
 * whoever holds the order's access token (the guest's order-status link, returned by
 * checkout). The token is an HMAC of the order id, so nothing secret is stored per order.
 */
export class OrderAccess {
  private secret: Promise<string> | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly configuredSecret?: string,
  ) {}

  async tokenFor(orderId: string): Promise<string> {
    return createHmac('sha256', await this.key())
      .update(`order:${orderId}`)
      .digest('base64url');
  }

  /** Without a token: the viewer alone decides (entity references, lists). */
  canRead(owner: { customerId: string | null }, viewer: Viewer): boolean {
    if (hasPermission(viewer, ORDERS_STAFF)) return true;
    return viewer.kind === 'customer' && owner.customerId === viewer.customerId;
  }

  async canReadWithToken(
    order: { id: string; customerId: string | null },
    viewer: Viewer,
    token: string | null | undefined,
  ): Promise<boolean> {
    if (this.canRead(order, viewer)) return true;
    if (!token) return false;
    const expected = Buffer.from(await this.tokenFor(order.id));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private key(): Promise<string> {
    this.secret ??= this.configuredSecret
      ? Promise.resolve(this.configuredSecret)
      : this.db
          .query(`SELECT value FROM orders.secret WHERE name = 'order_access'`)
          .then((rows: { value: string }[]) => rows[0]!.value);
    return this.secret;
  }
}
