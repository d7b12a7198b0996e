import type { DataSource } from 'typeorm';
import { uuidFromName } from '../../platform/ids';

/**
 * A welcome campaign for the demo shop, once: WELCOME10 takes 10 % off an order (one use
 * per customer), and shipping is free on orders over 100 in any currency.
 */
export async function seedPromotions(db: DataSource): Promise<boolean> {
  const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM promotions.campaign`);
  if (count > 0) return false;
  const campaign = uuidFromName('campaign:welcome');
  const welcome = uuidFromName('promotion:welcome10');
  const freeShipping = uuidFromName('promotion:free-shipping-100');
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO promotions.campaign (id, name, starts_at) VALUES ($1, 'Welcome', now() - interval '1 day')`,
      [campaign],
    );
    await tx.query(
      `INSERT INTO promotions.promotion (id, campaign_id, name, kind, value, requires_coupon, priority)
       VALUES ($1, $2, '10 % off your first order', 'PERCENTAGE_ORDER', 1000, true, 10)`,
      [welcome, campaign],
    );
    await tx.query(
      `INSERT INTO promotions.promotion (id, campaign_id, name, kind, min_subtotals, priority)
       VALUES ($1, $2, 'Free shipping over 100', 'FREE_SHIPPING',
               '[{"amount": 10000, "currency": "EUR"}, {"amount": 10000, "currency": "USD"}, {"amount": 10000, "currency": "GBP"}]', 0)`,
      [freeShipping, campaign],
    );
    await tx.query(
      `INSERT INTO promotions.coupon (promotion_id, code, per_customer_limit) VALUES ($1, 'WELCOME10', 1)`,
      [welcome],
    );
  });
  return true;
}
