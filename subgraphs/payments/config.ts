import { loadConfig, setting, type Config } from '../../platform/config';

/** Payments' own settings (fraud screening's are in fraud/config.ts, webhooks' in webhooks/handler.ts). */
export const paymentsSettings = {
  /** The card processor; only `sandbox` exists, the default outside production. */
  PAYMENT_PROVIDER: setting.optionalString(),
  /**
   * An AUTHORIZED payment whose order orders has never written is voided once it is this
   * old: longer than any checkout (reservation TTL 15 min), so a slow checkout is not undone.
   */
  PAYMENT_UNCLAIMED_AFTER_MS: setting.int(30 * 60_000, { min: 1000 }),
  /** Where buyers reach the sandbox bank's 3-D Secure page (payments' /sandbox/3ds). */
  PAYMENT_SANDBOX_ACS_URL: setting.string('http://localhost:4004/sandbox/3ds'),
  /** How long a sandbox 3-D Secure challenge may be answered. */
  PAYMENT_SANDBOX_CHALLENGE_TTL_SECONDS: setting.int(600, { min: 1 }),
  /** How often the reconciler looks for such payments. */
  PAYMENT_RECONCILE_INTERVAL_MS: setting.int(60_000, { min: 100 }),
  /** Payments looked at per round (one call to orders each). */
  PAYMENT_RECONCILE_BATCH: setting.int(100, { min: 1, max: 1000 }),
};

export type PaymentsConfig = Config<typeof paymentsSettings>;

export function paymentsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): PaymentsConfig {
  return loadConfig(paymentsSettings, env);
}
