import { loadConfig, setting } from '../../platform/config';

/** Loyalty's settings, read once where its services are created. */
export function loadLoyaltyConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      /** Points per whole currency unit of a delivered order, before the tier's multiplier. */
      LOYALTY_POINTS_PER_UNIT: setting.int(1, { min: 0, max: 1000 }),
      /** What one point is worth at checkout, in minor units of the order's currency. */
      LOYALTY_POINT_VALUE: setting.int(1, { min: 1, max: 10_000 }),
      /** Days a lot of points lives before the expiry job takes what is left of it. */
      LOYALTY_POINTS_TTL_DAYS: setting.int(365, { min: 1, max: 3650 }),
      /** Rolling 12-month spend (minor units) from which each tier holds. */
      LOYALTY_SILVER_SPEND: setting.int(50_000, { min: 1 }),
      LOYALTY_GOLD_SPEND: setting.int(100_000, { min: 1 }),
      LOYALTY_PLATINUM_SPEND: setting.int(250_000, { min: 1 }),
      /** Points for each side of a referral, after the referee's first delivered order. */
      LOYALTY_REFERRAL_POINTS: setting.int(500, { min: 0, max: 1_000_000 }),
      /** How often the expiry job looks for lots due. */
      LOYALTY_EXPIRY_INTERVAL_MS: setting.int(60 * 60 * 1000, { min: 1000 }),
    },
    env,
  );
}

export type LoyaltyConfig = ReturnType<typeof loadLoyaltyConfig>;
