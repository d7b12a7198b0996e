import { loadConfig, setting } from '../../platform/config';

/** Inventory's settings, read once where the subgraph's services are created. */
export function loadInventoryConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      /** How often expired ACTIVE reservations are released. */
      RESERVATION_SWEEP_MS: setting.int(30_000, { min: 10 }),
      /** How often COMMITTED reservations without an order are looked for. */
      ORPHAN_SWEEP_MS: setting.int(60_000, { min: 10 }),
      /** A COMMITTED reservation this old whose order orders does not have is released. */
      ORPHAN_RESERVATION_AGE_SECONDS: setting.int(900, { min: 1 }),
    },
    env,
  );
}

export type InventoryConfig = ReturnType<typeof loadInventoryConfig>;
