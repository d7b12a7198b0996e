import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every permission the platform checks, with the built-in roles that hold them. */
export const PERMISSIONS: Record<string, string> = {
  'catalog:write': 'Create and change products, variants, categories and brands',
  'inventory:write': 'Create warehouses, receive and adjust stock',
  'orders:manage': 'Capture, fulfil, cancel and refund orders',
  'payments:read': 'See payments and their transactions',
  'payments:capture': 'Capture authorized payments',
  'payments:refund': 'Refund captured payments',
  'pricing:write': 'Change prices, price lists and tax rules',
  'promotions:read': 'See campaigns, promotions and coupons',
  'promotions:write': 'Create and change campaigns, promotions and coupons',
  'customers:read': 'See customer accounts',
  'identity:manage': 'Manage staff users, roles, customer segments; read the audit log',
};

const ADMIN = Object.keys(PERMISSIONS).filter((p) => p !== 'identity:manage');
const STAFF = ['orders:manage', 'payments:read', 'promotions:read', 'customers:read'];

export const BUILT_IN_ROLES: Record<string, { description: string; permissions: string[] }> = {
  super_admin: {
    description: 'Everything, including staff and roles',
    permissions: Object.keys(PERMISSIONS),
  },
  admin: {
    description: 'Runs the shop: catalog, stock, orders, payments, pricing, promotions',
    permissions: ADMIN,
  },
  staff: { description: 'Handles orders and customers', permissions: STAFF },
};

const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

export class IdentityInitial1764100000000 implements MigrationInterface {
  name = 'IdentityInitial1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS identity`);

    // Customers. Emails are stored normalized (trimmed, lower case); a customer created by
    // social login has no password until it sets one through a password reset.
    await db.query(`
      CREATE TABLE identity.customer (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
        password_hash text,
        first_name text NOT NULL CHECK (length(first_name) BETWEEN 1 AND 100),
        last_name text NOT NULL CHECK (length(last_name) BETWEEN 1 AND 100),
        email_verified_at timestamptz,
        segments text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX customer_segments_idx ON identity.customer USING gin (segments)`);
    await db.query(`
      CREATE TABLE identity.customer_address (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES identity.customer(id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        company text,
        line1 text NOT NULL CHECK (length(line1) BETWEEN 1 AND 200),
        line2 text,
        city text NOT NULL CHECK (length(city) BETWEEN 1 AND 100),
        postal_code text NOT NULL CHECK (length(postal_code) BETWEEN 1 AND 20),
        region text,
        country char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
        phone text,
        is_default_shipping boolean NOT NULL DEFAULT false,
        is_default_billing boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX customer_address_customer_idx ON identity.customer_address (customer_id, created_at)`,
    );
    // At most one default of each kind per customer, whatever the application does.
    await db.query(`
      CREATE UNIQUE INDEX customer_address_default_shipping_key ON identity.customer_address (customer_id)
        WHERE is_default_shipping`);
    await db.query(`
      CREATE UNIQUE INDEX customer_address_default_billing_key ON identity.customer_address (customer_id)
        WHERE is_default_billing`);

    // Single-use tokens mailed to customers; only their SHA-256 is kept.
    await db.query(`
      CREATE TABLE identity.email_token (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        purpose text NOT NULL CHECK (purpose IN ('email_verification', 'password_reset')),
        customer_id uuid NOT NULL REFERENCES identity.customer(id) ON DELETE CASCADE,
        token_hash bytea NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX email_token_customer_idx ON identity.email_token (customer_id, purpose)`,
    );

    // Staff, roles and permissions.
    await db.query(`
      CREATE TABLE identity.staff_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        password_hash text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        language text NOT NULL DEFAULT 'en',
        timezone text NOT NULL DEFAULT 'UTC',
        currency char(3) NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE identity.permission (
        name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z_]*:[a-z][a-z_]*$'),
        description text NOT NULL
      )`);
    await db.query(`
      CREATE TABLE identity.role (
        name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]{0,49}$'),
        description text NOT NULL DEFAULT '',
        built_in boolean NOT NULL DEFAULT false
      )`);
    await db.query(`
      CREATE TABLE identity.role_permission (
        role text NOT NULL REFERENCES identity.role(name) ON DELETE CASCADE,
        permission text NOT NULL REFERENCES identity.permission(name),
        PRIMARY KEY (role, permission)
      )`);
    await db.query(`
      CREATE TABLE identity.staff_role (
        staff_id uuid NOT NULL REFERENCES identity.staff_user(id) ON DELETE CASCADE,
        role text NOT NULL REFERENCES identity.role(name),
        PRIMARY KEY (staff_id, role)
      )`);
    for (const [name, description] of Object.entries(PERMISSIONS)) {
      await db.query(
        `INSERT INTO identity.permission (name, description) VALUES (${literal(name)}, ${literal(description)})`,
      );
    }
    for (const [name, role] of Object.entries(BUILT_IN_ROLES)) {
      await db.query(
        `INSERT INTO identity.role (name, description, built_in) VALUES (${literal(name)}, ${literal(role.description)}, true)`,
      );
      for (const permission of role.permissions) {
        await db.query(
          `INSERT INTO identity.role_permission (role, permission) VALUES (${literal(name)}, ${literal(permission)})`,
        );
      }
    }

    // Token signing keys, the private half sealed (see secrets.ts). The key that signs is
    // the newest whose activates_at has passed; a new key is published before it activates
    // and its predecessor stays published until every token it signed has expired.
    await db.query(`
      CREATE TABLE identity.signing_key (
        kid text PRIMARY KEY,
        alg text NOT NULL CHECK (alg IN ('EdDSA', 'RS256')),
        public_jwk jsonb NOT NULL,
        private_jwk text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        activates_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX signing_key_activates_idx ON identity.signing_key (activates_at)`);

    // Sessions (a refresh token family) and their refresh tokens, stored hashed.
    await db.query(`
      CREATE TABLE identity.session (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        principal_kind text NOT NULL CHECK (principal_kind IN ('customer', 'staff')),
        principal_id uuid NOT NULL,
        auth_method text NOT NULL,
        ip text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text
      )`);
    await db.query(
      `CREATE INDEX session_principal_idx ON identity.session (principal_kind, principal_id, created_at)`,
    );
    await db.query(`
      CREATE TABLE identity.refresh_token (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES identity.session(id) ON DELETE CASCADE,
        token_hash bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        used_at timestamptz
      )`);
    await db.query(`CREATE INDEX refresh_token_session_idx ON identity.refresh_token (session_id)`);

    // TOTP: the secret sealed, the last accepted time step so that no code works twice.
    await db.query(`
      CREATE TABLE identity.mfa_totp (
        principal_kind text NOT NULL CHECK (principal_kind IN ('customer', 'staff')),
        principal_id uuid NOT NULL,
        secret text NOT NULL,
        confirmed_at timestamptz,
        last_used_step bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (principal_kind, principal_id)
      )`);
    await db.query(`
      CREATE TABLE identity.mfa_recovery_code (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        principal_kind text NOT NULL CHECK (principal_kind IN ('customer', 'staff')),
        principal_id uuid NOT NULL,
        code_hash bytea NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (principal_kind, principal_id, code_hash)
      )`);

    // Brute-force counters shared by every instance: per account (normalized email) and per IP.
    await db.query(`
      CREATE TABLE identity.login_throttle (
        scope text NOT NULL CHECK (scope IN ('account', 'ip')),
        key text NOT NULL,
        window_start timestamptz NOT NULL,
        attempts int NOT NULL CHECK (attempts >= 0),
        locked_until timestamptz,
        PRIMARY KEY (scope, key)
      )`);

    await db.query(`
      CREATE TABLE identity.audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        event text NOT NULL,
        actor_kind text,
        actor_id text,
        subject_kind text,
        subject_id text,
        ip text,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await db.query(`CREATE INDEX audit_log_event_idx ON identity.audit_log (event, id)`);

    // OpenID Connect: pending authorization requests (single use) and linked accounts.
    await db.query(`
      CREATE TABLE identity.oidc_request (
        state_hash bytea PRIMARY KEY,
        provider text NOT NULL,
        nonce text NOT NULL,
        code_verifier text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE TABLE identity.external_identity (
        provider text NOT NULL,
        subject text NOT NULL,
        customer_id uuid NOT NULL REFERENCES identity.customer(id) ON DELETE CASCADE,
        email text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, subject)
      )`);

    // Emails handed to the mailer, by outbox event id: a redelivered event is not sent twice.
    await db.query(`
      CREATE TABLE identity.email_delivery (
        event_id text PRIMARY KEY,
        delivered_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP SCHEMA identity CASCADE`);
  }
}
