import { loadConfig, setting } from '../../platform/config';

/** The orders subgraph's settings (see README.md), read and checked once when its services start. */
export function loadOrdersConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      /** How long an attempt holds its key without renewing; renewed every third of it while it runs. */
      CHECKOUT_LEASE_MS: setting.int(5000, { min: 200, max: 60_000 }),
      /** How long a request waits for another request's attempt with its key before CHECKOUT_IN_PROGRESS. */
      CHECKOUT_WAIT_MS: setting.int(4000, { min: 0, max: 60_000 }),
      /** How often the recovery sweeper undoes attempts whose lease expired and nobody retried. */
      CHECKOUT_RECOVERY_INTERVAL_MS: setting.int(10_000, { min: 100 }),
      /** Test-only: the process kills itself (SIGKILL) at this point of every checkout. */
      CHECKOUT_FAULT: setting.oneOf(['none', 'after-reservation', 'after-authorization'], 'none'),
      /** How long stock is held for a checkout that has not finished; committed on success. */
      CHECKOUT_RESERVATION_TTL_SECONDS: setting.int(900, { min: 60, max: 86_400 }),
      IDEMPOTENCY_RETENTION_DAYS: setting.int(7, { min: 1 }),
      IDEMPOTENCY_SWEEP_MS: setting.int(3_600_000, { min: 1000 }),
      /** Signs guest order-status links; generated once per database when unset. */
      ORDER_ACCESS_SECRET: setting.optionalString(),
      /** The storefront page where a customer pays a draft order; the pay token is added as ?token=. */
      DRAFT_PAY_URL: setting.url('http://localhost:3000/pay'),
      /** How many days after delivery a customer may ask to return goods. */
      ORDERS_RETURN_WINDOW_DAYS: setting.int(30, { min: 0, max: 3650 }),
    },
    env,
  );
}

export type OrdersConfig = ReturnType<typeof loadOrdersConfig>;
