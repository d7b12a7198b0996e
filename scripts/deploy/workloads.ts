/**
 * The platform's processes as Kubernetes sees them: which container arguments, port and
 * secrets each one needs. The base manifests (deploy/k8s/base) are generated from this and
 * the subgraph registry, so a new subgraph gets its Deployment, Service, autoscaler and
 * disruption budget by being registered.
 */
import { subgraphs } from '../../subgraphs/registry';
import { subgraphUrlVariable } from '../../platform/config';

export interface Workload {
  name: string;
  /** After `node` (the image's entrypoint). */
  args: string[];
  port: number;
  /** Keys of the `commerce-secrets` Secret this process reads, each as the same env var. */
  secrets: string[];
  /** How long a stopping pod may drain (the router closes its WebSockets and SSE streams). */
  terminationGraceSeconds: number;
  resources: { cpu: string; memory: string; cpuLimit: string; memoryLimit: string };
  /** HorizontalPodAutoscaler bounds. */
  replicas: { min: number; max: number };
}

export const ROUTER_PORT = 4000;
export const CONFIG_MAP = 'commerce-config';
export const SECRET = 'commerce-secrets';
export const SUPERGRAPH_CONFIG_MAP = 'commerce-supergraph';
export const SUPERGRAPH_MOUNT = '/etc/commerce/supergraph';

/** Every process reads its database and Redis (credentials inside) and the signing secret. */
const COMMON_SECRETS = ['DATABASE_URL', 'REDIS_URL', 'ROUTER_SIGNING_SECRET'];

/** Secrets beyond the common ones, by subgraph (see .env.example). */
const SUBGRAPH_SECRETS: Record<string, string[]> = {
  identity: ['IDENTITY_ENCRYPTION_KEY', 'BOOTSTRAP_ADMIN_PASSWORD'],
  payments: ['PAYMENT_WEBHOOK_SECRET'],
  // smtp://user:password@host: the mail relay's credentials are in the URL.
  notifications: ['SMTP_URL'],
  shipping: ['SHIPPING_WEBHOOK_SECRET', 'SHIPPING_LABEL_URL_SECRET'],
};

const SUBGRAPH_RESOURCES = { cpu: '100m', memory: '192Mi', cpuLimit: '1', memoryLimit: '512Mi' };

export function workloads(): Workload[] {
  const router: Workload = {
    name: 'router',
    args: ['dist/router/main.js'],
    port: ROUTER_PORT,
    secrets: ['REDIS_URL', 'ROUTER_SIGNING_SECRET'],
    // Longer than a WebSocket drain and the 10 s grace given to slow subscribers.
    terminationGraceSeconds: 60,
    resources: { cpu: '250m', memory: '256Mi', cpuLimit: '2', memoryLimit: '768Mi' },
    replicas: { min: 2, max: 10 },
  };
  return [
    router,
    ...subgraphs.map((module): Workload => ({
      name: module.name,
      args: ['dist/scripts/start-subgraph.js', module.name],
      port: module.defaultPort,
      secrets: [...COMMON_SECRETS, ...(SUBGRAPH_SECRETS[module.name] ?? [])],
      terminationGraceSeconds: 30,
      resources: SUBGRAPH_RESOURCES,
      replicas: { min: 2, max: 6 },
    })),
  ];
}

/** `SUBGRAPH_<NAME>_URL` of every subgraph, as the router and the subgraphs' clients read them. */
export function subgraphUrls(): Record<string, string> {
  return Object.fromEntries(
    subgraphs.map((module) => [
      subgraphUrlVariable(module.name),
      `http://${module.name}:${module.defaultPort}/graphql`,
    ]),
  );
}
