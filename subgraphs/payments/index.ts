import { subgraphTypeDefs } from '../../platform/schema';
import { join } from 'node:path';
import type { SubgraphModule } from '../../platform/subgraph';
import { paymentsEntities } from './entities';
import { createPaymentsLoaders, type PaymentsLoaders } from './loaders';
import { PaymentsInitial1764100000000 } from './migrations/0001-payments-initial';
import { PaymentsFraud1764300000000 } from './migrations/0002-fraud';
import { PaymentsWebhooks1764300000001 } from './migrations/0003-webhooks';
import type { PaymentProvider } from './provider';
import { paymentsResolvers } from './resolvers';
import { SandboxProvider } from './sandbox-provider';
import { PaymentsService } from './service';
import { webhookRoutes } from './webhooks/routes';

/**
 * The card processor named by PAYMENT_PROVIDER. Only `sandbox` exists; it is the default
 * outside production, where the choice must be explicit. Anything else stops the start.
 */
export function createPaymentProvider(name = process.env.PAYMENT_PROVIDER): PaymentProvider {
  const chosen = name ?? (process.env.NODE_ENV === 'production' ? undefined : 'sandbox');
  if (chosen === 'sandbox') return new SandboxProvider();
  throw new Error(
    chosen === undefined
      ? 'PAYMENT_PROVIDER must be set in production'
      : `Unknown PAYMENT_PROVIDER "${chosen}"; known providers: sandbox`,
  );
}

export const paymentsSubgraph: SubgraphModule<{ payments: PaymentsService }, PaymentsLoaders> = {
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
  ],
  createServices: ({ dataSource }) => ({
    payments: new PaymentsService(dataSource, createPaymentProvider()),
  }),
  createLoaders: ({ payments }) => createPaymentsLoaders(payments),
  // POST /webhooks/payments: the processor's asynchronous events (webhooks/handler.ts).
  routes: (services) => webhookRoutes(services),
};
