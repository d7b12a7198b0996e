import type { ServiceDeps } from '../../platform/subgraph';
import { Addresses } from './domain/addresses';
import { AuditLog } from './domain/audit';
import { Authentication } from './domain/authentication';
import { Customers } from './domain/customers';
import { startEmailDelivery } from './domain/emails';
import { type Mailer, mailerFromEnv } from './domain/mailer';
import { Mfa } from './domain/mfa';
import { Oidc, oidcProvidersFromEnv } from './domain/oidc';
import { SecretBox } from './domain/secrets';
import { Sessions, sessionSettingsFromEnv } from './domain/sessions';
import { SigningKeys, tokenSettingsFromEnv } from './domain/signing-keys';
import { Staff } from './domain/staff';
import { LoginThrottle, throttleSettingsFromEnv } from './domain/throttle';
import { createLogger } from '../../platform/logging';

const log = createLogger('identity');

/**
 * Everything identity does, wired once per process. Settings come from the environment
 * (see the README of this folder); `ready` resolves when the signing key exists and the
 * bootstrap admin (if configured) has been created.
 */
export function createIdentityServices(
  { dataSource: db, pubsub }: ServiceDeps,
  mailer: Mailer = mailerFromEnv(),
) {
  const box = new SecretBox();
  const audit = new AuditLog(db);
  const keys = new SigningKeys(db, box, tokenSettingsFromEnv());
  const sessions = new Sessions(db, audit, sessionSettingsFromEnv());
  const throttle = new LoginThrottle(db, throttleSettingsFromEnv());
  const mfa = new Mfa(db, box, audit);
  const customers = new Customers(db, audit, sessions, throttle);
  const addresses = new Addresses(db);
  const staff = new Staff(db, audit, sessions);
  const auth = new Authentication(db, keys, sessions, throttle, mfa, audit, customers, staff);
  const oidc = new Oidc(db, audit, auth, oidcProvidersFromEnv());

  const ready = (async () => {
    await keys.ensureKey();
    await staff.bootstrap(process.env.BOOTSTRAP_ADMIN_EMAIL, process.env.BOOTSTRAP_ADMIN_PASSWORD);
  })();
  // Awaited by whoever needs it (staff sign-in, tests); a failure is reported, not crashed on.
  ready.catch((error) => log.error('start-up task failed', { error: (error as Error).message }));

  return {
    audit,
    keys,
    sessions,
    throttle,
    mfa,
    customers,
    addresses,
    staff,
    auth,
    oidc,
    mailer,
    ready,
    /** Email delivery and signing key rotation; returns a function that stops them. */
    startBackground(): () => void {
      const stopDelivery = startEmailDelivery(pubsub, db, mailer);
      const timer = setInterval(
        () => {
          keys
            .rotateIfDue()
            .catch((error) =>
              log.error('key rotation failed', { error: (error as Error).message }),
            );
        },
        Number(process.env.SIGNING_KEY_CHECK_MS ?? 3600_000),
      );
      timer.unref();
      return () => {
        clearInterval(timer);
        stopDelivery();
      };
    },
  };
}

export type IdentityServices = ReturnType<typeof createIdentityServices>;
