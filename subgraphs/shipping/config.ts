import { loadConfig, setting, type Config } from '../../platform/config';

/** Shipping's settings, read once where the process creates its services. */
export const shippingSettings = {
  /** HMAC-SHA256 secret the carriers sign webhooks with (`x-carrier-signature`). */
  SHIPPING_WEBHOOK_SECRET: setting.string('development-carrier-webhook-secret'),
  /** How far a webhook's signed timestamp may be from now. */
  SHIPPING_WEBHOOK_TOLERANCE_SECONDS: setting.int(300, { min: 1 }),
  /** Secret of the signed label download links (`Shipment.labelUrl`). */
  SHIPPING_LABEL_URL_SECRET: setting.string('development-label-url-secret'),
  /** How long a label download link works. */
  SHIPPING_LABEL_URL_TTL_SECONDS: setting.int(900, { min: 1 }),
  /**
   * The sandbox carriers move each parcel a step (in transit, out for delivery, delivered)
   * this often, sending each step to the shop's webhook; 0: they send nothing, and the
   * carrier's events come only from whoever posts them (tests). `npm start` sets 20.
   */
  SHIPPING_SANDBOX_STEP_SECONDS: setting.int(0, { min: 0, max: 86_400 }),
  /** How often the sandbox carriers look for parcels whose next step is due. */
  SHIPPING_SANDBOX_TICK_MS: setting.int(1000, { min: 50 }),
};

export type ShippingConfig = Config<typeof shippingSettings>;

export function shippingConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ShippingConfig {
  return loadConfig(shippingSettings, env);
}
