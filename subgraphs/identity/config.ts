import { type Config, loadConfig, setting } from '../../platform/config';

/** Every variable identity reads, with its default (see README.md). Loaded once, at start. */
export const identitySettings = {
  NODE_ENV: setting.string('development'),
  IDENTITY_ISSUER: setting.string('urn:commerce:identity'),
  IDENTITY_AUDIENCE: setting.string('urn:commerce:api'),
  IDENTITY_TOKEN_ALG: setting.oneOf(['EdDSA', 'RS256'], 'EdDSA'),
  IDENTITY_ENCRYPTION_KEY: setting.optionalString(),
  ACCESS_TOKEN_TTL_SECONDS: setting.int(900, { min: 60, max: 3600 }),
  SESSION_TTL_SECONDS: setting.int(30 * 24 * 3600, { min: 300 }),
  SIGNING_KEY_ROTATE_AFTER_SECONDS: setting.int(30 * 24 * 3600, { min: 0 }),
  SIGNING_KEY_PUBLISH_AHEAD_SECONDS: setting.int(900, { min: 0 }),
  SIGNING_KEY_CHECK_MS: setting.int(3600_000, { min: 1000 }),
  BOOTSTRAP_ADMIN_EMAIL: setting.optionalString(),
  BOOTSTRAP_ADMIN_PASSWORD: setting.optionalString(),
  MFA_ISSUER: setting.string('Commerce'),
  OIDC_PROVIDERS: setting.optionalString(),
  // Sign-in: failures per account and source slow that source down (never lock the owner out).
  LOGIN_MAX_FAILURES_PER_SOURCE: setting.int(5, { min: 1 }),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: setting.int(20, { min: 1 }),
  LOGIN_MAX_FAILURES_PER_IP: setting.int(20, { min: 1 }),
  LOGIN_WINDOW_SECONDS: setting.int(900, { min: 1 }),
  LOGIN_SLOWDOWN_BASE_SECONDS: setting.int(30, { min: 1 }),
  LOGIN_SLOWDOWN_MAX_SECONDS: setting.int(900, { min: 1 }),
  LOGIN_MFA_BYPASS_PER_ACCOUNT: setting.int(5, { min: 0 }),
  // Registration and password reset: attempts per address and per email, and mails per address.
  REGISTER_MAX_PER_IP: setting.int(10, { min: 1 }),
  REGISTER_MAX_PER_EMAIL: setting.int(3, { min: 1 }),
  PASSWORD_RESET_MAX_PER_IP: setting.int(10, { min: 1 }),
  PASSWORD_RESET_MAX_PER_EMAIL: setting.int(3, { min: 1 }),
  ACCOUNT_REQUEST_WINDOW_SECONDS: setting.int(3600, { min: 1 }),
  MAILS_PER_ADDRESS_PER_HOUR: setting.int(5, { min: 1 }),
  // Mail.
  SMTP_HOST: setting.optionalString(),
  SMTP_PORT: setting.port(25),
  SMTP_SECURE: setting.optionalString(),
  SMTP_USER: setting.optionalString(),
  SMTP_PASSWORD: setting.optionalString(),
  MAIL_FROM: setting.string('no-reply@localhost'),
  STOREFRONT_URL: setting.url('http://localhost:3000'),
  IDENTITY_EMAIL_DELIVERY: setting.bool(true),
  DEV_MAILBOX_LOG: setting.bool(false),
};

export type IdentityConfig = Config<typeof identitySettings>;

export function loadIdentityConfig(env: NodeJS.ProcessEnv = process.env): IdentityConfig {
  return loadConfig(identitySettings, env);
}
