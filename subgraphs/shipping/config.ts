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
};

export type ShippingConfig = Config<typeof shippingSettings>;

export function shippingConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ShippingConfig {
  return loadConfig(shippingSettings, env);
}
