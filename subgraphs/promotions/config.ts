import { loadConfig, setting, type Config } from '../../platform/config';

/** Promotions' settings, read once where the process creates its services. */
export const promotionsSettings = {
  /**
   * A coupon hold (RESERVED redemption) never confirmed is released once it is this old,
   * and no longer counts toward the buyer's per-customer limit: longer than any checkout.
   */
  PROMOTION_HOLD_TTL_MS: setting.int(30 * 60_000, { min: 1000 }),
  /** How often stale holds are looked for. */
  PROMOTION_RECONCILE_INTERVAL_MS: setting.int(60_000, { min: 100 }),
};

export type PromotionsConfig = Config<typeof promotionsSettings>;

export function promotionsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): PromotionsConfig {
  return loadConfig(promotionsSettings, env);
}
