import { join } from 'node:path';
import { subgraphTypeDefs } from '../../platform/schema';
import type { ServiceDeps, SubgraphModule } from '../../platform/subgraph';
import { paymentsConfigFromEnv, type PaymentsConfig } from './config';
import { startUnclaimedReconciler } from './domain/unclaimed';
import { paymentsEntities } from './entities';
import type { FraudConfig } from './fraud/config';
import { createPaymentsLoaders, type PaymentsLoaders } from './loaders';
import { PaymentsInitial1764100000000 } from './migrations/0001-payments-initial';
import { PaymentsFraud1764300000000 } from './migrations/0002-fraud';
import { PaymentsWebhooks1764300000001 } from './migrations/0003-webhooks';
import { PaymentsUnclaimed1764900000000 } from './migrations/0004-unclaimed';
import { OrdersGateway } from './orders-gateway';
import type { PaymentProvider } from './provider';
import { paymentsResolvers } from './resolvers';
import { SandboxProvider } from './sandbox-provider';
import { PaymentsService } from './service';
import { webhookRoutes } from './webhooks/routes';

/**
 * The card processor named by PAYMENT_PROVIDER. Only `sandbox` exists; it is the default
 * outside production, where the choice must be explicit. Anything else stops the start.
 */
export function createPaymentProvider(
  name = paymentsConfigFromEnv().PAYMENT_PROVIDER,
  production = process.env.NODE_ENV === 'production',
): PaymentProvider {
  const chosen = name ?? (production ? undefined : 'sandbox');
  if (chosen === 'sandbox') return new SandboxProvider();
  throw new Error(
    chosen === undefined
      ? 'PAYMENT_PROVIDER must be set in production'
      : `Unknown PAYMENT_PROVIDER "${chosen}"; known providers: sandbox`,
  );
}

export interface PaymentsServices {
  payments: PaymentsService;
  orders: OrdersGateway;
  config: PaymentsConfig;
}

/** The services of one payments process; tests pass their own provider or fraud settings. */
export function createPaymentsServices(
  { dataSource, subgraphUrls }: Pick<ServiceDeps, 'dataSource' | 'subgraphUrls'>,
  overrides: { provider?: PaymentProvider; fraudConfig?: FraudConfig } = {},
): PaymentsServices {
  const config = paymentsConfigFromEnv();
  return {
    payments: new PaymentsService(
      dataSource,
      overrides.provider ?? createPaymentProvider(config.PAYMENT_PROVIDER),
      overrides.fraudConfig,
    ),
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
  ],
  createServices: (deps) => createPaymentsServices(deps),
  createLoaders: ({ payments, orders }) => createPaymentsLoaders(payments, orders),
  // Voids authorizations whose order was never written (domain/unclaimed.ts).
  startBackground: ({ payments, orders, config }) =>
    startUnclaimedReconciler(
      () =>
        payments.voidUnclaimedAuthorizations(orders, {
          unclaimedAfterMs: config.PAYMENT_UNCLAIMED_AFTER_MS,
          batchSize: config.PAYMENT_RECONCILE_BATCH,
        }),
      config.PAYMENT_RECONCILE_INTERVAL_MS,
    ),
  // POST /webhooks/payments: the processor's asynchronous events (webhooks/handler.ts).
  routes: (services) => webhookRoutes(services),
};
