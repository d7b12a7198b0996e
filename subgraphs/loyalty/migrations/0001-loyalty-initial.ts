import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Loyalty's own schema. One ledger for points, gift cards and store credit: every balance
 * change is a `ledger` row, and the balances on `account` and `gift_card` are kept beside it
 * under CHECK (>= 0), so a redemption is a conditional UPDATE that cannot overdraw. Points
 * live in lots (what is left of each credit, with its expiry) consumed oldest first.
 * `order_source` is what orders' and payments' events said of an order; `hold` is a
 * checkout's redemption, keyed by the saga's order reference.
 */
export class LoyaltyInitial1767300000000 implements MigrationInterface {
  name = 'LoyaltyInitial1767300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS loyalty`);
    await db.query(`
      CREATE TABLE loyalty.account (
        customer_id text PRIMARY KEY,
        points_balance bigint NOT NULL DEFAULT 0 CHECK (points_balance >= 0),
        referral_code text NOT NULL UNIQUE,
        referred_by text,
        first_delivery_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE loyalty.points_lot (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id text NOT NULL REFERENCES loyalty.account (customer_id),
        points bigint NOT NULL CHECK (points > 0),
        remaining bigint NOT NULL CHECK (remaining >= 0 AND remaining <= points),
        earned_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await db.query(
      `CREATE INDEX points_lot_open_idx ON loyalty.points_lot (customer_id, earned_at, id)
       WHERE remaining > 0`,
    );
    await db.query(
      `CREATE INDEX points_lot_expiry_idx ON loyalty.points_lot (expires_at) WHERE remaining > 0`,
    );
    await db.query(`
      CREATE TABLE loyalty.gift_card (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code_hash text NOT NULL UNIQUE,
        last4 text NOT NULL,
        currency char(3) NOT NULL,
        initial_amount bigint NOT NULL CHECK (initial_amount > 0),
        balance bigint NOT NULL CHECK (balance >= 0),
        expires_at timestamptz,
        issued_by text NOT NULL,
        idempotency_key text UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE loyalty.ledger (
        id bigserial PRIMARY KEY,
        customer_id text,
        gift_card_id uuid REFERENCES loyalty.gift_card (id),
        kind text NOT NULL,
        points bigint NOT NULL DEFAULT 0,
        amount bigint NOT NULL DEFAULT 0,
        -- What caused it (earn:<order>, hold:<ref>, expire:<lot>...): one row per cause.
        reference text NOT NULL UNIQUE,
        note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (customer_id IS NOT NULL OR gift_card_id IS NOT NULL)
      )`);
    await db.query(`CREATE INDEX ledger_customer_idx ON loyalty.ledger (customer_id, id DESC)`);
    await db.query(`
      CREATE TABLE loyalty.order_source (
        order_id uuid PRIMARY KEY,
        customer_id text,
        currency char(3) NOT NULL,
        total_amount bigint NOT NULL,
        points_amount bigint NOT NULL DEFAULT 0,
        paid_amount bigint,
        refunded_amount bigint NOT NULL DEFAULT 0,
        delivered_at timestamptz,
        multiplier numeric NOT NULL DEFAULT 1,
        earned_points bigint NOT NULL DEFAULT 0
      )`);
    await db.query(
      `CREATE INDEX order_source_spend_idx ON loyalty.order_source (customer_id, delivered_at)`,
    );
    await db.query(`
      CREATE TABLE loyalty.hold (
        order_ref text PRIMARY KEY,
        order_id uuid NOT NULL,
        customer_id text,
        points bigint NOT NULL DEFAULT 0,
        points_amount bigint NOT NULL DEFAULT 0,
        gift_card_id uuid REFERENCES loyalty.gift_card (id),
        gift_card_amount bigint NOT NULL DEFAULT 0,
        currency char(3) NOT NULL,
        status text NOT NULL CHECK (status IN ('HELD', 'CONFIRMED', 'RELEASED')),
        restored_points bigint NOT NULL DEFAULT 0,
        restored_amount bigint NOT NULL DEFAULT 0,
        -- The lots a redemption took from: a release puts the points back there.
        lots jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX hold_order_idx ON loyalty.hold (order_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP SCHEMA loyalty CASCADE`);
  }
}
