import type { DataSource } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { OrdersErrorCode } from '../errors';

/** A year at most: the dashboard's widest range, and a bound on the day series. */
const MAX_RANGE_DAYS = 366;
const TOP_PRODUCTS = 10;

/** Orders that did not turn into a sale: money never taken, or all of it given back. */
const NOT_SALES = ['CANCELLED', 'REFUNDED'];

export interface SalesRange {
  from: Date;
  to: Date;
  currency: string;
}

export interface SalesReport extends SalesRange {
  orderCount: number;
  salesCount: number;
  revenue: number;
  averageOrderValue: number;
  byStatus: { status: string; count: number; total: number }[];
  byDay: { day: string; orders: number; revenue: number }[];
  topProducts: { sku: string; productName: string; quantity: number; revenue: number }[];
}

/** Checks the range a caller asked for; every problem names its argument. */
export function parseSalesRange(from: string, to: string, currency: string): SalesRange {
  const start = new Date(from);
  const end = new Date(to);
  if (Number.isNaN(start.getTime()))
    throw new DomainError(OrdersErrorCode.INVALID_INPUT, 'from is not an ISO date', ['from']);
  if (Number.isNaN(end.getTime()))
    throw new DomainError(OrdersErrorCode.INVALID_INPUT, 'to is not an ISO date', ['to']);
  if (end <= start)
    throw new DomainError(OrdersErrorCode.INVALID_INPUT, 'to must be after from', ['to']);
  if (end.getTime() - start.getTime() > MAX_RANGE_DAYS * 86_400_000)
    throw new DomainError(
      OrdersErrorCode.INVALID_INPUT,
      `The range is at most ${MAX_RANGE_DAYS} days`,
      ['to'],
    );
  if (!/^[A-Za-z]{3}$/.test(currency))
    throw new DomainError(OrdersErrorCode.INVALID_INPUT, 'currency is an ISO 4217 code', [
      'currency',
    ]);
  return { from: start, to: end, currency: currency.toUpperCase() };
}

/**
 * Sales over a time range in one currency, for the staff dashboard. Plain SQL: three
 * aggregates over `customer_order` by (currency, created_at), whatever the order count.
 * Money of different currencies is never added up, so the report is per currency.
 */
export class SalesAnalytics {
  constructor(private readonly db: DataSource) {}

  async report(range: SalesRange): Promise<SalesReport> {
    const params = [range.currency, range.from, range.to];
    const window = `currency = $1 AND created_at >= $2 AND created_at < $3`;
    const [statuses, days, products] = await Promise.all([
      this.db.query<{ status: string; count: string; total: string }[]>(
        `SELECT status, count(*) AS count, coalesce(sum(total_amount), 0) AS total
           FROM orders.customer_order WHERE ${window}
          GROUP BY status ORDER BY status`,
        params,
      ),
      this.db.query<{ day: string; orders: string; revenue: string }[]>(
        `SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
                count(*) AS orders, coalesce(sum(total_amount), 0) AS revenue
           FROM orders.customer_order WHERE ${window} AND status <> ALL($4)
          GROUP BY 1 ORDER BY 1`,
        [...params, NOT_SALES],
      ),
      this.db.query<{ sku: string; product_name: string; quantity: string; revenue: string }[]>(
        `SELECT l.sku, min(l.product_name) AS product_name, sum(l.quantity) AS quantity,
                sum(l.line_total_amount) AS revenue
           FROM orders.order_line l
           JOIN orders.customer_order o ON o.id = l.order_id
          WHERE o.currency = $1 AND o.created_at >= $2 AND o.created_at < $3
            AND o.status <> ALL($4)
          GROUP BY l.sku ORDER BY sum(l.line_total_amount) DESC, l.sku LIMIT $5`,
        [...params, NOT_SALES, TOP_PRODUCTS],
      ),
    ]);
    const byStatus = statuses.map((s) => ({
      status: s.status,
      count: Number(s.count),
      total: Number(s.total),
    }));
    const sales = byStatus.filter((s) => !NOT_SALES.includes(s.status));
    const salesCount = sales.reduce((n, s) => n + s.count, 0);
    const revenue = sales.reduce((n, s) => n + s.total, 0);
    return {
      ...range,
      orderCount: byStatus.reduce((n, s) => n + s.count, 0),
      salesCount,
      revenue,
      // Integer minor units: rounded half up, as money is everywhere else.
      averageOrderValue: salesCount ? Math.round(revenue / salesCount) : 0,
      byStatus,
      byDay: days.map((d) => ({
        day: d.day,
        orders: Number(d.orders),
        revenue: Number(d.revenue),
      })),
      topProducts: products.map((p) => ({
        sku: p.sku,
        productName: p.product_name,
        quantity: Number(p.quantity),
        revenue: Number(p.revenue),
      })),
    };
  }
}
