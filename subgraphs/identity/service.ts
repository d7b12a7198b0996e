import { startPeriodicJob } from '../../platform/periodic-job';
import { createSessionRevocations } from '../../platform/auth/revocations';
import { createLogger } from '../../platform/logging';
import { createServiceClient, type ServiceClient } from '../../platform/service-client';
import type { ServiceDeps } from '../../platform/subgraph';
import { locationAddressRules } from './clients/location';
import { type IdentityConfig, loadIdentityConfig } from './config';
import { Addresses } from './domain/addresses';
import { Apps } from './domain/apps';
import { AuditLog } from './domain/audit';
import { Authentication } from './domain/authentication';
import { Customers } from './domain/customers';
import { startEmailDelivery } from './domain/emails';
import { LoginThrottle } from './domain/login-throttle';
import { type Mailer, mailerFrom } from './domain/mailer';
import { Mfa } from './domain/mfa';
import { Oidc, oidcProvidersFrom } from './domain/oidc';
import { RequestThrottle } from './domain/request-throttle';
import { SecretBox } from './domain/secrets';
import { Sessions, sessionSettingsFrom } from './domain/sessions';
import { SigningKeys, tokenSettingsFrom } from './domain/signing-keys';
import { Staff } from './domain/staff';
import { throttleLimitsFrom, Throttles } from './domain/throttle';

const log = createLogger('identity');

/**
 * Identity's entry point: everything it does, wired once per process from its typed
 * configuration (config.ts; the README lists every setting). `ready` resolves when the
 * signing key exists and the bootstrap admin (if configured) has been created.
 */
export function createIdentityServices(
  { dataSource: db, pubsub, subgraphUrls }: ServiceDeps,
  config: IdentityConfig = loadIdentityConfig(),
  mailer: Mailer = mailerFrom(config),
) {
  const box = new SecretBox(config.IDENTITY_ENCRYPTION_KEY, config.NODE_ENV === 'production');
  const revocations = createSessionRevocations();
  const audit = new AuditLog(db);
  const keys = new SigningKeys(db, box, tokenSettingsFrom(config));
  const sessions = new Sessions(db, audit, sessionSettingsFrom(config), revocations);
  const throttles = new Throttles(db);
  const limits = throttleLimitsFrom(config);
  const throttle = new LoginThrottle(throttles, limits);
  const requests = new RequestThrottle(throttles, limits);
  const mfa = new Mfa(db, box, audit, config.MFA_ISSUER);
  const customers = new Customers(db, audit, sessions, throttle, requests, config.STOREFRONT_URL);
  const addresses = new Addresses(
    db,
    // The URL is looked up per call: location may start after identity.
    locationAddressRules({
      execute: (document, variables) =>
        createServiceClient('identity', 'location', subgraphUrls.location).execute(
          document,
          variables,
        ),
    } as ServiceClient),
  );
  const staff = new Staff(db, audit, sessions);
  const auth = new Authentication(db, keys, sessions, throttle, mfa, audit, customers, staff);
  const apps = new Apps(db, keys, audit, sessions);
  const oidc = new Oidc(db, audit, auth, oidcProvidersFrom(config.OIDC_PROVIDERS));

  const ready = (async () => {
    await keys.ensureKey();
    await staff.bootstrap(config.BOOTSTRAP_ADMIN_EMAIL, config.BOOTSTRAP_ADMIN_PASSWORD);
  })();
  // Awaited by whoever needs it (staff sign-in, tests); a failure is reported, not crashed on.
  ready.catch((error) => log.error('start-up task failed', { error: (error as Error).message }));

  return {
    config,
    audit,
    keys,
    sessions,
    revocations,
    throttle,
    requests,
    mfa,
    customers,
    addresses,
    staff,
    auth,
    apps,
    oidc,
    mailer,
    ready,
    /** Email delivery and signing key rotation; returns a function that stops them. */
    startBackground(): () => void {
      const stopDelivery = startEmailDelivery(pubsub, db, mailer, config.IDENTITY_EMAIL_DELIVERY);
      const stopRotation = startPeriodicJob(
        log,
        'key rotation',
        () => keys.rotateIfDue(),
        config.SIGNING_KEY_CHECK_MS,
      );
      return () => {
        stopRotation();
        stopDelivery();
      };
    },
    /** Closes what the services hold open (the revocation list's Redis connections). */
    close: () => revocations.close(),
  };
}

export type IdentityServices = ReturnType<typeof createIdentityServices>;
