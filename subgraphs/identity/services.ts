import type { ServiceDeps } from '../../platform/subgraph';
import { Addresses } from './addresses';
import { AuditLog } from './audit';
import { Authentication } from './authentication';
import { Customers } from './customers';
import { startEmailDelivery } from './emails';
import { type Mailer, mailerFromEnv } from './mailer';
import { Mfa } from './mfa';
import { Oidc, oidcProvidersFromEnv } from './oidc';
import { SecretBox } from './secrets';
import { Sessions, sessionSettingsFromEnv } from './sessions';
import { SigningKeys, tokenSettingsFromEnv } from './signing-keys';
import { Staff } from './staff';
import { LoginThrottle, throttleSettingsFromEnv } from './throttle';
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
