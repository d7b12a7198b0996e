import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { subgraphTypeDefs } from '../../platform/schema';
import type { ServiceDeps, SubgraphModule } from '../../platform/subgraph';
import { paymentsConfigFromEnv, type PaymentsConfig } from './config';
import { createLogger } from '../../platform/logging';
import { startPeriodicJob } from '../../platform/periodic-job';
import { paymentsEntities } from './entities';
import type { FraudConfig } from './fraud/config';
import { createPaymentsLoaders, type PaymentsLoaders } from './loaders';
import { PaymentsInitial1764100000000 } from './migrations/0001-payments-initial';
import { PaymentsFraud1764300000000 } from './migrations/0002-fraud';
import { PaymentsWebhooks1764300000001 } from './migrations/0003-webhooks';
import { PaymentsUnclaimed1764900000000 } from './migrations/0004-unclaimed';
import { PaymentsSavedMethods1765000000001 } from './migrations/0005-saved-methods';
import { PaymentsActions1765000000002 } from './migrations/0006-payment-actions';
import { OrdersGateway } from './orders-gateway';
import type { PaymentProvider } from './provider';
import { paymentsResolvers } from './resolvers';
import { acsRoutes } from './sandbox/acs-routes';
import { SandboxProvider } from './sandbox/provider';
import { PaymentsService } from './service';
import { webhookRoutes } from './webhooks/routes';

/**
 * The card processor named by PAYMENT_PROVIDER. Only `sandbox` exists; it is the default
 * outside production, where the choice must be explicit. Anything else stops the start.
 */
export function createPaymentProvider(
  databaseUrl: string,
  name = paymentsConfigFromEnv().PAYMENT_PROVIDER,
  production = process.env.NODE_ENV === 'production',
  config: PaymentsConfig = paymentsConfigFromEnv(),
): PaymentProvider {
  const chosen = name ?? (production ? undefined : 'sandbox');
  // The sandbox keeps its state in this database, in a schema of its own.
  if (chosen === 'sandbox') {
    return new SandboxProvider(databaseUrl, {
      acsUrl: config.PAYMENT_SANDBOX_ACS_URL,
      challengeTtlSeconds: config.PAYMENT_SANDBOX_CHALLENGE_TTL_SECONDS,
    });
  }
  throw new Error(
    chosen === undefined
      ? 'PAYMENT_PROVIDER must be set in production'
      : `Unknown PAYMENT_PROVIDER "${chosen}"; known providers: sandbox`,
  );
}

/** The URL the subgraph's own DataSource connects with. */
export function databaseUrlOf(dataSource: DataSource): string {
  const { url } = dataSource.options as { url?: string };
  if (!url) throw new Error('The payments DataSource has no url');
  return url;
}

export interface PaymentsServices {
  payments: PaymentsService;
  /** The card processor's client, closed when the subgraph stops. */
  provider: PaymentProvider;
  orders: OrdersGateway;
  config: PaymentsConfig;
}

/** The services of one payments process; tests pass their own provider or fraud settings. */
export function createPaymentsServices(
  { dataSource, subgraphUrls }: Pick<ServiceDeps, 'dataSource' | 'subgraphUrls'>,
  overrides: {
    /** A processor, or how to make one for this database (tests wrap the sandbox). */
    provider?: PaymentProvider | ((databaseUrl: string) => PaymentProvider);
    fraudConfig?: FraudConfig;
  } = {},
): PaymentsServices {
  const config = paymentsConfigFromEnv();
  const databaseUrl = databaseUrlOf(dataSource);
  const provider =
    typeof overrides.provider === 'function'
      ? overrides.provider(databaseUrl)
      : (overrides.provider ??
        createPaymentProvider(databaseUrl, config.PAYMENT_PROVIDER, undefined, config));
  return {
    payments: new PaymentsService(dataSource, provider, overrides.fraudConfig),
    provider,
    orders: new OrdersGateway(subgraphUrls),
    config,
  };
}

export const paymentsSubgraph: SubgraphModule<PaymentsServices, PaymentsLoaders> = {
  name: 'payments',
  dbSchema: 'payments',
  defaultPort: 4004,
  typeDefs: subgraphTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: paymentsResolvers,
  entities: paymentsEntities,
  migrations: [
    PaymentsInitial1764100000000,
    PaymentsFraud1764300000000,
    PaymentsWebhooks1764300000001,
    PaymentsUnclaimed1764900000000,
    PaymentsSavedMethods1765000000001,
    PaymentsActions1765000000002,
  ],
  createServices: (deps) => createPaymentsServices(deps),
  createLoaders: ({ payments, orders }) => createPaymentsLoaders(payments, orders),
  closeServices: async ({ provider }) => {
    await provider.close?.();
  },
  // Voids authorizations whose order was never written (domain/unclaimed.ts).
  startBackground: ({ payments, orders, config }) =>
    startPeriodicJob(
      createLogger('payments.unclaimed'),
      'reconciling unclaimed authorizations',
      () =>
        payments.voidUnclaimedAuthorizations(orders, {
          unclaimedAfterMs: config.PAYMENT_UNCLAIMED_AFTER_MS,
          batchSize: config.PAYMENT_RECONCILE_BATCH,
        }),
      config.PAYMENT_RECONCILE_INTERVAL_MS,
    ),
  // POST /webhooks/payments: the processor's asynchronous events (webhooks/handler.ts).
  // and, with the sandbox processor, its bank's 3-D Secure page (sandbox/acs-routes.ts).
  routes: (services) => {
    const router = webhookRoutes(services);
    if (services.provider instanceof SandboxProvider)
      router.use(acsRoutes(services.provider.store));
    return router;
  },
};
