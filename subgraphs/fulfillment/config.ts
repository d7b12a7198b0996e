import { loadConfig, setting } from '../../platform/config';
import { STRATEGY_NAMES } from './domain/strategies';

/** Fulfillment's settings, read once where the subgraph's services are created. */
export function loadFulfillmentConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      /** Which warehouses ship an order: most-stock, nearest, fewest-splits or capacity-aware. */
      FULFILLMENT_STRATEGY: setting.oneOf(STRATEGY_NAMES, 'most-stock'),
      /** How far ahead a full warehouse may push work into later slots. */
      FULFILLMENT_SLOT_HORIZON_HOURS: setting.int(168, { min: 1, max: 24 * 31 }),
      /** How often fulfillment orders left open (an inventory outage, say) are assigned again. */
      FULFILLMENT_ASSIGN_SWEEP_MS: setting.int(30_000, { min: 10 }),
      /** The carrier shipping buys labels from (one of shipping's: DHL-sandbox, UPS-sandbox). */
      FULFILLMENT_CARRIER: setting.string('DHL-sandbox'),
      /** A parcel's weight per unit when the packer gives none (catalog has no weights yet). */
      FULFILLMENT_UNIT_WEIGHT_GRAMS: setting.int(500, { min: 1 }),
    },
    env,
  );
}

export type FulfillmentConfig = ReturnType<typeof loadFulfillmentConfig>;
